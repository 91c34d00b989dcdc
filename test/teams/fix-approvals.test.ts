import assert from 'node:assert/strict';
import { CardActionStore } from '../../src/teams/card-actions.js';
import { missingAcrPull } from '../fixtures/diagnoses/index.js';
import { startBot, type BotUnderTest } from '../support/bot.js';
import { cardTexts } from '../support/card-text.js';
import { ConnectorServer } from '../support/connector-server.js';
import { cardActionInvoke, channelThread, postActivity, TENANT_ID } from '../support/teams-activities.js';

const CHANNEL = '19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.tacv2';
const THREAD = `${CHANNEL};messageid=1795735129931`;

describe('Request fix in Teams', function () {
  this.timeout(20_000);
  let bot: BotUnderTest;
  let connector: ConnectorServer;

  beforeEach(async () => {
    connector = await ConnectorServer.start();
    bot = await startBot({ sandbox: true });
  });
  afterEach(async () => {
    await bot.stop();
    await connector.stop();
  });

  it('records the request in the conversation the press came from: an alert card in a channel is pressed in its own thread', async () => {
    // Alerts post to the channel (a new thread): their actions carry the channel's id.
    const id = await new CardActionStore(bot.app.store.documents).put({
      verb: 'requestFix',
      conversationId: CHANNEL,
      target: { pod: 'web-7d4c9', namespace: 'shop' },
      run: 1,
      fix: missingAcrPull.fix!,
      cause: 'unauthorized',
      diagnosedAt: missingAcrPull.diagnosedAt,
      cluster: { name: 'shop-aks' },
    });
    const answer = await postActivity(
      bot.url,
      cardActionInvoke(connector.serviceUrl, channelThread(THREAD, TENANT_ID), '1795735129931', { verb: 'requestFix', data: { id } }),
    );
    assert.equal(answer.status, 200);
    // An action stored without the card to draw again (as before this bot's version): the card stays, a line says why.
    assert.deepEqual(answer.body, {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'Fix requested by Alex Wilber — waiting for approval',
    });
    // The approval card goes to that thread, and Approve is pressed there: the request must belong to it.
    const [stored] = await bot.app.store.documents.list<{ conversationId: string }>('fix-requests');
    assert.equal(stored!.value.conversationId, THREAD);
    const approval = await connector.waitFor(
      (c) =>
        c.operation !== 'update' &&
        cardTexts((c.activity?.attachments as Array<{ content: unknown }> | undefined)?.[0]?.content).includes('Fix approval'),
    );
    assert.equal(approval.conversationId, THREAD);
  });
});
