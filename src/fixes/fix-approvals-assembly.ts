import type { TokenCredential } from '@azure/identity';
import type { AzureRetryOptions } from '../clients/azure/azure-sdk.js';
import { createAzureReader } from '../clients/azure/azure-reader.js';
import { parseResourceId } from '../clients/azure/resource-id.js';
import { createRoleAssignmentWriter } from '../clients/azure/role-assignment-writer.js';
import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import { createPullAccessChecker } from '../diagnosis/roles/pull-access.js';
import type { Diagnosis, Fix } from '../diagnosis/types.js';
import type { Logger } from '../logging/index.js';
import type { Store } from '../store/index.js';
import type { ApproverCheck } from './approvers.js';
import { createFixApprovals, type FixApprovals } from './fix-approvals.js';
import type { Rediagnose, RediagnosisSummary } from './ports.js';
import type { ResumeReport } from './resume-interrupted.js';

/**
 * The fix clients make one HTTP attempt and pass Retry-After on as ARM sent it: the executor retries 429 and 5xx
 * itself, renewing its claim and auditing each retry (docs/approvals.md, "Wiring").
 */
export const FIX_CLIENT_RETRY: AzureRetryOptions = { maxRetries: 0, maxRetryAfterMs: 24 * 3_600_000 };

/** How often `resumeInterrupted()` runs (and at start-up). */
export const DEFAULT_RESUME_EVERY_MS = 60_000;

/** Knobs for tests (short clocks); production uses the defaults. */
export interface FixApprovalsTuning {
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  resumeEveryMs?: number;
}

export interface FixApprovalsAssemblyOptions {
  store: Store;
  /** Pull Doctor's Azure identity, and the Resource Manager it writes role assignments to. */
  credential: TokenCredential;
  resourceManagerEndpoint: string;
  approvers: ApproverCheck;
  /** The bot's clusters, for the re-diagnosis after a fix (none: the outcome has no re-diagnosis). */
  clusters: ClusterConnections | undefined;
  requestTtlMs: number;
  log: Logger;
  tuning?: FixApprovalsTuning | undefined;
}

/** The approval flow of src/fixes over Azure: the pull-access re-check, the role assignment writer, the re-diagnosis. */
export function assembleFixApprovals(options: FixApprovalsAssemblyOptions): FixApprovals {
  const { clusters, log, tuning } = options;
  const azure = { credential: options.credential, endpoint: options.resourceManagerEndpoint, log, retry: FIX_CLIENT_RETRY };
  return createFixApprovals({
    store: options.store,
    approvers: options.approvers,
    checkPullAccess: createPullAccessChecker(createAzureReader(azure)),
    writer: createRoleAssignmentWriter(azure),
    rediagnose: clusters === undefined ? undefined : rediagnoseWithEngine(clusters, log),
    log,
    requestTtlMs: options.requestTtlMs,
    now: tuning?.now,
    sleep: tuning?.sleep,
  });
}

/**
 * Resumes interrupted requests now and every minute from `start()` on, one pass at a time per process (a slow
 * execution must not be resumed by this process's next tick); `onReport` updates the cards of what a pass resumed
 * or expired.
 */
export class FixResumer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ResumeReport> | undefined;

  constructor(
    private readonly approvals: FixApprovals,
    private readonly onReport: (report: ResumeReport) => Promise<void>,
    private readonly log: Logger,
    private readonly everyMs = DEFAULT_RESUME_EVERY_MS,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
  }

  /** One resume pass (what the timer runs); resolves with its report, cards updated. */
  resumeNow(): Promise<ResumeReport> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits (a few seconds at most) for a pass under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const under = this.running;
    if (under) await Promise.race([under.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  private async pass(): Promise<ResumeReport> {
    const report = await this.approvals.resumeInterrupted();
    if (report.resumed.length + report.expired.length + report.errors.length > 0) {
      this.log.info('fix requests resumed', {
        resumed: report.resumed.length,
        expired: report.expired.length,
        errors: report.errors.length,
      });
    }
    await this.onReport(report);
    return report;
  }

  private tick(): void {
    void this.resumeNow().catch((error: unknown) => {
      this.log.error('resuming fix requests failed; trying again at the next pass', { error });
    });
  }
}

const sameFix = (a: Fix, b: Fix) =>
  a.principalId.toLowerCase() === b.principalId.toLowerCase() &&
  a.scope.toLowerCase() === b.scope.toLowerCase() &&
  a.roleDefinitionId.toLowerCase() === b.roleDefinitionId.toLowerCase();

/** What the diagnosis after a fix says, in a sentence for the approval card and the audit log. */
export function rediagnosisSummary(d: Diagnosis, fix: Fix): RediagnosisSummary {
  const registry = parseResourceId(fix.scope).name ?? 'the registry';
  const base = { verdict: d.verdict, cause: d.cause };
  if (d.verdict === 'healthy') return { ...base, summary: 'The pod is healthy now.' };
  if (d.fix !== null && sameFix(d.fix, fix)) {
    return {
      ...base,
      summary:
        `The diagnosis still finds no role that lets the kubelet identity pull from ${registry}: ` +
        'a new role assignment can take a minute or two to take effect. Re-run the checks shortly.',
    };
  }
  const still = d.findings.find((f) => f.status === 'fail' && f.check !== 'acr-pull-role');
  const now = `The kubelet identity's roles now allow pulling from ${registry}.`;
  if (d.verdict === 'unknown') return { ...base, summary: `${now} Some checks could not run, so there is no verdict for the pod yet.` };
  return {
    ...base,
    summary: still
      ? `${now} The pod still reports: ${still.summary} It should change at the kubelet's next pull attempt.`
      : `${now} The pod is not healthy yet; it should change at the kubelet's next pull attempt.`,
  };
}

/**
 * The re-diagnosis after a fix, through the bot's cluster clients (built once per process) and the engine: the
 * request's cluster by its configured name (the only cluster when the bot knows no names).
 */
function rediagnoseWithEngine(clusters: ClusterConnections, log: Logger): Rediagnose {
  return async (request) => {
    const name = request.cluster.name;
    const { connection, dependencies } = await clusters.connect(name !== undefined && clusters.names.length > 0 ? name : undefined);
    const cluster = name ?? connection.name;
    const d = await diagnosePod(
      { pod: request.pod.name, namespace: request.pod.namespace, ...(cluster ? { cluster } : {}) },
      { ...dependencies, log: log.child({ fixRequestId: request.id, rediagnosis: true }) },
    );
    return rediagnosisSummary(d, request.fix);
  };
}
