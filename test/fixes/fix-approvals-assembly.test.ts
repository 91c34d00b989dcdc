import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { configuredProfile } from '../../src/app/compose.js';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { createLogger, memorySink, silentLogger, type LogRecord } from '../../src/logging/index.js';
import { sandboxGraphCredential, startFakeGraph, type FakeGraph } from '../support/graph/index.js';
import { PLAYGROUND_TENANT_ID } from '../../src/sandbox/playground.js';
import { startSandboxWorld, type SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { personalChat } from '../support/teams-activities.js';
import { openSqliteStore } from '../../src/store/index.js';
import { cardTexts, executeActions } from '../support/card-text.js';
import {
  ADELE,
  button,
  cardOf,
  DANA,
  diagnose,
  MALLORY,
  MEGAN,
  press,
  requestedFix,
  sandboxGroupChat,
  startFixBotWorld,
  type FixBot,
  type FixBotWorld,
} from '../support/fix-approvals-bot.js';
import { staticTokenCredential } from '../support/static-token-credential.js';
import { testTls } from '../support/tls.js';

/** The approver group, with Megan in it (through a nested group, as Graph resolves transitively). */
const PLATFORM_ADMINS = '5d2c9b8a-7f6e-4d3c-8b2a-1f0e9d8c7b6a';
const SRE_ONCALL = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/**
 * An explicit test identity for configured mode (never a managed identity or the Azure CLI): the sandbox identity
 * for Azure Resource Manager, an app-only token with the membership permissions for Microsoft Graph. Remembers
 * every token it issued, to look for them where they must not be.
 */
function testIdentity(world: SandboxWorld): TokenCredential & { issued: string[] } {
  const graph = sandboxGraphCredential({ tenantId: PLAYGROUND_TENANT_ID });
  const issued: string[] = [];
  return {
    issued,
    async getToken(scopes): Promise<AccessToken> {
      const scope = Array.isArray(scopes) ? scopes[0]! : scopes;
      const token = scope.startsWith('https://graph.microsoft.com')
        ? await graph.getToken(scopes)
        : await world.credential.getToken(scopes);
      issued.push(token!.token);
      return token!;
    },
  };
}

const warnings = (logs: LogRecord[]) => logs.filter((r) => r.level === 'warn').map((r) => r.msg);

describe('wiring the fix approval flow from configuration (the configured profile)', function () {
  this.timeout(30_000);

  describe('without approvers or without an Azure identity, fix requests are not offered and the log says why', () => {
    let dir: FixBotWorld;
    before(async () => {
      dir = await startFixBotWorld();
    });
    after(async () => {
      await dir.close();
    });

    for (const [what, env, credential, reason] of [
      [
        'no approvers',
        {},
        staticTokenCredential(),
        'fix requests are not offered: no approvers are configured (APPROVERS or APPROVER_GROUP_ID), so nobody could approve',
      ],
      [
        'no Azure identity',
        { APPROVERS: MEGAN.aadObjectId },
        null,
        'fix requests are not offered: no Azure credential is configured (AZURE_CREDENTIAL), so Pull Doctor cannot grant roles',
      ],
    ] as const) {
      it(`with ${what}`, async () => {
        const sink = memorySink();
        const store = await openSqliteStore({ path: join(dir.dir, `${what.replace(/ /g, '-')}.sqlite`), log: silentLogger() });
        try {
          const profile = configuredProfile(parseConfig({ ...env }), { HOME: dir.dir }, createLogger({ sink }), credential);
          assert.equal(profile.fixes, undefined);
          assert.deepEqual(
            warnings(sink.records).filter((w) => w.startsWith('fix requests')),
            [reason],
          );
        } finally {
          await store.close();
        }
      });
    }
  });

  describe('configured mode: the cluster of KUBECONFIG, Azure and Graph through an explicit test identity', () => {
    let world: SandboxWorld;
    let graph: FakeGraph;
    let bots: FixBotWorld;
    let identity: ReturnType<typeof testIdentity>;
    let env: Record<string, string>;

    beforeEach(async () => {
      const tls = testTls();
      world = await startSandboxWorld({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca } });
      graph = await startFakeGraph({ tls, tenantId: PLAYGROUND_TENANT_ID });
      for (const user of [DANA, MEGAN, ADELE, MALLORY]) graph.addUser(user.aadObjectId);
      graph.addGroup(SRE_ONCALL, [MEGAN.aadObjectId]);
      graph.addGroup(PLATFORM_ADMINS, [SRE_ONCALL]);
      bots = await startFixBotWorld();
      const kubeconfig = join(bots.dir, 'kubeconfig');
      writeFileSync(kubeconfig, world.kubeconfigYaml, { mode: 0o600 });
      identity = testIdentity(world);
      // AZURE_CREDENTIAL says what production would use; the test identity replaces it. Without MicrosoftAppId
      // requests are not authenticated: with real credentials and approvers that takes LOCAL_MODE=true.
      env = { ...world.env, KUBECONFIG: kubeconfig, AZURE_CREDENTIAL: 'workload-identity', GRAPH_ENDPOINT: graph.url, LOCAL_MODE: 'true' };
    });
    afterEach(async () => {
      await bots.close();
      await graph.close();
      await world.close();
    });

    const start = (more: Record<string, string>): Promise<FixBot> =>
      bots.start({ sandbox: false, env: { ...env, ...more }, azureCredential: identity, registryNetwork: world.network });
    const puts = () => world.arm.writes.filter((w) => w.method === 'PUT' && /\/roleAssignments\//i.test(w.path));

    it('refuses to start unauthenticated (no MicrosoftAppId) with real credentials and approvers, unless LOCAL_MODE=true', async () => {
      await assert.rejects(
        start({ LOCAL_MODE: 'false', APPROVERS: ADELE.aadObjectId }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /any process on this machine could approve a fix as anyone/.test(error.message) &&
          /LOCAL_MODE=true/.test(error.message),
      );
      await assert.rejects(start({ LOCAL_MODE: 'false', APPROVER_GROUP_ID: PLATFORM_ADMINS }), ConfigError);
      const bot = await start({ APPROVERS: ADELE.aadObjectId });
      assert.ok(
        warnings(bot.logs).some((w) => w.startsWith('LOCAL_MODE=true: requests are not authenticated')),
        JSON.stringify(warnings(bot.logs)),
      );
    });

    it('offers no Request fix when no approvers are configured, though the diagnosis proposes the fix', async () => {
      const bot = await start({});
      assert.equal(bot.app.fixes, undefined);
      const diagnosis = await diagnose(bot, bots.connector, sandboxGroupChat());
      const card = cardOf(diagnosis);
      assert.ok(
        cardTexts(card).some((t) => t.includes('AcrPull')),
        'the diagnosis proposes granting AcrPull',
      );
      assert.deepEqual(
        executeActions(card).map((a) => a.title),
        ['Re-run checks', 'Show events'],
      );
      assert.ok(
        warnings(bot.logs).includes(
          'fix requests are not offered: no approvers are configured (APPROVERS or APPROVER_GROUP_ID), so nobody could approve',
        ),
      );
    });

    it('lets members of APPROVER_GROUP_ID approve (checked through Graph), refuses others, and logs no token', async () => {
      const bot = await start({ APPROVER_GROUP_ID: PLATFORM_ADMINS });
      const { connector } = bots;
      const chat = sandboxGroupChat();
      const { card, messageId } = await requestedFix(bot, connector, chat);
      assert.ok(
        cardTexts(card).includes(
          '**Who can approve:** members of the approver group. Not the requester, Dana Oncall, who can withdraw the request.',
        ),
        JSON.stringify(cardTexts(card)),
      );

      const refused = await press(bot, connector, chat, messageId, button(card, 'Approve'), ADELE);
      assert.ok(cardTexts(refused).includes('⛔ You are not one of the approvers for fixes.'), JSON.stringify(cardTexts(refused)));
      assert.deepEqual(puts(), []);

      await press(bot, connector, chat, messageId, button(card, 'Approve'), MEGAN);
      const done = await connector.waitFor((c) => c.operation === 'update' && c.activityId === messageId, 15_000);
      assert.ok(
        cardTexts(cardOf(done)).some((t) => t.startsWith('Approved by Megan Bowen at ') && t.endsWith(': done')),
        JSON.stringify(cardTexts(cardOf(done))),
      );
      assert.equal(puts().length, 1);
      assert.deepEqual(
        graph.requests.map((r) => [r.path, r.status, r.groupIds]),
        [ADELE, MEGAN].map((u) => [`/v1.0/directoryObjects/${u.aadObjectId}/checkMemberGroups`, 200, [PLATFORM_ADMINS]]),
      );
      const approved = (await bot.app.store.audit.list()).find((r) => r.action === 'fix.approved');
      assert.equal(approved?.details?.approverVia, 'group');

      assert.ok(identity.issued.length >= 2, 'tokens were issued for ARM and Graph');
      const seen = [JSON.stringify(bot.logs), JSON.stringify(connector.calls), JSON.stringify(await bot.app.store.audit.list())].join('\n');
      for (const token of identity.issued)
        assert.ok(!seen.includes(token.split('.')[1]!), 'no token (not even its claims) in logs, cards or audit');
      assert.ok(!seen.includes('Bearer '));
    });

    it('mentions the members of the conversation who are approvers (through Graph), never the requester', async () => {
      const bot = await start({ APPROVER_GROUP_ID: PLATFORM_ADMINS });
      const { connector } = bots;
      const chat = sandboxGroupChat();
      connector.members.set(chat.id, [DANA, MEGAN, ADELE, MALLORY]);
      const { card } = await requestedFix(bot, connector, chat);
      assert.ok(
        cardTexts(card).includes(
          '**Who can approve:** <at>Megan Bowen</at>. Not the requester, Dana Oncall, who can withdraw the request.',
        ),
        JSON.stringify(cardTexts(card)),
      );
      assert.deepEqual((card.msteams as { entities: unknown }).entities, [
        { type: 'mention', text: '<at>Megan Bowen</at>', mentioned: { id: MEGAN.id, name: 'Megan Bowen' } },
      ]);
      assert.deepEqual(
        graph.requests.map((r) => r.path),
        [MEGAN, ADELE, MALLORY].map((u) => `/v1.0/directoryObjects/${u.aadObjectId}/checkMemberGroups`),
        'the requester is not even asked about',
      );
    });

    it('never offers nor accepts the sandbox\'s one-press "Approve as" outside the sandbox', async () => {
      const bot = await start({ APPROVERS: ADELE.aadObjectId });
      const { connector } = bots;
      const chat = sandboxGroupChat();
      const { card, messageId } = await requestedFix(bot, connector, chat);
      assert.deepEqual(
        executeActions(card).map((a) => a.title),
        ['Approve', 'Reject', 'Withdraw request'],
      );
      const id = button(card, 'Approve').data.id as string;
      const forged = await press(bot, connector, chat, messageId, { verb: 'approveFixAs', data: { id } }, DANA);
      assert.ok(cardTexts(forged).includes('⛔ Refused: nothing was changed'), JSON.stringify(cardTexts(forged)));
      assert.equal((await bot.app.fixes!.approvals.get(id))?.status, 'pending');
      assert.ok(!(await bot.app.store.audit.list()).some((r) => r.action === 'fix.approved'));
      assert.deepEqual(puts(), []);
    });

    it('tells the requester in a personal chat that no approver sees the approval card there', async () => {
      const bot = await start({ APPROVERS: ADELE.aadObjectId });
      const { marked } = await requestedFix(bot, bots.connector, personalChat(undefined, PLAYGROUND_TENANT_ID));
      assert.ok(
        cardTexts(marked).includes(
          'Fix requested by Dana Oncall — waiting for approval: this is a personal chat, where no approver sees the approval card',
        ),
        JSON.stringify(cardTexts(marked)),
      );
    });

    it('lets the people listed in APPROVERS approve, without asking Graph', async () => {
      const bot = await start({ APPROVERS: `${ADELE.aadObjectId.toUpperCase()}` });
      const { connector } = bots;
      const chat = sandboxGroupChat();
      const { card, messageId } = await requestedFix(bot, connector, chat);
      assert.ok(
        cardTexts(card).includes(
          '**Who can approve:** 1 person listed in APPROVERS. Not the requester, Dana Oncall, who can withdraw the request.',
        ),
      );
      await press(bot, connector, chat, messageId, button(card, 'Approve'), ADELE);
      await connector.waitFor(
        (c) => c.operation === 'update' && c.activityId === messageId && cardTexts(cardOf(c)).some((t) => t.endsWith(': done')),
        15_000,
      );
      assert.equal(puts().length, 1);
      assert.deepEqual(graph.requests, []);
      const approvals = bot.logs.filter(
        (r) => r.msg === 'local mode: a fix was approved by a request nobody authenticated (LOCAL_MODE=true)',
      );
      assert.equal(approvals.length, 1, 'LOCAL_MODE: every approval is logged as a warning');
      assert.equal(approvals[0]!.level, 'warn');
      assert.equal(approvals[0]!.approverObjectId, ADELE.aadObjectId);
    });
  });
});
