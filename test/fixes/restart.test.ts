import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { silentLogger } from '../../src/logging/index.js';
import { openBlobStore, openSqliteStore, type Store } from '../../src/store/index.js';
import { startAzurite, type RunningAzurite } from '../support/azurite.js';
import type { AzureRoleAssignments } from '../support/azure-role-assignments.js';
import { roleAssignmentName } from '../../src/clients/azure/role-assignment-writer.js';
import {
  ACR_PULL,
  auditOf,
  fixApprovalsFor,
  KUBELET_PRINCIPAL,
  newRequest,
  REGISTRY_ID,
  startShopAzure,
  testClock,
} from './fix-harness.js';
import type { FixProcessArgs, StoreSpec } from './fix-process.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Later than any lease: the restarted process finds the dead executor's claim stale. */
const AFTER_THE_LEASE = 3 * 60_000;
/** The name Pull Doctor gives this grant, and the name of one made by hand. */
const NAME = roleAssignmentName(REGISTRY_ID, KUBELET_PRINCIPAL, ACR_PULL);
const BY_HAND = '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c';

/** The child's environment: this one's, which trusts the test CA the fake ARM's certificate is signed by. */
function childEnv(): NodeJS.ProcessEnv {
  if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error('NODE_EXTRA_CA_CERTS is not set: run the tests with `npm test` (scripts/test.mjs)');
  return { ...process.env };
}

/** Runs fix-process.ts; resolves with how it ended and what it printed. */
function runProcess(args: FixProcessArgs): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fix-process.ts'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface Backend {
  name: string;
  before(): Promise<void>;
  after(): Promise<void>;
  /** A fresh, empty place for state: its spec for the child processes and an opener for the test. */
  fresh(): { spec: StoreSpec; open(): Promise<Store> };
}

function sqliteBackend(): Backend {
  let dir: string;
  let n = 0;
  return {
    name: 'SQLite',
    before: async () => {
      dir = mkdtempSync(join(tmpdir(), 'pulldoctor-restart-'));
    },
    after: async () => rmSync(dir, { recursive: true, force: true }),
    fresh() {
      const path = join(dir, `state-${++n}.sqlite`);
      return { spec: { kind: 'sqlite', path }, open: () => openSqliteStore({ path, log: silentLogger(), busyTimeoutMs: 10_000 }) };
    },
  };
}

function azuriteBackend(): Backend {
  let azurite: RunningAzurite;
  let n = 0;
  return {
    name: 'Azure Blob (Azurite)',
    before: async () => {
      azurite = await startAzurite();
    },
    after: async () => azurite?.close(),
    fresh() {
      const container = `restart-${++n}`;
      const spec: StoreSpec = { kind: 'blob', connectionString: azurite.connectionString, container };
      return {
        spec,
        open: () =>
          openBlobStore({
            container: BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container),
            log: silentLogger(),
          }),
      };
    },
  };
}

