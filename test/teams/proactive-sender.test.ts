import assert from 'node:assert/strict';
import { ConnectorServer } from '../support/connector-server.js';
import { startBot, type BotUnderTest } from '../support/bot.js';
import { cardTexts } from '../support/card-text.js';
import { BOT, TENANT_ID, USER } from '../support/teams-activities.js';
import { isPullDoctorError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/logging/index.js';
import type { ConversationAddress } from '../../src/teams/conversations.js';

function address(serviceUrl: string, conversationId = 'a:proactive-1'): ConversationAddress {
  return {
    serviceUrl,
    channelId: 'msteams',
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT_ID },
    bot: { id: BOT.id, name: BOT.name },
    user: { id: USER.id, name: USER.name },
  };
}

function sendFailed(status?: number) {
  return (error: unknown) => {
    assert.ok(isPullDoctorError(error) && error.code === 'TEAMS_SEND_FAILED', String(error));
    assert.equal(error.facts.status, status);
    return true;
  };
}

describe('the proactive sender (posting outside a turn, for follow-ups and alerts)', () => {
  let connector: ConnectorServer;
  let bot: BotUnderTest;
  const log = silentLogger();

  beforeEach(async () => {
    connector = await ConnectorServer.start();
    bot = await startBot();
  });

  afterEach(async () => {
    await bot.stop();
    await connector.stop();
  });

  it('sends a card to a stored conversation address and updates it later', async () => {
    const to = address(connector.serviceUrl);
    const { activityId } = await bot.app.teams.sender.sendCard(to, bot.app.teams.cards.alerts({ summary: 'first' }), log);
    assert.ok(activityId);
    await bot.app.teams.sender.updateCard(to, activityId, bot.app.teams.cards.alerts({ summary: 'second' }), log);
    const [sent, updated] = connector.calls;
    assert.equal(sent!.conversationId, 'a:proactive-1');
    assert.deepEqual(sent!.activity!.conversation, {
      id: 'a:proactive-1',
      isGroup: false,
      name: '',
      conversationType: 'personal',
      tenantId: TENANT_ID,
    });
    assert.equal(updated!.operation, 'update');
    assert.equal(updated!.activityId, activityId);
    const content = (updated!.activity!.attachments as Array<{ content: unknown }>)[0]!.content;
    assert.deepEqual(cardTexts(content), ['🔔 Alerts', 'second']);
  });

  it("reports Teams' refusals as TEAMS_SEND_FAILED with the HTTP status (403: the bot was removed)", async () => {
    connector.failSendsWith = 403;
    await assert.rejects(
      bot.app.teams.sender.sendCard(address(connector.serviceUrl), bot.app.teams.cards.alerts({ summary: 'x' }), log),
      sendFailed(403),
    );
    connector.failUpdatesWith = 404;
    await assert.rejects(
      bot.app.teams.sender.updateCard(address(connector.serviceUrl), 'activity-9', bot.app.teams.cards.alerts({ summary: 'x' }), log),
      sendFailed(404),
    );
  });

  it("passes on Teams' Retry-After with a 429 once the connector client's own retries are spent", async () => {
    connector.failSendsWith = 429;
    connector.failSendsRetryAfter = '0';
    await assert.rejects(
      bot.app.teams.sender.sendCard(address(connector.serviceUrl), bot.app.teams.cards.alerts({ summary: 'x' }), log),
      (error: unknown) => {
        assert.ok(isPullDoctorError(error) && error.code === 'TEAMS_SEND_FAILED');
        assert.deepEqual(error.facts, { status: 429, retryAfter: '0' });
        return true;
      },
    );
    // botframework-connector's pipeline (@azure/core-rest-pipeline) retries a 429 three times, waiting Retry-After.
    assert.equal(connector.refused.length, 4);
  });

  it('in local mode, never posts to a service URL that is not on this machine', async () => {
    await assert.rejects(
      bot.app.teams.sender.sendCard(address('https://smba.trafficmanager.net/emea/'), bot.app.teams.cards.alerts({ summary: 'x' }), log),
      sendFailed(undefined),
    );
    assert.equal(connector.calls.length, 0);
  });
});
