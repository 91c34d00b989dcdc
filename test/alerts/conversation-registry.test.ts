import assert from 'node:assert/strict';
import { ConversationRegistry } from '../../src/alerts/conversation-registry.js';
import { SubscriptionService } from '../../src/alerts/subscription-service.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { isPullDoctorError } from '../../src/errors/index.js';

/** A botbuilder ConversationReference as TurnContext.getConversationReference returns it for a channel message. */
export const channelReference = (conversationId = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2') => ({
  activityId: '1712345678901',
  user: { id: '29:1f2e3d4c5b6a', name: 'Ada Lovelace', aadObjectId: '00000000-0000-4000-8000-00000000a001' },
  bot: { id: '28:0b1f6471-1bf0-4dda-aec3-111122223333', name: 'Pull Doctor' },
  conversation: { isGroup: true, conversationType: 'channel', id: conversationId, tenantId: '00000000-0000-4000-8000-0000000000t1' },
  channelId: 'msteams',
  locale: 'en-US',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
});

describe('ConversationRegistry', () => {
  let store: Store;
  let registry: ConversationRegistry;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    registry = new ConversationRegistry(store.documents);
  });
  afterEach(() => store.close());

  it('keeps the reference as opaque JSON with its ids, and replaces it when the same conversation comes again', async () => {
    const id = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2';
    await registry.remember({ conversationId: id, conversationType: 'channel', tenantId: 't1', teamId: '19:team@thread.tacv2', channelId: id, reference: channelReference(id) });
    const stored = await registry.get(id);
    assert.deepEqual(stored?.reference, channelReference(id));
    assert.equal(stored?.teamId, '19:team@thread.tacv2');
    await registry.remember({ conversationId: id, conversationType: 'channel', reference: { ...channelReference(id), locale: 'de-DE' } });
    assert.equal(((await registry.get(id))?.reference as { locale: string }).locale, 'de-DE');
    assert.equal((await registry.list()).length, 1);
  });

  it('survives a restart: a new registry over the same store knows the conversation', async () => {
    await registry.remember({ conversationId: 'a:1pXyZ', conversationType: 'personal', reference: { conversation: { id: 'a:1pXyZ' } } });
    assert.ok(await new ConversationRegistry(store.documents).get('a:1pXyZ'));
  });

  it('forgets a conversation together with its subscription', async () => {
    const subscriptions = new SubscriptionService({ store: store.documents, routes: [], alertsEnabled: true });
    await registry.remember({ conversationId: 'a:1pXyZ', conversationType: 'personal', reference: {} });
    await subscriptions.subscribe('a:1pXyZ', { namespace: 'shop' });
    assert.equal(await registry.forget('a:1pXyZ'), true);
    assert.equal(await registry.get('a:1pXyZ'), null);
    assert.equal((await subscriptions.status('a:1pXyZ')).subscribed, false);
    assert.equal(await registry.forget('a:1pXyZ'), false);
  });

  it('refuses malformed input with INVALID_INPUT', async () => {
    const bad = [
      { conversationId: '', conversationType: 'channel', reference: {} },
      { conversationId: 'x\u0000y', conversationType: 'channel', reference: {} },
      { conversationId: 'a:1', conversationType: 'meeting', reference: {} },
      { conversationId: 'a:1', conversationType: 'personal', reference: { big: 'x'.repeat(20_000) } },
      { conversationId: 'a:1', conversationType: 'personal', reference: undefined },
    ];
    for (const input of bad) {
      await assert.rejects(registry.remember(input as never), (e) => isPullDoctorError(e) && e.code === 'INVALID_INPUT');
    }
  });
});