describe('fix requests survive a killed process (real child processes, SIGKILL)', function () {
  this.timeout(60_000);
  for (const backend of [sqliteBackend(), azuriteBackend()]) {
    describe(`with the ${backend.name} store`, () => {
      let store: Store;
      let spec: StoreSpec;
      let azure: AzureRoleAssignments;
      before(() => backend.before());
      after(() => backend.after());
      beforeEach(async () => {
        const place = backend.fresh();
        spec = place.spec;
        store = await place.open();
        azure = await startShopAzure();
      });
      afterEach(async () => {
        await store.close();
        await azure.close();
      });

      /** Requests a fix in this process; the children approve, die and resume it. */
      async function pendingRequest(): Promise<string> {
        return (await fixApprovalsFor(store, azure, testClock(new Date().toISOString())).request(newRequest())).request.id;
      }
      const run = (step: FixProcessArgs['step'], requestId: string, clockOffsetMs = 0) =>
        runProcess({ step, store: spec, azure: azure.connection(), requestId, clockOffsetMs });

      async function status(id: string) {
        return (await store.documents.get<{ status: string; outcome?: { kind: string } }>('fix-requests', id))?.value;
      }

      it('executes, once, an approval whose process was killed right after storing it', async () => {
        const id = await pendingRequest();
        const killed = await run('approve-then-die', id);
        assert.equal(killed.signal, 'SIGKILL', killed.stderr);
        assert.equal((await status(id))?.status, 'approved');
        assert.equal(azure.writes().length, 0);

        const resumed = await run('resume', id);
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.deepEqual(JSON.parse(resumed.stdout).resumed, [{ id, kind: 'finished', outcome: 'created' }]);
        assert.equal((await status(id))?.status, 'completed');
        assert.equal(azure.writes().length, 1);

        const again = await run('resume', id, AFTER_THE_LEASE);
        assert.deepEqual(JSON.parse(again.stdout), { resumed: [], expired: [], errors: [] });
        assert.equal(azure.writes().length, 1);
        const audit = await auditOf(store);
        assert.deepEqual(
          audit.filter((r) => r.action !== 'fix.rediagnosed').map((r) => r.action),
          ['fix.requested', 'fix.approved', 'fix.execution-started', 'fix.applied'],
        );
      });

      it('writes once when the process was killed after claiming the execution but before the PUT', async () => {
        const id = await pendingRequest();
        const killed = await run('die-before-write', id);
        assert.equal(killed.signal, 'SIGKILL', killed.stderr);
        assert.equal((await status(id))?.status, 'executing');
        assert.equal(azure.writes().length, 0);

        const tooSoon = await run('resume', id);
        assert.deepEqual(JSON.parse(tooSoon.stdout).resumed, []);
        const resumed = await run('resume', id, AFTER_THE_LEASE);
        assert.deepEqual(JSON.parse(resumed.stdout).resumed, [{ id, kind: 'finished', outcome: 'created' }]);
        assert.equal(azure.writes().length, 1);
        assert.equal((await status(id))?.outcome?.kind, 'created');
      });

      it('does not write again when the process was killed right after the PUT went through, and records the change as its own', async () => {
        const id = await pendingRequest();
        const killed = await run('die-after-write', id);
        assert.equal(killed.signal, 'SIGKILL', killed.stderr);
        assert.equal((await status(id))?.status, 'executing');
        assert.equal(azure.writes().length, 1);

        const resumed = await run('resume', id, AFTER_THE_LEASE);
        assert.deepEqual(JSON.parse(resumed.stdout).resumed, [{ id, kind: 'finished', outcome: 'created' }]);
        assert.equal(azure.writes().length, 1);
        assert.deepEqual(
          azure.assignments().map((a) => a.name),
          [NAME],
        );
        const audit = await auditOf(store);
        assert.deepEqual(
          audit.filter((r) => r.action === 'fix.execution-started').map((r) => r.details?.round),
          [1, 2],
        );
        // The assignment has this grant's deterministic name and this request had sent its PUT: the change is its own.
        const applied = audit.filter((r) => r.action === 'fix.applied');
        assert.deepEqual(
          applied.map((r) => [r.result, r.details?.assignmentWrittenBy, r.details?.roleAssignmentName, r.details?.writeAttempts]),
          [['created', 'this-request', NAME, 0]],
        );
        assert.equal(
          applied[0]!.reason,
          `Granted AcrPull on shopacr for the kubelet identity ${KUBELET_PRINCIPAL}: the role assignment ${NAME} was written by this request before Pull Doctor was interrupted, and found in place on resuming (it has the name Pull Doctor gives this grant); nothing more was changed.`,
        );
      });

      it('records a grant found already present under another name as not its own, when the process was killed before its PUT', async () => {
        const id = await pendingRequest();
        const killed = await run('die-before-write', id);
        assert.equal(killed.signal, 'SIGKILL', killed.stderr);
        assert.equal(azure.writes().length, 0);
        // Meanwhile someone grants it by hand.
        azure.addAssignment({ name: BY_HAND, scope: REGISTRY_ID, principalId: KUBELET_PRINCIPAL, roleDefinitionId: ACR_PULL });

        const resumed = await run('resume', id, AFTER_THE_LEASE);
        assert.deepEqual(JSON.parse(resumed.stdout).resumed, [{ id, kind: 'finished', outcome: 'already-fixed' }]);
        assert.equal(azure.writes().length, 0);
        const applied = (await auditOf(store)).filter((r) => r.action === 'fix.applied');
        assert.deepEqual(
          applied.map((r) => [r.result, r.details?.assignmentWrittenBy, r.details?.roleAssignmentId]),
          [['already-fixed', 'someone-else', `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/${BY_HAND}`]],
        );
        assert.equal(
          applied[0]!.reason,
          `The kubelet identity can already pull from shopacr (AcrPull on the registry itself) through the role assignment ${BY_HAND}, found already present (not written by Pull Doctor: another name); nothing was changed.`,
        );
      });
    });
  }
});
