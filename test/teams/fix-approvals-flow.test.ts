import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runAudit } from '../../src/cli/audit-command.js';
import { SANDBOX_IDS } from '../../src/sandbox/sandbox-identity.js';
import { armErrors, type FakeArmWriteRecord } from '../../src/sandbox/resource-manager/index.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { cardTexts, executeActions } from '../support/card-text.js';
import {
  ACR_PULL_GUID,
  answerCard,
  approvalPost,
  button,
  cardOf,
  DANA,
  diagnose,
  isApprovalCard,
  ADELE,
  MALLORY,
  MEGAN,
  press,
  requestedFix,
  sandboxGroupChat,
  startFixBotWorld,
  type FixBot,
  type FixBotWorld,
} from '../support/fix-approvals-bot.js';
import { waitFor } from '../support/wait-for.js';
import {
  cardActionInvoke,
  channelThread,
  groupChat,
  messageActivity,
  personalChat,
  postActivity,
  type Conversation,
} from '../support/teams-activities.js';
import { isAlertCard } from '../support/alerting-bot.js';
import { ManualClock } from '../support/manual-clock.js';
import { PLAYGROUND_OTHER_USERS, PLAYGROUND_TENANT_ID } from '../../src/sandbox/playground.js';

const OPS = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2';
/** The diagnosis card's title for the sandbox's web pod: its root cause in its own terms (Diagnosis.headline). */
const WEB_TITLE = 'Kubelet identity of shop-aks has no AcrPull on shopacr';
const OTHER_TENANT = '2c1b0a9f-8e7d-4c6b-9a5f-4e3d2c1b0a9f';

const SHOPACR = `/subscriptions/${SANDBOX_IDS.subscriptionId}/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr`;

function roleAssignmentPuts(bot: FixBot): FakeArmWriteRecord[] {
  return bot.world!.arm.writes.filter(
    (w) => w.method === 'PUT' && /\/providers\/Microsoft\.Authorization\/roleAssignments\//i.test(w.path),
  );
}

async function auditText(storePath: string): Promise<{ out: string; json: Array<Record<string, unknown>> }> {
  const run = async (args: string[]) => {
    const stdout = new PassThrough();
    let out = '';
    stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await runAudit(args, {
      env: { STORE_SQLITE_PATH: storePath },
      stdin: new PassThrough(),
      stdout,
      stderr: new PassThrough(),
    });
    assert.equal(code, 0);
    return out;
  };
  return { out: await run([]), json: JSON.parse(await run(['--output', 'json'])) as Array<Record<string, unknown>> };
}

