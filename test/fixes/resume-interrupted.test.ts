import assert from 'node:assert/strict';
import { ResumeLoop, type FixApprovals, type FixExecution, type PullAccessChecker, type ResumeReport } from '../../src/fixes/index.js';
import { createLogger, memorySink, silentLogger } from '../../src/logging/index.js';
import type { RoleAssignmentWriter } from '../../src/clients/azure/role-assignment-writer.js';
import type { Store } from '../../src/store/index.js';
import type { AzureRoleAssignments } from '../support/azure-role-assignments.js';
import { waitFor } from '../support/wait-for.js';
import { approve, auditOf, fixApprovalsFor, forEachStore, newRequest, OTHER_TENANT, startShopAzure, testClock } from './fix-harness.js';

const LEASE = 2 * 60_000;

describe('resuming interrupted fix requests', () => {
  forEachStore((open) => {
    let store: Store;
    let azure: AzureRoleAssignments;
    let clock: ReturnType<typeof testClock>;
    beforeEach(async () => {
      store = await open();
      azure = await startShopAzure();
      clock = testClock();
    });
    afterEach(() => azure.close());

    /** A second process: its own store client, its own executor id, the same clock. */
    async function restarted(): Promise<FixApprovals> {
      return fixApprovalsFor(await open(), azure, clock, { executorId: 'after-restart' });
    }

    it('executes an approval whose process stopped before executing it, once', async () => {
      const first = fixApprovalsFor(store, azure, clock, { executorId: 'before-restart' });
      const { request } = await first.request(newRequest());
      assert.ok((await first.decide(approve(request.id))).ok);

      const second = await restarted();
      const report = await second.resumeInterrupted();
      assert.deepEqual(
        report.resumed.map((r) => [r.id, r.execution.kind]),
        [[request.id, 'finished']],
      );
      assert.equal(azure.writes().length, 1);
      assert.equal((await second.get(request.id))?.status, 'completed');
      assert.deepEqual((await second.resumeInterrupted()).resumed, []);
      assert.equal(azure.writes().length, 1);
      const started = (await auditOf(store)).filter((r) => r.action === 'fix.execution-started');
      assert.deepEqual(
        started.map((r) => [r.details?.executorId, r.details?.resumed]),
        [['after-restart', true]],
      );
    });

    it('leaves a running execution alone while its claim is fresh, and takes it over once the lease has passed', async () => {
      let wake!: () => void;
      const slow: PullAccessChecker = async (fix) => {
        await new Promise<void>((resolve) => (wake = resolve));
        return azure.checkPullAccess(fix);
      };
      const first = fixApprovalsFor(store, azure, clock, { executorId: 'before-restart', checkPullAccess: slow });
      const { request } = await first.request(newRequest());
      assert.ok((await first.decide(approve(request.id))).ok);
      const firstExecution = first.execute(request.id); // stalls while re-checking: before any write
      await until(async () => (await first.get(request.id))?.status === 'executing');

      const second = await restarted();
      clock.advance(LEASE - 1000);
      assert.deepEqual((await second.resumeInterrupted()).resumed, []);
      assert.equal((await second.get(request.id))?.claim?.executorId, 'before-restart');

      clock.advance(2000);
      const report = await second.resumeInterrupted();
      assert.equal(report.resumed.length, 1);
      const execution = report.resumed[0]!.execution;
      assert.equal(execution.kind === 'finished' && execution.outcome.kind, 'created');
      assert.equal(execution.kind === 'finished' && execution.request.claim?.round, 2);
      assert.equal(azure.writes().length, 1);
      const started = (await auditOf(store)).filter((r) => r.action === 'fix.execution-started');
      assert.deepEqual(
        started.map((r) => [r.details?.executorId, r.details?.round, r.details?.resumed]),
        [
          ['before-restart', 1, false],
          ['after-restart', 2, true],
        ],
      );

      // The stalled executor wakes up: it no longer holds the claim, so it does not write.
      wake();
      const late = await firstExecution;
      assert.deepEqual([late.kind, late.kind === 'skipped' && late.reason], ['skipped', 'claim-lost']);
      assert.equal(azure.writes().length, 1);
    });

    it('never writes twice when the first executor stopped right after its PUT went through', async () => {
      let release!: () => void;
      const stuckAfterWrite: RoleAssignmentWriter = {
        async createRoleAssignment(input) {
          const written = await azure.writer.createRoleAssignment(input);
          await new Promise<void>((resolve) => (release = resolve)); // the process "dies" here
          return written;
        },
      };
      const first = fixApprovalsFor(store, azure, clock, { executorId: 'before-restart', writer: stuckAfterWrite });
      const { request } = await first.request(newRequest());
      assert.ok((await first.decide(approve(request.id))).ok);
      const firstExecution = first.execute(request.id);
      await until(async () => azure.writes().length === 1);

      clock.advance(LEASE + 1000);
      const report = await (await restarted()).resumeInterrupted();
      const execution = report.resumed[0]!.execution;
      // The assignment under this grant's name is there, and this request had sent its PUT: the change is its own.
      assert.equal(execution.kind === 'finished' && execution.outcome.kind, 'created');
      assert.equal(execution.kind === 'finished' && execution.outcome.writtenBy, 'this-request');
      assert.equal(azure.writes().length, 1);

      // The first executor wakes up: its claim is gone, so it records nothing.
      release();
      const late: FixExecution = await firstExecution;
      assert.deepEqual([late.kind, late.kind === 'skipped' && late.reason], ['skipped', 'claim-lost']);
      const stored = await (await restarted()).get(request.id);
      assert.equal(stored?.outcome?.kind, 'created');
      const audit = await auditOf(store);
      assert.deepEqual(
        audit.filter((r) => r.action === 'fix.applied').map((r) => [r.result, r.details?.assignmentWrittenBy]),
        [['created', 'this-request']],
      );
    });

    it('marks pending requests past their expiry as expired, once', async () => {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request: old } = await approvals.request(newRequest());
      clock.advance(30 * 60_000);
      const { request: fresh } = await approvals.request(newRequest({ tenantId: OTHER_TENANT }));
      clock.advance(31 * 60_000);
      const report = await approvals.resumeInterrupted();
      assert.deepEqual(report.expired, [old.id]);
      assert.equal((await approvals.get(old.id))?.status, 'expired');
      assert.equal((await approvals.get(fresh.id))?.status, 'pending');
      assert.deepEqual((await approvals.resumeInterrupted()).expired, []);
      assert.equal((await auditOf(store)).filter((r) => r.action === 'fix.expired').length, 1);
    });

    it('lets only one of two replicas resuming at the same time execute a request', async () => {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request } = await approvals.request(newRequest());
      assert.ok((await approvals.decide(approve(request.id))).ok);
      const replicas = [
        fixApprovalsFor(await open(), azure, clock, { executorId: 'a' }),
        fixApprovalsFor(await open(), azure, clock, { executorId: 'b' }),
      ];
      const reports = await Promise.all(replicas.map((r) => r.resumeInterrupted()));
      assert.equal(reports.flatMap((r) => r.resumed).length, 1);
      assert.equal(azure.writes().length, 1);
    });

    it('leaves finished, rejected and malformed requests alone', async () => {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request: rejected } = await approvals.request(newRequest());
      await approvals.decide({ ...approve(rejected.id), decision: 'reject' });
      const { request: done } = await approvals.request(newRequest());
      await approvals.decide(approve(done.id));
      await approvals.execute(done.id);
      await store.documents.create('fix-requests', 'hand-written', { status: 'approved', fix: { kind: 'assign-acr-pull' } });
      const report = await approvals.resumeInterrupted();
      assert.deepEqual(report, { resumed: [], expired: [], errors: [] });
      assert.equal(azure.writes().length, 1);
    });
  });
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail('condition not reached');
}

