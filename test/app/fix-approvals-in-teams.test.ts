import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runAudit } from '../../src/cli/audit-command.js';
import { SANDBOX_IDS } from '../../src/sandbox/sandbox-identity.js';
import type { FakeArmWriteRecord } from '../../src/sandbox/resource-manager/index.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { cardTexts, executeActions } from '../support/card-text.js';
import {
  ACR_PULL_GUID,
  approvalPost,
  button,
  cardOf,
  DANA,
  diagnose,
  MEGAN,
  press,
  requestedFix,
  sandboxGroupChat,
  startFixBotWorld,
  type FixBot,
  type FixBotWorld,
} from '../support/fix-approvals-bot.js';
import { waitFor } from '../support/wait-for.js';

const SHOPACR = `/subscriptions/${SANDBOX_IDS.subscriptionId}/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr`;

function roleAssignmentPuts(bot: FixBot): FakeArmWriteRecord[] {
  return bot.app.sandbox!.arm.writes.filter((w) => w.method === 'PUT' && /\/providers\/Microsoft\.Authorization\/roleAssignments\//i.test(w.path));
}

async function auditText(storePath: string): Promise<{ out: string; json: Array<Record<string, unknown>> }> {
  const run = async (args: string[]) => {
    const stdout = new PassThrough();
    let out = '';
    stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await runAudit(args, { env: { STORE_SQLITE_PATH: storePath }, stdin: new PassThrough(), stdout, stderr: new PassThrough() });
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

    const diagnosis = await diagnose(bot, connector, chat);
    const requestFix = button(cardOf(diagnosis), 'Request fix');
    assert.deepEqual(Object.keys(requestFix.data), ['id'], 'the Request fix button carries only an opaque id');

    const receipt = await press(bot, connector, chat, diagnosis.activityId!, requestFix, DANA);
    const receiptTexts = cardTexts(receipt);
    assert.ok(receiptTexts.some((t) => t.includes('An approval card follows in this conversation.')), JSON.stringify(receiptTexts));

    const posted = await approvalPost(connector, chat);
    const card = cardOf(posted);
    assert.deepEqual(adaptiveCardProblems(card), []);
    const texts = cardTexts(card);
    assert.ok(texts.some((t) => t.startsWith('Waiting for an approver until ')), JSON.stringify(texts));
    assert.ok(texts.some((t) => t.startsWith('**Requested by:** Dana Oncall at ')));
    assert.ok(texts.some((t) => t.includes(SANDBOX_IDS.kubeletObjectId)), 'names the kubelet identity');
    assert.ok(texts.some((t) => t.includes(ACR_PULL_GUID)), 'names the AcrPull role definition');
    const buttons = executeActions(card);
    assert.deepEqual(buttons.map((b) => [b.title, b.verb]), [['Approve', 'approveFix'], ['Reject', 'rejectFix']]);
    for (const b of buttons) assert.deepEqual(Object.keys(b.data), ['id'], 'Approve and Reject carry only the request id');
    const id = buttons[0]!.data.id as string;
    assert.deepEqual(roleAssignmentPuts(bot), [], 'nothing written before the approval');

    const applying = await press(bot, connector, chat, posted.resultId!, buttons[0]!, MEGAN);
    const applyingTexts = cardTexts(applying);
    assert.ok(applyingTexts.some((t) => t.startsWith('Approved by Megan Bowen at ') && t.endsWith(': applying the change…')), JSON.stringify(applyingTexts));
    assert.deepEqual(executeActions(applying), [], 'no buttons once approved');

    const updated = await connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === posted.resultId && cardTexts(cardOf(c)).some((t) => t.endsWith(': done')),
      15_000,
    );
    const done = cardTexts(cardOf(updated));
    assert.ok(done.some((t) => t.startsWith('**Result:** Role assignment created')), JSON.stringify(done));
    assert.ok(done.some((t) => t.startsWith('**Diagnosis after the change:** ')), 'shows the diagnosis after the change');
    assert.deepEqual(executeActions(cardOf(updated)), []);
    assert.deepEqual(adaptiveCardProblems(cardOf(updated)), []);

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
    for (const action of ['fix.requested', 'fix.approved', 'fix.execution-started', 'fix.applied']) assert.ok(actions.includes(action), `${action} in ${JSON.stringify(actions)}`);
    assert.ok(actions.indexOf('fix.requested') < actions.indexOf('fix.approved') && actions.indexOf('fix.approved') < actions.indexOf('fix.applied'));
    const requested = ofRequest.find((r) => r.action === 'fix.requested')!;
    assert.deepEqual(requested.actor, { id: DANA.aadObjectId, name: 'Dana Oncall' });
    const approved = ofRequest.find((r) => r.action === 'fix.approved')!;
    assert.deepEqual(approved.actor, { id: MEGAN.aadObjectId, name: 'Megan Bowen' });
    for (const r of ofRequest) assert.ok(!Number.isNaN(Date.parse(r.at as string)), 'every record says when');
    assert.match(audit.out, /fix\.approved\s+ok\s+Megan Bowen </);
    assert.match(audit.out, /fix\.requested\s+ok\s+Dana Oncall </);
  });
});