describe('fix approvals in Teams: the bot application on the sandbox, its endpoint, the Bot Connector and the fake ARM', function () {
  this.timeout(30_000);
  let world: FixBotWorld;
  let bot: FixBot;

  beforeEach(async () => {
    world = await startFixBotWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('grants AcrPull once: Request fix by one person, Approve by another, one PUT, the card updated for everyone, all audited', async () => {
    bot = await world.start();
    const { connector } = world;
    const chat = sandboxGroupChat();
    connector.members.set(chat.id, [DANA, MEGAN, ADELE, MALLORY]);

    const diagnosis = await diagnose(bot, connector, chat);
    const requestFix = button(cardOf(diagnosis), 'Request fix');
    assert.deepEqual(Object.keys(requestFix.data), ['id'], 'the Request fix button carries only an opaque id');

    // The diagnosis card is marked in place: the person who pressed sees it at once, everyone else right after.
    const marked = await press(bot, connector, chat, diagnosis.activityId!, requestFix, DANA);
    const markedTexts = cardTexts(marked);
    assert.equal(marked.fallbackText, `❌ ${WEB_TITLE}`, 'the diagnosis stays');
    assert.ok(markedTexts.includes(WEB_TITLE), JSON.stringify(markedTexts));
    assert.ok(markedTexts.includes('Fix requested by Dana Oncall — waiting for approval'), JSON.stringify(markedTexts));
    assert.ok(!executeActions(marked).some((b) => b.title === 'Request fix'), 'no second request from this card');

    const posted = await approvalPost(connector, chat);
    const card = cardOf(posted);
    assert.deepEqual(adaptiveCardProblems(card), []);
    const texts = cardTexts(card);
    assert.ok(
      texts.some((t) => t.startsWith('Waiting for an approver until ')),
      JSON.stringify(texts),
    );
    assert.equal(texts.filter((t) => / \d\d:\d\d:\d\d UTC/.test(t) && t.includes('until')).length, 1, 'one expiry time');
    assert.ok(texts.includes(`**Why:** ${WEB_TITLE}`), 'the root cause, as the diagnosis card says it');
    assert.ok(!texts.some((t) => t.includes('${')), 'no template expression left unfilled');
    assert.ok(
      texts.some((t) => t.startsWith('Dana Oncall at ')),
      'who requested',
    );
    assert.ok(texts.includes(`kubelet identity of shop-aks (object id ${SANDBOX_IDS.kubeletObjectId})`), 'names the kubelet identity');
    assert.ok(texts.includes('AcrPull') && texts.includes('shopacr'), 'the role and the registry');
    assert.ok(JSON.stringify(card).includes(`"codeSnippet":"${SHOPACR}"`), 'the full scope in a code block');
    assert.ok(
      texts.some((t) => t.includes(ACR_PULL_GUID)),
      'names the AcrPull role definition (in the details)',
    );
    // The approvers in the conversation are mentioned (Teams notifies them); not the requester, not a non-approver.
    assert.ok(
      texts.includes(
        '**Who can approve:** <at>Megan Bowen</at>, <at>Adele Vance</at>. Not the requester, Dana Oncall, who can withdraw the request.',
      ),
      JSON.stringify(texts),
    );
    assert.deepEqual((card.msteams as { entities: unknown }).entities, [
      { type: 'mention', text: '<at>Megan Bowen</at>', mentioned: { id: MEGAN.id, name: 'Megan Bowen' } },
      { type: 'mention', text: '<at>Adele Vance</at>', mentioned: { id: ADELE.id, name: 'Adele Vance' } },
    ]);
    const buttons = executeActions(card);
    assert.deepEqual(
      buttons.map((b) => [b.title, b.verb]),
      [
        ['Approve', 'approveFix'],
        ['Reject', 'rejectFix'],
        ['Withdraw request', 'withdrawFix'],
        ['Approve as Megan Bowen (sandbox)', 'approveFixAs'],
      ],
    );
    for (const b of buttons) assert.deepEqual(Object.keys(b.data), ['id'], 'the buttons carry only the request id');
    const everyone = await connector.waitFor(
      (c) =>
        c.operation === 'update' &&
        c.activityId === diagnosis.activityId &&
        cardTexts(cardOf(c)).includes('Fix requested by Dana Oncall — waiting for approval'),
    );
    assert.deepEqual(cardOf(everyone), marked, "everyone's diagnosis card is marked");
    assert.deepEqual(
      connector.calls
        .filter((c) => c.operation !== 'update' && c.activity?.type === 'message')
        .map((c) => cardTexts(cardOf(c)).find((t) => t.startsWith('⏳ Diagnosing') || t === 'Fix approval')),
      ['⏳ Diagnosing shop/web-7d4c9b6f5-x2k8p…', 'Fix approval'],
      'the approval card is the one new message',
    );
    const id = buttons[0]!.data.id as string;
    assert.deepEqual(roleAssignmentPuts(bot), [], 'nothing written before the approval');

    const applying = await press(bot, connector, chat, posted.resultId!, buttons[0]!, MEGAN);
    const applyingTexts = cardTexts(applying);
    assert.ok(
      applyingTexts.some((t) => t.startsWith('Approved by Megan Bowen at ') && t.endsWith(': applying the change…')),
      JSON.stringify(applyingTexts),
    );
    assert.deepEqual(executeActions(applying), [], 'no buttons once approved');

    const updated = await connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === posted.resultId && cardTexts(cardOf(c)).some((t) => t.endsWith(': done')),
      15_000,
    );
    const done = cardTexts(cardOf(updated));
    assert.ok(
      done.some((t) => t.startsWith('**Result:** Role assignment created')),
      JSON.stringify(done),
    );
    assert.ok(
      done.some((t) => /^\*\*Checks at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC:\*\* /.test(t)),
      'shows the diagnosis after the change',
    );
    assert.deepEqual(
      executeActions(cardOf(updated)).map((b) => [b.title, b.verb, b.data]),
      [['Re-run checks', 'recheckFix', { id }]],
      'the done card has Re-run checks',
    );
    assert.deepEqual(adaptiveCardProblems(cardOf(updated)), []);
    // The diagnosis card it came from says so too.
    await connector.waitFor(
      (c) =>
        c.operation === 'update' &&
        c.activityId === diagnosis.activityId &&
        cardTexts(cardOf(c)).some((t) => t.startsWith('Fix applied: AcrPull on shopacr, approved by Megan Bowen at ')),
    );

    const puts = roleAssignmentPuts(bot);
    assert.equal(puts.length, 1, 'exactly one role assignment PUT');
    const [put] = puts;
    assert.equal(put!.status, 201);
    assert.ok(put!.path.toLowerCase().startsWith(`${SHOPACR}/providers/Microsoft.Authorization/roleAssignments/`.toLowerCase()), put!.path);
    const properties = (put!.body as { properties: Record<string, string> }).properties;
    assert.equal(properties.principalId, SANDBOX_IDS.kubeletObjectId);
    assert.ok(properties.roleDefinitionId!.toLowerCase().endsWith(`/roledefinitions/${ACR_PULL_GUID}`), properties.roleDefinitionId);
    assert.equal(properties.principalType, 'ServicePrincipal');

    // The audit trail, read by `pulldoctor audit` from the same store file, as an operator would.
    await waitFor('the execution to be audited', () => bot.logs.some((r) => r.msg === 'approval card updated'));
    const audit = await auditText(world.storePath);
    const ofRequest = audit.json.filter((r) => (r.target as Record<string, string> | undefined)?.fixRequestId === id);
    const actions = ofRequest.map((r) => r.action);
    for (const action of ['fix.requested', 'fix.approved', 'fix.execution-started', 'fix.applied'])
      assert.ok(actions.includes(action), `${action} in ${JSON.stringify(actions)}`);
    assert.ok(
      actions.indexOf('fix.requested') < actions.indexOf('fix.approved') &&
        actions.indexOf('fix.approved') < actions.indexOf('fix.applied'),
    );
    const requested = ofRequest.find((r) => r.action === 'fix.requested')!;
    assert.deepEqual(requested.actor, { id: DANA.aadObjectId, name: 'Dana Oncall' });
    const approved = ofRequest.find((r) => r.action === 'fix.approved')!;
    assert.deepEqual(approved.actor, { id: MEGAN.aadObjectId, name: 'Megan Bowen' });
    for (const r of ofRequest) assert.ok(!Number.isNaN(Date.parse(r.at as string)), 'every record says when');
    assert.match(audit.out, /fix\.approved\s+ok\s+Megan Bowen </);
    assert.match(audit.out, /fix\.requested\s+ok\s+Dana Oncall </);

    // No secret of the sandbox (its bearer tokens, the kube token, the Docker Hub password) in the logs, cards or audit.
    const token = (await bot.world!.credential.getToken('https://management.azure.com/.default'))!.token;
    const everything = [
      JSON.stringify(bot.logs),
      JSON.stringify(connector.calls.map((c) => c.activity)),
      JSON.stringify(audit.json),
      audit.out,
    ].join('\n');
    for (const secret of [token.split('.')[0]!, 'sandbox-kubernetes-token', 'sandbox-hub-password', 'Bearer ']) {
      assert.ok(!everything.includes(secret), `${secret.slice(0, 12)}… must not be logged, shown or audited`);
    }
  });

  describe('refusals change nothing: no PUT at Azure, and the card stays as it is for everyone', () => {
    /** Updates of the approval card (for everyone) so far. */
    const updatesOf = (messageId: string) => world.connector.calls.filter((c) => c.operation === 'update' && c.activityId === messageId);

    /** A legitimate rejection afterwards: its update must be the card's only one (no refusal updated it). */
    async function onlyTheRejectionUpdates(messageId: string, id: string): Promise<void> {
      const { connector } = world;
      await press(bot, connector, chat, messageId, { verb: 'rejectFix', data: { id } }, ADELE);
      await connector.waitFor((c) => c.operation === 'update' && c.activityId === messageId);
      await waitFor('the rejection to be shown', () => bot.logs.some((r) => r.msg === 'approval card updated'));
      const updates = updatesOf(messageId);
      assert.equal(updates.length, 1, 'only the rejection updated the card');
      assert.ok(
        cardTexts(cardOf(updates[0]!)).some((t) => t.startsWith('Rejected by Adele Vance at ') && t.endsWith(': nothing was changed')),
      );
      assert.deepEqual(roleAssignmentPuts(bot), []);
    }

    let chat: Conversation;
    beforeEach(async () => {
      bot = await world.start();
      chat = sandboxGroupChat();
    });

    it('refuses the requester approving their own request, even when they are an approver', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat, MEGAN);
      const answer = await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
      assert.ok(cardTexts(answer).includes('⛔ You made this request: someone else must decide on it.'), JSON.stringify(cardTexts(answer)));
      assert.ok(cardTexts(answer).includes('Nothing was changed by your press.'));
      const id = button(card, 'Approve').data.id as string;
      assert.equal((await bot.app.fixes!.approvals.get(id))!.status, 'pending');
      await onlyTheRejectionUpdates(messageId, id);
    });

    it('refuses someone who is not an approver', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat);
      const answer = await press(bot, connector, chat, messageId, button(card, 'Approve'), MALLORY);
      assert.ok(cardTexts(answer).includes('⛔ You are not one of the approvers for fixes.'), JSON.stringify(cardTexts(answer)));
      assert.deepEqual(
        executeActions(answer).map((a) => a.title),
        ['Approve', 'Reject', 'Withdraw request', 'Approve as Megan Bowen (sandbox)'],
        'still pending: the buttons stay',
      );
      await onlyTheRejectionUpdates(messageId, button(card, 'Approve').data.id as string);
    });

    it('refuses a press from another conversation and from another tenant, without showing the request', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat);
      const approve = button(card, 'Approve');
      const elsewhere = await press(bot, connector, sandboxGroupChat(), messageId, approve, MEGAN);
      assert.deepEqual(cardTexts(elsewhere).slice(1), [
        '⛔ Refused: nothing was changed',
        'This fix request can only be decided in the conversation where it was made.',
        '**What you can do:** Decide in the conversation where the fix was requested: its approval card is there.',
        'Refusal wrong-conversation',
      ]);
      const otherTenant = await press(bot, connector, groupChat(chat.id, OTHER_TENANT), messageId, approve, MEGAN);
      assert.ok(
        cardTexts(otherTenant).includes('This fix request belongs to another organisation.'),
        JSON.stringify(cardTexts(otherTenant)),
      );
      for (const answer of [elsewhere, otherTenant])
        assert.ok(!JSON.stringify(answer).includes('shopacr'), 'the request is not shown outside its conversation');
      await onlyTheRejectionUpdates(messageId, approve.data.id as string);
    });

    it('refuses a forged card whose data carries more than the id (strict), and one naming an unknown request', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat);
      const approve = button(card, 'Approve');
      const forged = await press(
        bot,
        connector,
        chat,
        messageId,
        { verb: 'approveFix', data: { ...approve.data, scope: '/subscriptions/x' } },
        MEGAN,
      );
      assert.ok(cardTexts(forged).includes('Refusal altered-card'), JSON.stringify(cardTexts(forged)));
      const unknown = await press(bot, connector, chat, messageId, { verb: 'approveFix', data: { id: 'AAAAAAAAAAAAAAAAAAAAAA' } }, MEGAN);
      assert.ok(cardTexts(unknown).includes('Refusal unknown-request'), JSON.stringify(cardTexts(unknown)));
      const audit = await bot.app.store.audit.list();
      assert.ok(
        audit.some((r) => r.action === 'fix.refused' && r.details?.reasonCode === 'altered-card'),
        'the forgery is audited',
      );
      await onlyTheRejectionUpdates(messageId, approve.data.id as string);
    });

    it('refuses a second Approve once the request is decided, and writes nothing more', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat);
      await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
      await connector.waitFor(
        (c) => c.operation === 'update' && c.activityId === messageId && cardTexts(cardOf(c)).some((t) => t.endsWith(': done')),
        15_000,
      );
      const again = await press(bot, connector, chat, messageId, button(card, 'Approve'), ADELE);
      assert.ok(cardTexts(again).includes('⛔ This fix request has already been decided.'), JSON.stringify(cardTexts(again)));
      assert.ok(
        cardTexts(again).some((t) => t.endsWith(': done')),
        'the answer shows how it ended',
      );
      assert.equal(roleAssignmentPuts(bot).length, 1);
      assert.equal(updatesOf(messageId).length, 1, 'the refusal did not update the card');
    });

    it('rejects: the card says so for everyone and nothing is changed', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat);
      const answer = await press(bot, connector, chat, messageId, button(card, 'Reject'), MEGAN);
      assert.ok(cardTexts(answer).some((t) => t.startsWith('Rejected by Megan Bowen at ')));
      const updated = await connector.waitFor((c) => c.operation === 'update' && c.activityId === messageId);
      assert.ok(cardTexts(cardOf(updated)).some((t) => t.startsWith('Rejected by Megan Bowen at ') && t.endsWith(': nothing was changed')));
      assert.deepEqual(executeActions(cardOf(updated)), []);
      const id = button(card, 'Reject').data.id as string;
      assert.equal((await bot.app.fixes!.approvals.get(id))!.status, 'rejected');
      assert.deepEqual(roleAssignmentPuts(bot), []);
    });
  });

  it('refuses an Approve after the request expired and shows everyone it expired', async () => {
    const clock = movableClock();
    bot = await world.start({ tuning: { now: clock.now, resumeEveryMs: 3_600_000 } });
    const { connector } = world;
    const chat = sandboxGroupChat();
    const { card, messageId } = await requestedFix(bot, connector, chat);
    clock.advance(60 * 60_000 + 1);
    const answer = await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
    assert.ok(
      cardTexts(answer).includes('⛔ This fix request has expired; run the diagnosis again to request the fix anew.'),
      JSON.stringify(cardTexts(answer)),
    );
    const updated = await connector.waitFor((c) => c.operation === 'update' && c.activityId === messageId);
    assert.ok(
      cardTexts(cardOf(updated)).some((t) => t.startsWith('Expired at ') && t.endsWith('without a decision: nothing was changed')),
      JSON.stringify(cardTexts(cardOf(updated))),
    );
    assert.deepEqual(executeActions(cardOf(updated)), []);
    assert.deepEqual(roleAssignmentPuts(bot), []);
  });

  it('expires a request nobody decided on at the periodic resume, and shows everyone', async () => {
    const clock = movableClock();
    bot = await world.start({ tuning: { now: clock.now, resumeEveryMs: 3_600_000 } });
    const { connector } = world;
    const chat = sandboxGroupChat();
    const { card, messageId } = await requestedFix(bot, connector, chat);
    clock.advance(60 * 60_000 + 1);
    const report = await bot.app.fixes!.resumeNow();
    const id = button(card, 'Approve').data.id as string;
    assert.deepEqual(report.expired, [id]);
    const updated = await connector.waitFor((c) => c.operation === 'update' && c.activityId === messageId);
    assert.ok(
      cardTexts(cardOf(updated)).some((t) => t.startsWith('Expired at ')),
      JSON.stringify(cardTexts(cardOf(updated))),
    );
    assert.deepEqual(executeActions(cardOf(updated)), []);
    const late = await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
    assert.ok(
      cardTexts(late).includes('⛔ This fix request has expired; run the diagnosis again to request the fix anew.'),
      JSON.stringify(cardTexts(late)),
    );
    assert.deepEqual(roleAssignmentPuts(bot), []);
  });

  it('writes once when two approvers press Approve at the same time', async () => {
    bot = await world.start();
    const { connector } = world;
    const chat = sandboxGroupChat();
    const { card, messageId } = await requestedFix(bot, connector, chat);
    const answers = await Promise.all([MEGAN, ADELE].map((who) => press(bot, connector, chat, messageId, button(card, 'Approve'), who)));
    const refused = answers.filter((a) => cardTexts(a).includes('⛔ This fix request has already been decided.'));
    const applying = answers.filter((a) => cardTexts(a).some((t) => t.endsWith(': applying the change…')) && !refused.includes(a));
    assert.equal(applying.length, 1, 'one approval');
    assert.equal(refused.length, 1, 'the other press is refused');
    await connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === messageId && cardTexts(cardOf(c)).some((t) => t.endsWith(': done')),
      15_000,
    );
    await waitFor('the card update to be logged', () => bot.logs.some((r) => r.msg === 'approval card updated'));
    assert.equal(roleAssignmentPuts(bot).length, 1);
    const audit = await bot.app.store.audit.list();
    assert.equal(audit.filter((r) => r.action === 'fix.approved').length, 1);
    assert.equal(audit.filter((r) => r.action === 'fix.execution-started').length, 1);
  });

  it("approves a fix requested from a channel alert's thread, where its approval card is posted", async () => {
    const clock = new ManualClock(Date.now());
    bot = await world.start({ env: { ALERT_FLOOD_THRESHOLD: '20' }, alertTuning: { clock } });
    const { connector } = world;
    const ops = channelThread(`${OPS};messageid=1795735129931`, PLAYGROUND_TENANT_ID);
    await postActivity(bot.url, messageActivity(connector.serviceUrl, ops, 'alerts on', DANA));
    await connector.waitFor((c) => c.conversationId === ops.id && c.activity?.type === 'message');
    await bot.app.alerts!.start();
    const service = bot.app.alerts!.services.get('shop-aks')!;
    await waitFor('the watch to be synced', () => service.engine?.watcher.isSynced('shop') === true);
    const web = () =>
      connector.calls.find(
        (c) =>
          c.conversationId === OPS &&
          c.operation !== 'update' &&
          isAlertCard(c) &&
          String(cardOf(c).fallbackText).startsWith('🔔 Deployment web ('),
      );
    await clock.runUntil("web's alert", () => web() !== undefined, 1_000, { realMs: 20, maxSteps: 200 });
    const alert = web()!;

    // Teams sends the presses on the alert card from the thread the card started.
    const thread = channelThread(`${OPS};messageid=${alert.resultId}`, PLAYGROUND_TENANT_ID);
    const marked = await press(bot, connector, thread, alert.resultId!, button(cardOf(alert), 'Request fix'), DANA);
    // The alert stays an alert, marked in place.
    assert.equal(marked.fallbackText, cardOf(alert).fallbackText, 'the same alert');
    assert.deepEqual(cardTexts(marked).slice(1, 4), ['🔔 Unauthorized (401)', WEB_TITLE, 'Deployment web in shop cannot pull its image']);
    assert.ok(cardTexts(marked).includes('Fix requested by Dana Oncall — waiting for approval'), JSON.stringify(cardTexts(marked)));
    assert.deepEqual(
      executeActions(marked).map((b) => b.title),
      ['Re-run checks', 'Show events'],
    );
    const posted = await approvalPost(connector, thread);
    const answer = await press(bot, connector, thread, posted.resultId!, button(cardOf(posted), 'Approve'), MEGAN);
    assert.ok(
      cardTexts(answer).some((t) => t.endsWith(': applying the change…')),
      JSON.stringify(cardTexts(answer)),
    );
    await connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === posted.resultId && cardTexts(cardOf(c)).some((t) => t.endsWith(': done')),
      15_000,
    );
    assert.equal(roleAssignmentPuts(bot).length, 1);
  });

  describe('buttons keep the story', () => {
    let chat: Conversation;
    beforeEach(async () => {
      bot = await world.start();
      chat = sandboxGroupChat();
    });

    const approvalPosts = () =>
      world.connector.calls.filter((c) => c.operation !== 'update' && c.activity?.type === 'message' && isApprovalCard(cardOf(c)));

    it('answers a second Request fix for the same grant with the request under way: no second approval card, the card says whose', async () => {
      const { connector } = world;
      const first = await requestedFix(bot, connector, chat);
      const id = button(first.card, 'Approve').data.id;

      // Adele re-runs the checks (the fix is still proposed) and presses Request fix on the new card.
      await press(bot, connector, chat, first.diagnosis.activityId!, button(cardOf(first.diagnosis), 'Re-run checks'), ADELE);
      const rerun = await connector.waitFor(
        (c) =>
          c.operation === 'update' &&
          c.activityId === first.diagnosis.activityId &&
          cardTexts(cardOf(c)).some((t) => t.startsWith('Run 2 · ')),
      );
      const again = await press(bot, connector, chat, rerun.activityId!, button(cardOf(rerun), 'Request fix'), ADELE);
      const texts = cardTexts(again);
      const pointer =
        /^Fix already requested by Dana Oncall at [\d-]+ [\d:]+ UTC — waiting for approval; its approval card is in this conversation$/;
      assert.ok(
        texts.some((t) => pointer.test(t)),
        JSON.stringify(texts),
      );
      assert.equal(again.fallbackText, `❌ ${WEB_TITLE}`, 'the diagnosis stays');
      assert.ok(texts.includes(WEB_TITLE), JSON.stringify(texts));

      // From another conversation, too: it names where the approval card is not.
      const elsewhere = sandboxGroupChat();
      const other = await diagnose(bot, connector, elsewhere, ADELE);
      const there = await press(bot, connector, elsewhere, other.activityId!, button(cardOf(other), 'Request fix'), ADELE);
      assert.ok(
        cardTexts(there).some((t) => t.endsWith('; its approval card is in another conversation')),
        JSON.stringify(cardTexts(there)),
      );

      await waitFor(
        'every press to be answered',
        () => bot.logs.filter((r) => r.msg === 'fix already requested: pointing to the pending request').length === 2,
      );
      assert.equal(approvalPosts().length, 1, 'one approval card');
      const requests = await bot.app.store.documents.list('fix-requests');
      assert.deepEqual(
        requests.map((r) => r.id),
        [id],
      );
    });

    it('lets the requester withdraw: the approval card says so for everyone, the diagnosis card offers Request fix again, all audited', async () => {
      const { connector } = world;
      const { card, messageId, diagnosis } = await requestedFix(bot, connector, chat);
      const id = button(card, 'Withdraw request').data.id as string;

      // Someone else may not.
      const notHers = await press(bot, connector, chat, messageId, button(card, 'Withdraw request'), MEGAN);
      assert.ok(
        cardTexts(notHers).includes('⛔ Only the person who requested this fix can withdraw it.'),
        JSON.stringify(cardTexts(notHers)),
      );
      assert.equal((await bot.app.fixes!.approvals.get(id))?.status, 'pending');

      const answer = await press(bot, connector, chat, messageId, button(card, 'Withdraw request'), DANA);
      assert.ok(
        cardTexts(answer).some((t) => /^Withdrawn by Dana Oncall at .* UTC: nothing was changed$/.test(t)),
        JSON.stringify(cardTexts(answer)),
      );
      assert.deepEqual(executeActions(answer), [], 'nothing left to press');
      const everyone = await connector.waitFor(
        (c) =>
          c.operation === 'update' &&
          c.activityId === messageId &&
          cardTexts(cardOf(c)).some((t) => t.startsWith('Withdrawn by Dana Oncall')),
      );
      assert.deepEqual(cardOf(everyone), answer);
      const origin = await connector.waitFor(
        (c) =>
          c.operation === 'update' &&
          c.activityId === diagnosis.activityId &&
          cardTexts(cardOf(c)).some((t) => t.startsWith('Fix request withdrawn by Dana Oncall at ')),
      );
      assert.deepEqual(
        executeActions(cardOf(origin)).map((b) => b.title),
        ['Request fix', 'Re-run checks', 'Show events'],
        'the fix can be requested again',
      );

      // An approver's press afterwards changes nothing.
      const late = await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
      assert.ok(cardTexts(late).includes('⛔ This fix request was withdrawn by the person who made it.'));
      assert.deepEqual(roleAssignmentPuts(bot), []);
      const audit = await auditText(world.storePath);
      assert.deepEqual(
        audit.json.filter((r) => (r.target as Record<string, string> | undefined)?.fixRequestId === id).map((r) => [r.action, r.result]),
        [
          ['fix.requested', 'ok'],
          ['fix.refused', 'refused'],
          ['fix.withdrawn', 'ok'],
          ['fix.refused', 'refused'],
        ],
      );

      // Requested again from the card: a new request, a new approval card.
      await press(bot, connector, chat, diagnosis.activityId!, button(cardOf(origin), 'Request fix'), DANA);
      await waitFor('the second approval card', () => approvalPosts().length === 2);
    });

    it('re-runs the checks from the done card: answered at once, then the card shows what they say now, for everyone', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat);
      await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
      const done = await connector.waitFor(
        (c) => c.operation === 'update' && c.activityId === messageId && cardTexts(cardOf(c)).some((t) => t.endsWith(': done')),
        15_000,
      );
      const checkedAt = (c: unknown) => cardTexts(c).find((t) => t.startsWith('**Checks at '));
      const before = checkedAt(cardOf(done));
      await new Promise((resolve) => setTimeout(resolve, 10_500)); // a press within 10 s of the last checks gets those
      const recheck = button(cardOf(done), 'Re-run checks');
      const answer = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, recheck, MALLORY));
      assert.deepEqual(answer.body, {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: 'Re-running the checks: this card shows what they say in a few seconds.',
      });
      const updated = await connector.waitFor(
        (c) =>
          c.operation === 'update' && c.activityId === messageId && checkedAt(cardOf(c)) !== undefined && checkedAt(cardOf(c)) !== before,
        15_000,
      );
      assert.ok(
        cardTexts(cardOf(updated)).some((t) => t.endsWith(': done')),
        'still the done card',
      );
      assert.deepEqual(
        executeActions(cardOf(updated)).map((b) => b.title),
        ['Re-run checks'],
      );
      // Not from another conversation.
      const other = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, sandboxGroupChat(), messageId, recheck, MALLORY));
      assert.ok(cardTexts(answerCard(other.body)).includes('This fix request can only be decided in the conversation where it was made.'));
    });

    it('approves in one press as another Playground user in the sandbox, audited with who pressed', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat);
      const id = button(card, 'Approve').data.id as string;
      const answer = await press(bot, connector, chat, messageId, button(card, 'Approve as Megan Bowen (sandbox)'), DANA);
      assert.ok(
        cardTexts(answer).some((t) => t.startsWith('Approved by Megan Bowen at ') && t.endsWith(': applying the change…')),
        JSON.stringify(cardTexts(answer)),
      );
      await waitFor('the fix to be applied', () => roleAssignmentPuts(bot).length === 1);
      const stored = await bot.app.fixes!.approvals.get(id);
      assert.equal(stored?.decision?.by.objectId, MEGAN.aadObjectId);
      const audit = await auditText(world.storePath);
      const approved = audit.json.find((r) => r.action === 'fix.approved')!;
      assert.deepEqual(approved.actor, { id: MEGAN.aadObjectId, name: 'Megan Bowen' });
      assert.equal((approved.details as Record<string, string>).pressedBy, DANA.aadObjectId);
    });

    it('offers the approvers of a request made by Megan herself to someone else: "Approve as" never stands in for the requester', async () => {
      const { connector } = world;
      const { card, messageId } = await requestedFix(bot, connector, chat, MEGAN);
      assert.ok(
        executeActions(card).some((b) => b.title === 'Approve as Adele Vance (sandbox)'),
        JSON.stringify(executeActions(card)),
      );
      await press(bot, connector, chat, messageId, button(card, 'Approve as Adele Vance (sandbox)'), MEGAN);
      await waitFor('the fix to be applied', () => roleAssignmentPuts(bot).length === 1);
    });

    it('mentions the approvers it knows by name when Teams does not list the conversation members', async () => {
      const { card } = await requestedFix(bot, world.connector, chat);
      const entities = (card.msteams as { entities: Array<{ mentioned: { id: string; name: string } }> }).entities;
      assert.deepEqual(
        entities.map((e) => e.mentioned),
        PLAYGROUND_OTHER_USERS.map((u) => ({ id: u.aadObjectId, name: u.name })),
        'by Entra object id, which Teams accepts for mentions in cards',
      );
    });

    it('mentions nobody in a personal chat, and does not ask Teams who is there', async () => {
      const { connector } = world;
      const { card } = await requestedFix(bot, connector, personalChat(undefined, PLAYGROUND_TENANT_ID));
      assert.deepEqual((card.msteams as { entities: unknown[] }).entities, []);
      assert.ok(cardTexts(card).some((t) => t.startsWith('**Who can approve:** Sandbox approvers: Megan Bowen')));
      assert.equal(connector.memberLists, 0);
    });
  });

  describe('when Azure refuses', () => {
    it('shows a 403 AuthorizationFailed as failed, with the permission Pull Doctor lacks and how to grant it narrowly', async () => {
      bot = await world.start();
      const { connector } = world;
      const chat = sandboxGroupChat();
      bot.world!.arm.forbid('Microsoft.Authorization/roleAssignments/write');
      const { card, messageId } = await requestedFix(bot, connector, chat);
      await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
      const updated = await connector.waitFor((c) => c.operation === 'update' && c.activityId === messageId, 15_000);
      const texts = cardTexts(cardOf(updated));
      assert.ok(
        texts.some((t) => t.endsWith(': the change could not be applied')),
        JSON.stringify(texts),
      );
      assert.ok(texts.some((t) => t.startsWith('**Result:** Failed: nothing was changed')));
      assert.ok(
        texts.includes(
          "Pull Doctor's identity may not create role assignments on the registry shopacr: it lacks Microsoft.Authorization/roleAssignments/write there.",
        ),
        JSON.stringify(texts),
      );
      assert.ok(
        texts.some((t) => t.startsWith('az role assignment create ') && t.includes('f58310d9-a9f6-439a-9e8d-f62e7b41a168')),
        'the narrow grant, as a command',
      );
      assert.deepEqual(adaptiveCardProblems(cardOf(updated)), []);
      const puts = roleAssignmentPuts(bot);
      assert.deepEqual(
        puts.map((p) => p.status),
        [403],
        'one PUT, refused; not retried',
      );
      assert.equal(
        bot
          .world!.arm.roleAssignments()
          .filter((a) => a.principalId === SANDBOX_IDS.kubeletObjectId && a.scope.toLowerCase() === SHOPACR.toLowerCase()).length,
        0,
      );
      const audit = await bot.app.store.audit.list();
      assert.ok(audit.some((r) => r.action === 'fix.failed' && r.details?.errorCode === 'AZURE_FORBIDDEN'));
    });

    it('waits as a 429 Retry-After says, then writes once', async () => {
      const sleeps: number[] = [];
      bot = await world.start({ tuning: { sleep: async (ms) => void sleeps.push(ms) } });
      const { connector } = world;
      const chat = sandboxGroupChat();
      bot.world!.arm.failNext({ method: 'PUT', pathPattern: /\/roleAssignments\//i }, 429, armErrors.throttled(), { retryAfter: 17 });
      const { card, messageId } = await requestedFix(bot, connector, chat);
      await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
      const updated = await connector.waitFor((c) => c.operation === 'update' && c.activityId === messageId, 15_000);
      assert.ok(
        cardTexts(cardOf(updated)).some((t) => t.startsWith('**Result:** Role assignment created')),
        JSON.stringify(cardTexts(cardOf(updated))),
      );
      assert.deepEqual(
        roleAssignmentPuts(bot).map((p) => p.status),
        [429, 201],
        'throttled once, then created',
      );
      assert.deepEqual(sleeps, [17_000], 'waited as long as Retry-After said, through the flow (not the SDK)');
      const audit = await bot.app.store.audit.list();
      assert.ok(audit.some((r) => r.action === 'fix.write-retry' && r.details?.delayMs === 17_000));
    });
  });

  it('resumes, in a new process over the same store, an approval whose process stopped before executing it', async () => {
    const first = await world.start({ tuning: { resumeEveryMs: 3_600_000 } });
    bot = first;
    const { connector } = world;
    const chat = sandboxGroupChat();
    const { card, messageId } = await requestedFix(first, connector, chat);
    const id = button(card, 'Approve').data.id as string;
    // What a process that stopped between the decision and the execution leaves behind: an approved request.
    const decided = await first.app.fixes!.approvals.decide({
      decision: 'approve',
      actionData: { id },
      actor: { objectId: MEGAN.aadObjectId, displayName: MEGAN.name },
      tenantId: PLAYGROUND_TENANT_ID,
      conversationId: chat.id,
      strict: true,
    });
    assert.equal(decided.ok, true);
    await first.stop();
    assert.deepEqual(roleAssignmentPuts(first), []);

    const second = await world.start({ tuning: { resumeEveryMs: 3_600_000 } });
    bot = second;
    const updated = await connector.waitFor((c) => c.operation === 'update' && c.activityId === messageId, 15_000);
    const texts = cardTexts(cardOf(updated));
    assert.ok(
      texts.some((t) => t.startsWith('Approved by Megan Bowen at ') && t.endsWith(': done')),
      JSON.stringify(texts),
    );
    assert.ok(texts.some((t) => t.startsWith('**Result:** Role assignment created')));
    assert.equal(roleAssignmentPuts(second).length, 1, 'the new process wrote it, once');
    assert.equal((await second.app.fixes!.approvals.get(id))!.status, 'completed');
    const started = (await second.app.store.audit.list()).filter((r) => r.action === 'fix.execution-started');
    assert.equal(started.length, 1);
    assert.equal(started[0]!.details?.resumed, true);
  });

  describe('who pressed, as Teams says it', () => {
    it('refuses Request fix when Teams gives no Entra object id, and stores nothing', async () => {
      bot = await world.start();
      const { connector } = world;
      const chat = sandboxGroupChat();
      const diagnosis = await diagnose(bot, connector, chat);
      const anonymous = { id: '29:guest', name: 'Guest', aadObjectId: '' };
      const answer = await press(bot, connector, chat, diagnosis.activityId!, button(cardOf(diagnosis), 'Request fix'), anonymous);
      assert.ok(
        cardTexts(answer).some((t) => t.includes('Teams did not say who you are')),
        JSON.stringify(cardTexts(answer)),
      );
      assert.deepEqual(await bot.app.store.documents.list('fix-requests'), []);
      assert.equal(connector.calls.filter((c) => c.activity?.type === 'message' && isApprovalCard(cardOf(c))).length, 0);
    });

    it("says only that it waits in the sandbox's personal chat, where a stand-in approves in one press", async () => {
      bot = await world.start();
      const { connector } = world;
      const chat = personalChat(undefined, PLAYGROUND_TENANT_ID);
      const { marked, card } = await requestedFix(bot, connector, chat);
      assert.ok(cardTexts(marked).includes('Fix requested by Dana Oncall — waiting for approval'), JSON.stringify(cardTexts(marked)));
      assert.ok(executeActions(card).some((b) => b.title === 'Approve as Megan Bowen (sandbox)'));
    });

    it('names an approver Teams gives no display name by their object id, on the card and in the audit', async () => {
      bot = await world.start();
      const { connector } = world;
      const chat = sandboxGroupChat();
      const { card, messageId } = await requestedFix(bot, connector, chat);
      const nameless = { id: MEGAN.id, name: '', aadObjectId: MEGAN.aadObjectId };
      const answer = await press(bot, connector, chat, messageId, button(card, 'Approve'), nameless);
      assert.ok(
        cardTexts(answer).some((t) => t.startsWith(`Approved by ${MEGAN.aadObjectId} at `)),
        JSON.stringify(cardTexts(answer)),
      );
      await connector.waitFor(
        (c) => c.operation === 'update' && c.activityId === messageId && cardTexts(cardOf(c)).some((t) => t.endsWith(': done')),
        15_000,
      );
      const approved = (await bot.app.store.audit.list()).find((r) => r.action === 'fix.approved');
      assert.deepEqual(approved?.actor, { id: MEGAN.aadObjectId, name: MEGAN.aadObjectId });
    });
  });

  describe('when Teams refuses', () => {
    it('keeps the request pending and changes nothing when the approval card cannot be posted, and posts it at the next periodic pass', async () => {
      bot = await world.start();
      const { connector } = world;
      const chat = sandboxGroupChat();
      const diagnosis = await diagnose(bot, connector, chat);
      connector.failSendsWith = 403;
      const marked = await press(bot, connector, chat, diagnosis.activityId!, button(cardOf(diagnosis), 'Request fix'), DANA);
      assert.ok(cardTexts(marked).includes('Fix requested by Dana Oncall — waiting for approval'));
      await waitFor('the refused post to be logged', () => bot.logs.some((r) => r.msg.startsWith('could not post the approval card')));
      const [stored] = await bot.app.store.documents.list<{ status: string; approvalCardMessageId?: string }>('fix-requests');
      assert.equal(stored!.value.status, 'pending');
      assert.equal(stored!.value.approvalCardMessageId, undefined);
      assert.deepEqual(roleAssignmentPuts(bot), []);

      const approvalPosts = () =>
        connector.calls.filter(
          (c) => c.operation !== 'update' && c.conversationId === chat.id && c.activity?.type === 'message' && isApprovalCard(cardOf(c)),
        );
      await bot.app.fixes!.resumeNow();
      assert.equal(approvalPosts().length, 0, 'Teams still refuses');
      connector.failSendsWith = undefined;
      await bot.app.fixes!.resumeNow();
      assert.equal(approvalPosts().length, 1, 'posted once Teams takes it');
      const [posted] = await bot.app.store.documents.list<{ status: string; approvalCardMessageId?: string }>('fix-requests');
      assert.equal(posted!.value.approvalCardMessageId, approvalPosts()[0]!.resultId);
      await bot.app.fixes!.resumeNow();
      assert.equal(approvalPosts().length, 1, 'and not again');

      await press(bot, connector, chat, approvalPosts()[0]!.resultId!, button(cardOf(approvalPosts()[0]!), 'Approve'), MEGAN);
      await waitFor('the fix to be applied', () => roleAssignmentPuts(bot).length === 1);
    });

    it('still applies the fix exactly once when the approval card cannot be updated, and updates the card at the next periodic pass', async () => {
      bot = await world.start();
      const { connector } = world;
      const chat = sandboxGroupChat();
      const { card, messageId } = await requestedFix(bot, connector, chat);
      connector.failUpdatesWith = 404;
      await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
      await waitFor(
        'the refused update to be logged',
        () => bot.logs.some((r) => r.msg.startsWith('could not update the approval card')),
        15_000,
      );
      const id = button(card, 'Approve').data.id as string;
      assert.equal((await bot.app.fixes!.approvals.get(id))!.status, 'completed');
      assert.equal(roleAssignmentPuts(bot).length, 1);
      const report = await bot.app.fixes!.resumeNow();
      assert.deepEqual(report.resumed, [], 'a finished request is not run again');
      assert.equal(roleAssignmentPuts(bot).length, 1);
      const updatesOf = () => connector.calls.filter((c) => c.operation === 'update' && c.activityId === messageId);
      assert.deepEqual(updatesOf(), [], 'Teams still refuses');

      connector.failUpdatesWith = undefined;
      await bot.app.fixes!.resumeNow();
      const shown = updatesOf().map((u) => cardTexts(cardOf(u)));
      assert.equal(shown.length, 1);
      assert.ok(
        shown[0]!.some((t) => t.endsWith(': done')),
        JSON.stringify(shown),
      );
      const updates = updatesOf().length;
      await bot.app.fixes!.resumeNow();
      assert.equal(updatesOf().length, updates, 'updated once, then forgotten');
      assert.equal(roleAssignmentPuts(bot).length, 1);
    });
  });
});

/** A clock for the fix flow that a test moves forward. */
function movableClock() {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms: number) => void (offset += ms) };
}
