import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LogRecord } from '../../src/logging/index.js';
import type { App } from '../../src/app/compose.js';
import type { SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { ROLE_IDS } from '../../src/diagnosis/roles/rbac.js';
import { SANDBOX_IDS } from '../../src/sandbox/sandbox-identity.js';
import { PLAYGROUND_OTHER_USERS } from '../../src/sandbox/playground.js';
import { DEFAULT_PLAYGROUND_USER, PLAYGROUND_CONFIG_FILE, type PlaygroundUser } from '../../src/sandbox/playground.js';
import type { Locator } from 'playwright-core';
import type { TestBrowser } from '../support/browser.js';
import type { PlaygroundPage } from '../support/playground-page.js';
import { E2E_ARTIFACTS as ARTIFACTS, startPlaygroundSession, type PlaygroundSession } from '../support/playground-session.js';
/** The sandbox pod whose cluster's kubelet identity has no pull role on its registry (shopacr). */
const WEB = 'web-7d4c9b6f5-x2k8p';
/** The missing-AcrPull pod's root cause, as its card's title states it. */
const WEB_CAUSE = 'Kubelet identity of shop-aks has no AcrPull on shopacr';
/** The second person: one of the Playground's other configured users, a sandbox approver. */
const APPROVER: PlaygroundUser = PLAYGROUND_OTHER_USERS[0]!;

/**
 * The fix approval flow end to end, as `npm start` runs it: the bot application with the real approval flow (the
 * fix goes to the sandbox's fake ARM; the Playground's other users approve), the Microsoft 365 Agents Playground,
 * and headless chromium clicking in it as the Playground's current user, Dana.
 *
 * The Playground's UI plays one user only (its config file's `currentUser`; there is no way to switch user in the
 * UI). The sandbox's approval card therefore offers "Approve as Megan Bowen (sandbox)": one press, handled by the bot
 * as Megan's approval (sandbox only: a configured bot neither offers nor accepts it).
 */
describe('Fix approvals in the Agents Playground, on the sandbox (end to end)', function () {
  this.timeout(90_000);
  let session: PlaygroundSession;
  let app: App;
  let world: SandboxWorld | undefined;
  let logs: LogRecord[];
  let browser: TestBrowser;
  let ui: PlaygroundPage;

  before(async () => {
    session = await startPlaygroundSession({
      name: 'playground-approvals',
      // The committed .m365agentsplayground.yml, as npm start and the Agents Toolkit's Playground read it.
      playground: { config: { file: PLAYGROUND_CONFIG_FILE } },
      viewport: { width: 1400, height: 1600 },
      stepPrefix: 'approval-',
    });
    ({ browser, ui } = session);
    ({ app, logs, world } = session.bot);
    assert.ok(app.fixes, 'the sandbox wires the real approval flow in');
  });

  after(() => session?.close());

  const step = (name: string, body: () => Promise<void>) => session.step(name, body);

  /** The role assignments of the sandbox's kubelet identity on shopacr, in the fake ARM. */
  function kubeletAssignmentsOnShopacr() {
    const scope = world!.ids.registryIds.shopacr.toLowerCase();
    return world!.arm.roleAssignments().filter((a) => a.principalId === SANDBOX_IDS.kubeletObjectId && a.scope.toLowerCase() === scope);
  }

  async function screenshotOf(card: Locator, name: string): Promise<void> {
    await card.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await browser.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    await card.screenshot({ path: join(ARTIFACTS, `${name}-card.png`) });
  }

  it('mentions the approvers in the group chat, and lets the requester withdraw: the diagnosis offers Request fix again', async () => {
    await step('group-chat', async () => {
      await ui.openChat('On-call');
      await ui.sendMentioning('Pull Doctor', `why is pod ${WEB} failing in shop`);
      const diagnosis = ui.card(WEB_CAUSE);
      await diagnosis.getByText('Run 1 · checked at').waitFor();
      await ui.button(diagnosis, 'Request fix').click();
      const approval = ui.card('Fix approval');
      await approval.waitFor({ state: 'visible' });
      const text = await approval.innerText();
      assert.match(
        text,
        /Who can approve: @?Megan Bowen, @?Adele Vance, @?Isaiah Langer, @?Patti Fernandez, @?Lynne Robbins\. Not the requester, Dana Oncall, who can withdraw the request\./,
      );
      assert.doesNotMatch(text, /<at>/, 'the mentions render as mentions');
      assert.ok(await ui.button(approval, 'Withdraw request').isVisible());
      await screenshotOf(approval, '9-approval-group-chat');

      await ui.button(approval, 'Withdraw request').click();
      const withdrawn = ui.card('Fix approval').filter({ hasText: /Withdrawn by Dana Oncall at .* UTC: nothing was changed/ });
      await withdrawn.waitFor({ state: 'visible' });
      assert.equal(await ui.button(withdrawn, 'Approve').count(), 0, 'nothing left to press');
      // The diagnosis (its title is also the approval card's Why) follows the request: withdrawn, Request fix again.
      const again = ui.cardWith(WEB_CAUSE, 'Fix request withdrawn by Dana Oncall');
      await again.waitFor({ state: 'visible' });
      assert.ok(await ui.button(again, 'Request fix').isVisible(), 'the fix can be requested again');
      await screenshotOf(withdrawn, '9-approval-withdrawn');
      const requests = await app.store.documents.list<{ status: string }>('fix-requests');
      assert.deepEqual(
        requests.map((r) => r.value.status),
        ['withdrawn'],
      );
      assert.deepEqual(world!.arm.writes, [], 'nothing was written to Azure');
    });
  });

  it('requests the fix from the diagnosis card, refuses the requester approving it, and applies it once Megan approves (one press in the sandbox)', async () => {
    let requestId = '';
    await step('request', async () => {
      await ui.openChat('Personal Chat');
      await ui.send(`why is pod ${WEB} failing in shop`);
      const diagnosis = ui.card(WEB_CAUSE).filter({ hasText: 'Run 1 · checked at' });
      await diagnosis.waitFor({ state: 'visible' });
      await ui.button(diagnosis, 'Request fix').click();

      const marked = ui.card(`Fix requested by ${DEFAULT_PLAYGROUND_USER.name} — waiting for approval`);
      await marked.waitFor({ state: 'visible' });
      assert.ok((await marked.innerText()).includes(WEB_CAUSE), 'the marked card is the diagnosis, still stating the cause');

      const approval = ui.card('Fix approval').filter({ hasText: 'Waiting for an approver until' });
      await approval.waitFor({ state: 'visible' });
      const text = await approval.innerText();
      requestId = text.match(/Request ([A-Za-z0-9_-]{24})/)?.[1] ?? '';
      assert.ok(requestId, `a reference on the card:\n${text}`);
      assert.match(text, /Grant AcrPull on shopacr to the kubelet identity of shop-aks/);
      assert.match(text, /Waiting for an approver until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      assert.equal(text.match(/UTC/g)?.length, 2, 'one expiry (and when it was requested)');
      assert.match(text, new RegExp(`Why:\\s*${WEB_CAUSE}\n`), 'Why: the root cause, as the diagnosis title states it');
      assert.match(text, new RegExp(`Requested by:?\\s*${DEFAULT_PLAYGROUND_USER.name}`));
      assert.match(text, /Who can approve:\s*Sandbox approvers: Megan Bowen/, 'named in a personal chat, not mentioned');
      assert.ok(text.includes(world!.ids.registryIds.shopacr), 'the full scope');
      for (const title of ['Approve', 'Reject', 'Withdraw request', 'Approve as Megan Bowen (sandbox)'])
        assert.ok(await ui.button(approval, title).isVisible(), title);
      assert.doesNotMatch(text, /\$\{|\{\{/, 'no template text left');
      await screenshotOf(approval, '8-approval-1-requested');
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

    await step('megan-approves', async () => {
      assert.deepEqual(kubeletAssignmentsOnShopacr(), [], 'no role on shopacr before the approval');
      await ui.button(ui.card(`Request ${requestId}`), 'Approve as Megan Bowen (sandbox)').click();

      const done = ui.card(`Request ${requestId}`).filter({ hasText: /Approved by Megan Bowen at .* UTC: done/ });
      await done.waitFor({ state: 'visible', timeout: 20_000 });
      const text = await done.innerText();
      assert.match(text, /Result:/);
      assert.match(text, /Checks at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC:/);
      assert.doesNotMatch(text, /You made this request/, 'the refusal shown to the requester was replaced');
      assert.equal(await ui.button(done, 'Approve').count(), 0, 'no decision buttons once decided');
      assert.ok(await ui.button(done, 'Re-run checks').isVisible(), 'the done card has Re-run checks');
      assert.doesNotMatch(text, /\$\{|\{\{/, 'no template text left');
      await screenshotOf(done, '8-approval-3-done');
      const applied = ui.cardWith(WEB_CAUSE, 'Fix applied: AcrPull on shopacr, approved by Megan Bowen');
      await applied.waitFor({ state: 'visible' });

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
