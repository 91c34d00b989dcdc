/**
 * One Pull Doctor process for the restart tests (restart.test.ts), run as its own Node process:
 *   node --import tsx test/fixes/fix-process.ts '<json>'
 * with { step, store, azure, requestId, clockOffsetMs }; `azure` is the parent's fake ARM (`connection()`), reached with
 * the real role assignment writer and pull access checker, so the child must trust the test CA (NODE_EXTRA_CA_CERTS,
 * passed on by the parent). The steps that end in "die" kill this process with
 * SIGKILL at that point — no finally block, no flush, exactly like a crashed or evicted pod:
 *   approve-then-die     approve the request, die as soon as the approval is stored;
 *   die-before-write     approve and execute, die when the role assignment PUT is about to be sent;
 *   die-after-write      approve and execute, die as soon as ARM has answered the PUT;
 *   resume               run resumeInterrupted() (with the clock moved by clockOffsetMs) and print its report.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { createApproverCheck, createFixApprovals } from '../../src/fixes/index.js';
import type { RoleAssignmentWriter } from '../../src/clients/azure/role-assignment-writer.js';
import { silentLogger } from '../../src/logging/index.js';
import { openBlobStore, openSqliteStore, type Store } from '../../src/store/index.js';
import { connectAzureRoleAssignments } from '../support/azure-role-assignments.js';
import { APPROVERS, BEN, CONVERSATION, TENANT } from './fix-harness.js';

export type StoreSpec = { kind: 'sqlite'; path: string } | { kind: 'blob'; connectionString: string; container: string };
export interface FixProcessArgs {
  step: 'approve-then-die' | 'die-before-write' | 'die-after-write' | 'resume';
  store: StoreSpec;
  azure: string;
  requestId: string;
  clockOffsetMs: number;
}

const args = JSON.parse(process.argv[2]!) as FixProcessArgs;
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

const log = silentLogger();
const store: Store =
  args.store.kind === 'sqlite'
    ? await openSqliteStore({ path: args.store.path, log, busyTimeoutMs: 10_000 })
    : await openBlobStore({
        container: BlobServiceClient.fromConnectionString(args.store.connectionString).getContainerClient(args.store.container),
        log,
      });
const azure = connectAzureRoleAssignments(args.azure);
/** The real writer; this process kills itself just before or just after it runs. */
const writer: RoleAssignmentWriter = {
  async createRoleAssignment(input) {
    if (args.step === 'die-before-write') die();
    const written = await azure.writer.createRoleAssignment(input);
    if (args.step === 'die-after-write') die();
    return written;
  },
};
const approvals = createFixApprovals({
  store,
  approvers: createApproverCheck({ approvers: APPROVERS }, { log }),
  checkPullAccess: azure.checkPullAccess,
  writer,
  log,
  executorId: `pid-${process.pid}`,
  now: () => new Date(Date.now() + args.clockOffsetMs),
  sleep: async () => undefined,
});

if (args.step === 'resume') {
  const report = await approvals.resumeInterrupted();
  await store.close();
  process.stdout.write(
    `${JSON.stringify({ resumed: report.resumed.map((r) => ({ id: r.id, kind: r.execution.kind, outcome: r.execution.kind === 'finished' ? r.execution.outcome.kind : r.execution.reason })), expired: report.expired, errors: report.errors })}\n`,
  );
} else {
  const decision = await approvals.decide({
    decision: 'approve',
    actionData: { id: args.requestId },
    actor: BEN,
    tenantId: TENANT,
    conversationId: CONVERSATION,
  });
  if (!decision.ok) throw new Error(`the approval was refused: ${decision.refusal.reason}`);
  if (args.step === 'approve-then-die') die();
  await approvals.execute(args.requestId);
  throw new Error(`step ${args.step} should have died`);
}
