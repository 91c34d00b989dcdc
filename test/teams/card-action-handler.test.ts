import assert from 'node:assert/strict';
import { silentLogger } from '../../src/logging/index.js';
import { CardActionHandler } from '../../src/teams/card-action-handler.js';
import { TeamsCards } from '../../src/teams/cards/teams-cards.js';
import { loadCardTemplates } from '../../src/teams/cards/render-card.js';
import type { DiagnosisCardMaker } from '../../src/teams/diagnosis-card-maker.js';
import type { FixRequest, FixRequestHandler, TeamsOutlet } from '../../src/teams/fix-request-handler.js';
import { MemoryCardActionStore } from '../../src/teams/memory-card-action-store.js';
import type { ProactiveSender } from '../../src/teams/proactive-sender.js';
import { missingAcrPull } from '../fixtures/diagnoses/index.js';
import { TENANT_ID, USER } from '../support/teams-activities.js';

const CHANNEL = '19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.tacv2';
const THREAD = `${CHANNEL};messageid=1795735129931`;

class RecordingFixRequests implements FixRequestHandler {
  readonly requests: FixRequest[] = [];
  async requestFix(request: FixRequest) {
    this.requests.push(request);
    return { reference: 'FR-1' };
  }
}

describe('CardActionHandler: Request fix', () => {
  it('records the request in the conversation the press came from: an alert card in a channel is pressed in its own thread', async () => {
    const cards = new TeamsCards(loadCardTemplates(), false);
    const cardActions = new MemoryCardActionStore();
    const fixRequests = new RecordingFixRequests();
    const outlet: TeamsOutlet = { cards, sender: {} as ProactiveSender };
    const handler = new CardActionHandler({ cardActions, cards, diagnosisCards: {} as DiagnosisCardMaker, fixRequests, outlet });
    // Alerts post to the channel (a new thread): their actions carry the channel's id.
    const id = await cardActions.put({
      verb: 'requestFix',
      conversationId: CHANNEL,
      target: { pod: 'web-7d4c9', namespace: 'shop' },
      run: 1,
      fix: missingAcrPull.fix!,
      cause: 'unauthorized',
      diagnosedAt: missingAcrPull.diagnosedAt,
    });
    const conversation = { serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', conversation: { id: THREAD, conversationType: 'channel', tenantId: TENANT_ID }, bot: { id: '28:bot' } };
    await handler.handle({ verb: 'requestFix', data: { id }, conversationId: THREAD, user: USER, tenantId: TENANT_ID, conversation, messageId: '1795735129931' }, silentLogger());
    assert.equal(fixRequests.requests.length, 1);
    // The approval card goes to that thread, and Approve is pressed there: the request must belong to it.
    assert.equal(fixRequests.requests[0]!.conversationId, THREAD);
    assert.equal(fixRequests.requests[0]!.conversation.conversation.id, THREAD);
  });
});