describe('the resume loop', () => {
  const report = (expired: string[] = []): ResumeReport => ({ resumed: [], expired, errors: [] });

  it('runs one pass at a time: asked again while a pass runs, it answers with that pass', async () => {
    let passes = 0;
    let finish = () => {};
    const loop = new ResumeLoop({
      resume: () => {
        passes++;
        return new Promise((resolve) => (finish = () => resolve(report(['a']))));
      },
      log: silentLogger(),
    });
    const first = loop.resumeNow();
    const second = loop.resumeNow();
    finish();
    assert.deepEqual(await first, report(['a']));
    assert.equal(await second, await first);
    assert.equal(passes, 1);
    const third = loop.resumeNow();
    finish();
    await third;
    assert.equal(passes, 2, 'a new pass once the last one is over');
  });

  it('hands every report on before the pass resolves, and logs what was resumed', async () => {
    const sink = memorySink();
    const told: ResumeReport[] = [];
    const loop = new ResumeLoop({
      resume: async () => report(['x']),
      onReport: async (r) => void told.push(r),
      log: createLogger({ sink }),
    });
    const answered = await loop.resumeNow();
    assert.deepEqual(told, [answered]);
    assert.deepEqual(
      sink.records.filter((r) => r.msg === 'fix requests resumed').map((r) => [r.resumed, r.expired, r.errors]),
      [[0, 1, 0]],
    );
  });

  it('passes at once when started and again after a failed pass, and stops passing when stopped', async () => {
    const sink = memorySink();
    let passes = 0;
    const loop = new ResumeLoop({
      resume: async () => {
        passes++;
        if (passes === 1) throw new Error('the store is down');
        return report();
      },
      everyMs: 5,
      log: createLogger({ sink }),
    });
    loop.start();
    await waitFor('a pass after the failed one', () => passes >= 2);
    assert.ok(sink.records.some((r) => r.level === 'error' && r.msg === 'resuming fix requests failed; trying again at the next pass'));
    await loop.stop();
    const stoppedAt = passes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(passes, stoppedAt, 'no pass after stop');
  });
});
