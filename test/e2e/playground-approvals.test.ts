import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord } from '../../src/logging/index.js';
import type { App } from '../../src/app/compose.js';
import type { SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { ROLE_IDS } from '../../src/diagnosis/roles/rbac.js';
import { SANDBOX_IDS } from '../../src/sandbox/sandbox-identity.js';
import { PLAYGROUND_OTHER_USERS } from '../../src/sandbox/playground.js';
import { startPlayground, DEFAULT_PLAYGROUND_USER, type Playground, type PlaygroundUser } from '../../src/sandbox/playground.js';
import { launchBrowser, stepKeepingEvidence, type TestBrowser } from '../support/browser.js';
import { PlaygroundPage } from '../support/playground-page.js';
import { startBot, type BotUnderTest } from '../support/bot.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'e2e');
/** The sandbox pod whose cluster's kubelet identity has no pull role on its registry (shopacr). */
const WEB = 'web-7d4c9b6f5-x2k8p';
const PERSONAL_CHAT = 'personal-chat-pull-doctor';
/** The second person: one of the Playground's other configured users, a sandbox approver. */
const APPROVER: PlaygroundUser = PLAYGROUND_OTHER_USERS[0]!;

/**
 * The fix approval flow end to end, as `npm start` runs it: the bot application with the real approval flow (the
 * fix goes to the sandbox's fake ARM; the Playground's other users approve), the Microsoft 365 Agents Playground,
 * and headless chromium clicking in its personal chat as the Playground's current user.
 *
 * The Playground's UI plays one user only (its config file's `currentUser`; there is no way to switch user in the
 * UI, and its personal chat has that user alone as member, so its own invoke API refuses anyone else there). The
 * second person's **Approve** therefore goes through the Playground's "custom activity" feature
 * (`GET /_internal/v1/customActivities/template`, edited, `POST /_internal/v1/customActivities`): the activity
 * Teams would send for the press (`invoke` `adaptiveCard/action`, `Action.Execute`, data `{ id }`), from that
 * user, delivered by the Playground to the bot. The bot's answer to it is not shown by the Playground; what the
 * browser shows is the bot then updating the approval card for everyone.
 */
describe('Fix approvals in the Agents Playground, on the sandbox (end to end)', function () {
  this.timeout(90_000);
  let bot: BotUnderTest;
  let app: App;
  let world: SandboxWorld | undefined;
  let logs: LogRecord[];
  let url: string;
  let playground: Playground;
  let browser: TestBrowser;
  let ui: PlaygroundPage;
  let workDir: string;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'pulldoctor-playground-approvals-'));
    bot = await startBot({ dir: workDir, sandbox: true });
    ({ app, url, logs, world } = bot);
    assert.ok(app.fixes, 'the sandbox wires the real approval flow in');
    playground = await startPlayground({ botUrl: url, workDir, personalChatId: PERSONAL_CHAT });
    browser = await launchBrowser({ viewport: { width: 1400, height: 1600 } });
    ui = new PlaygroundPage(browser.page);
    await ui.open(playground.url);
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    if (playground) copyFileSync(playground.logFile, join(ARTIFACTS, 'playground-approvals.log'));
    await bot?.stop(5000);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** Runs a step; on failure keeps a screenshot, the page and the Playground's output. */
  function step(name: string, body: () => Promise<void>): Promise<void> {
    return stepKeepingEvidence(
      { name: `approval-${name}`, artifactsDir: ARTIFACTS, browser, context: () => `--- Playground output ---\n${playground.output()}` },
      body,
    );
  }

  /** The role assignments of the sandbox's kubelet identity on shopacr, in the fake ARM. */
  function kubeletAssignmentsOnShopacr() {
    const scope = world!.ids.registryIds.shopacr.toLowerCase();
    return world!.arm.roleAssignments().filter((a) => a.principalId === SANDBOX_IDS.kubeletObjectId && a.scope.toLowerCase() === scope);
  }

  /**
   * Presses Approve as `user` the way the Playground delivers an activity from its "custom activity" editor: its
   * template for this conversation, made into the invoke Teams sends for an `Action.Execute` press.
   */
  async function pressAsOtherUser(user: PlaygroundUser, verb: string, data: unknown, replyToId: string): Promise<void> {
    const template = await fetch(`${playground.url}/_internal/v1/customActivities/template?conversationId=${PERSONAL_CHAT}`);
    assert.equal(template.status, 200, await template.clone().text());
    const activity = (await template.json()) as Record<string, unknown>;
    const invoke = {
      ...activity,
      type: 'invoke',
      name: 'adaptiveCard/action',
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      replyToId,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      channelData: { source: { name: 'message' }, tenant: { id: (activity.conversation as { tenantId: string }).tenantId } },
    };
    const sent = await fetch(`${playground.url}/_internal/v1/customActivities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(invoke),
    });
    assert.equal(sent.status, 200, await sent.text());
  }

  it('requests the fix from the diagnosis card, refuses the requester approving it, and applies it once a second user approves', async () => {
    let requestId = '';
    await step('request', async () => {
      await ui.send(`why is pod ${WEB} failing in shop`);
      const diagnosis = ui.card('Kubelet identity of shop-aks has no AcrPull on shopacr');
      await diagnosis.getByText('Run 1 · checked at').waitFor();
      await ui.button(diagnosis, 'Request fix').click();

      const receipt = ui.card(`Fix requested for shop/${WEB}`);
      await receipt.waitFor({ state: 'visible' });
      const receiptText = await receipt.innerText();
      const reference = receiptText.match(/Reference:\s*([A-Za-z0-9_-]{24})/);
      assert.ok(reference, `a reference on the receipt:\n${receiptText}`);
      requestId = reference[1]!;
      assert.match(receiptText, /nothing has been changed yet/);
      assert.match(
        receiptText,
        /Sandbox approvers: Megan Bowen, Adele Vance, Isaiah Langer, Patti Fernandez, Lynne Robbins can approve it until/,
      );

      const approval = ui.card(`Request ${requestId}`);
      await approval.waitFor({ state: 'visible' });
      const text = await approval.innerText();
      assert.match(text, /Grant AcrPull on shopacr to the kubelet identity of shop-aks/);
      assert.match(text, /Waiting for an approver until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      assert.match(text, new RegExp(`Requested by:\\s*${DEFAULT_PLAYGROUND_USER.name}`));
      assert.match(text, /Who can approve:\s*Sandbox approvers: Megan Bowen/);
      assert.ok(await ui.button(approval, 'Approve').isVisible());
      assert.ok(await ui.button(approval, 'Reject').isVisible());
      assert.doesNotMatch(`${receiptText}\n${text}`, /\$\{|\{\{/, 'no template text left');
      await approval.scrollIntoViewIfNeeded();
      await browser.page.screenshot({ path: join(ARTIFACTS, '8-approval-1-requested.png') });
      await approval.screenshot({ path: join(ARTIFACTS, '8-approval-1-card.png') });
      assert.equal((await app.fixes!.approvals.get(requestId))?.status, 'pending');
    });

    await step('self-approval', async () => {
      await ui.button(ui.card(`Request ${requestId}`), 'Approve').click();
      const refused = ui.card('You made this request: someone else must decide on it.');
      await refused.waitFor({ state: 'visible' });
      const text = await refused.innerText();
      assert.match(text, /Nothing was changed by your press/);
      assert.match(text, /Waiting for an approver/);
      await refused.screenshot({ path: join(ARTIFACTS, '8-approval-2-self-approval-refused.png') });
      assert.equal((await app.fixes!.approvals.get(requestId))?.status, 'pending', 'the refusal changed nothing');
      assert.deepEqual(world!.arm.writes, [], 'nothing was written to Azure');
    });

    await step('second-user-approves', async () => {
      assert.deepEqual(kubeletAssignmentsOnShopacr(), [], 'no role on shopacr before the approval');
      const messageId = (await app.fixes!.approvals.get(requestId))?.approvalCardMessageId;
      assert.ok(messageId, 'the bot recorded the approval card message');
      await pressAsOtherUser(APPROVER, 'approveFix', { id: requestId }, messageId);

      const done = ui.card(`Request ${requestId}`).filter({ hasText: new RegExp(`Approved by ${APPROVER.name} at .* UTC: done`) });
      await done.waitFor({ state: 'visible', timeout: 20_000 });
      const text = await done.innerText();
      assert.match(text, /Result:/);
      assert.match(text, /Role assignment:/);
      assert.doesNotMatch(text, /You made this request/, 'the refusal shown to the requester was replaced');
      assert.equal(await ui.button(done, 'Approve').count(), 0, 'no buttons once decided');
      assert.doesNotMatch(text, /\$\{|\{\{/, 'no template text left');
      await done.scrollIntoViewIfNeeded();
      await browser.page.screenshot({ path: join(ARTIFACTS, '8-approval-3-done.png') });
      await done.screenshot({ path: join(ARTIFACTS, '8-approval-3-card.png') });

      const stored = await app.fixes!.approvals.get(requestId);
      assert.equal(stored?.status, 'completed');
      assert.equal(stored?.decision?.by.objectId, APPROVER.aadObjectId);
      assert.equal(stored?.outcome?.kind, 'created');
      const assignments = kubeletAssignmentsOnShopacr();
      assert.equal(assignments.length, 1, 'exactly one role assignment');
      assert.equal(assignments[0]!.roleDefinitionId.toLowerCase().endsWith(ROLE_IDS.acrPull.toLowerCase()), true);
      assert.equal(world!.arm.writes.filter((w) => w.method === 'PUT').length, 1, 'one PUT');
    });
    assert.deepEqual(
      logs.filter((r) => r.level === 'error'),
      [],
    );
  });
});
