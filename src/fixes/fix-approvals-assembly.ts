import type { TokenCredential } from '@azure/identity';
import type { AzureRetryOptions } from '../clients/azure/azure-sdk.js';
import { createAzureReader } from '../clients/azure/azure-reader.js';
import { createRoleAssignmentWriter } from '../clients/azure/role-assignment-writer.js';
import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import { createPullAccessChecker } from '../diagnosis/roles/pull-access.js';
import type { Logger } from '../logging/index.js';
import type { Store } from '../store/index.js';
import { createFixApprovals, rediagnosisSummary, type ApproverCheck, type FixApprovals, type Rediagnose } from './index.js';

/**
 * The fix clients make one HTTP attempt and pass Retry-After on as ARM sent it: the executor retries 429 and 5xx
 * itself, renewing its claim and auditing each retry (docs/approvals.md, "Wiring").
 */
export const FIX_CLIENT_RETRY: AzureRetryOptions = { maxRetries: 0, maxRetryAfterMs: 24 * 3_600_000 };

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
