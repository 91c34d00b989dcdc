import type { TokenCredential } from '@azure/identity';
import type { AzureRetryOptions } from '../clients/azure/azure-sdk.js';
import { createAzureReader } from '../clients/azure/azure-reader.js';
import { createRoleAssignmentWriter } from '../clients/azure/role-assignment-writer.js';
import { createGraphClient } from '../clients/graph/graph-client.js';
import { approvalsEnabled } from '../config/approvals.js';
import type { Config } from '../config/index.js';
import { createApproverCheck, createFixApprovals, type ApproverCheck, type FixApprovals, type ResumeReport } from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import { sandboxApprovers, type NamedApprover } from '../sandbox/playground-users.js';
import type { SandboxWorld } from '../sandbox/sandbox-world.js';
import type { Store } from '../store/index.js';
import { ApprovalCardAddresses } from '../teams/approval-card-addresses.js';
import type { TeamsOutlet } from '../teams/fix-request-handler.js';
import { TeamsFixApprovals } from '../teams/teams-fix-approvals.js';
import type { ClusterConnections } from './cluster-connections.js';
import { createPullAccessChecker } from '../diagnosis/roles/pull-access.js';
import { rediagnoseWithEngine } from './rediagnose-with-engine.js';

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

export interface FixApprovalsWiringOptions {
  config: Config;
  store: Store;
  /** The configured Azure identity (AZURE_CREDENTIAL), or null; ignored in sandbox mode (the sandbox's identity). */
  credential: TokenCredential | null;
  /** The bot's clusters, for the re-diagnosis after a fix. */
  clusters?: ClusterConnections;
  /** Sandbox mode: the fix goes to the sandbox's fake ARM, and the Playground's other users approve. */
  sandbox?: SandboxWorld;
  log: Logger;
  tuning?: FixApprovalsTuning;
}

export interface FixApprovalsWiring {
  /** The bot's FixRequestHandler. */
  handler: TeamsFixApprovals;
  approvals: FixApprovals;
  /** Resumes interrupted requests now, and every minute from now on, updating the cards of what it resumed or expired. */
  start(teams: TeamsOutlet): void;
  /** One resume pass (what the timer runs); resolves with its report, cards updated. */
  resumeNow(): Promise<ResumeReport>;
  /** Stops the timer and waits (a few seconds at most) for a pass under way. */
  stop(): Promise<void>;
}

interface Assembly {
  credential: TokenCredential;
  endpoint: string;
  approvers: ApproverCheck;
  /** For the cards. */
  approversText: string;
}

function names(approvers: readonly NamedApprover[]): string {
  return approvers.map((a) => a.name).join(', ');
}

/** Sandbox mode: the fake ARM, the sandbox identity, and the Playground's users other than the current one. */
function sandboxAssembly(world: SandboxWorld, config: Config, log: Logger): Assembly {
  const approvers = sandboxApprovers();
  if (approvalsEnabled(config.approvals)) log.warn('sandbox mode: APPROVERS and APPROVER_GROUP_ID are not used; the sandbox approvers are', { approvers: names(approvers) });
  log.info('fix approvals on the sandbox: sandbox approvers are the Playground users other than the current one', {
    approvers: approvers.map((a) => `${a.name} (${a.objectId})`),
    resourceManager: world.arm.url,
  });
  return {
    credential: world.credential,
    endpoint: world.arm.url,
    approvers: createApproverCheck({ approvers: approvers.map((a) => a.objectId) }, { log }),
    approversText: `Sandbox approvers: ${names(approvers)}`,
  };
}

/** Production: the configured identity and ARM endpoint; APPROVERS, and APPROVER_GROUP_ID through Microsoft Graph. */
function configuredAssembly(options: FixApprovalsWiringOptions): Assembly | undefined {
  const { config, credential, log } = options;
  const reasons: string[] = [];
  if (credential === null) reasons.push('no Azure credential is configured (AZURE_CREDENTIAL), so Pull Doctor cannot grant roles');
  if (!approvalsEnabled(config.approvals)) reasons.push('no approvers are configured (APPROVERS or APPROVER_GROUP_ID), so nobody could approve');
  if (credential === null || reasons.length > 0) {
    log.warn(`fix requests are not offered: ${reasons.join('; ')}`, { reasons });
    return undefined;
  }
  const { approvers, approverGroupId, graphEndpoint } = config.approvals;
  const graph = approverGroupId === undefined ? undefined : createGraphClient({ credential, baseUrl: graphEndpoint, log });
  log.info('fix approvals enabled', { approvers: approvers.length, approverGroup: approverGroupId ?? null, resourceManager: config.azure.resourceManagerEndpoint });
  const listed = approvers.length === 0 ? '' : `${approvers.length} ${approvers.length === 1 ? 'person' : 'people'} listed in APPROVERS`;
  const group = approverGroupId === undefined ? '' : 'members of the approver group';
  return {
    credential,
    endpoint: config.azure.resourceManagerEndpoint,
    approvers: createApproverCheck({ approvers, ...(approverGroupId ? { approverGroupId } : {}) }, { ...(graph ? { graph } : {}), log }),
    approversText: [listed, group].filter((t) => t !== '').join(' and '),
  };
}

/**
 * The fix approval flow for the bot, or undefined (and the reason logged) when it cannot work here: no Azure
 * credential, or no approvers. Request fix is then not offered.
 */
export function wireFixApprovals(options: FixApprovalsWiringOptions): FixApprovalsWiring | undefined {
  const { config, store, clusters, tuning = {} } = options;
  const log = options.log.child({ component: 'fix-approvals' });
  const assembly = options.sandbox ? sandboxAssembly(options.sandbox, config, log) : configuredAssembly({ ...options, log });
  if (assembly === undefined) return undefined;
  const azure = { credential: assembly.credential, endpoint: assembly.endpoint, log, retry: FIX_CLIENT_RETRY };
  const approvals = createFixApprovals({
    store,
    approvers: assembly.approvers,
    checkPullAccess: createPullAccessChecker(createAzureReader(azure)),
    writer: createRoleAssignmentWriter(azure),
    ...(clusters ? { rediagnose: rediagnoseWithEngine(clusters, log) } : {}),
    log,
    requestTtlMs: config.approvals.fixRequestTtlMs,
    ...(tuning.now ? { now: tuning.now } : {}),
    ...(tuning.sleep ? { sleep: tuning.sleep } : {}),
  });
  const handler = new TeamsFixApprovals({
    approvals,
    addresses: new ApprovalCardAddresses(store.documents),
    approvers: assembly.approversText,
    // Local mode outside the sandbox (allowed with LOCAL_MODE=true only): nobody authenticated the press.
    unauthenticated: config.bot.auth.mode === 'local' && options.sandbox === undefined,
    ...(tuning.now ? { now: tuning.now } : {}),
  });

  let teams: TeamsOutlet | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ResumeReport> | undefined;
  const pass = async (): Promise<ResumeReport> => {
    const report = await approvals.resumeInterrupted();
    if (report.resumed.length + report.expired.length + report.errors.length > 0) {
      log.info('fix requests resumed', { resumed: report.resumed.length, expired: report.expired.length, errors: report.errors.length });
    }
    if (teams) await handler.refreshCards(report, teams, log);
    return report;
  };
  const resumeNow = (): Promise<ResumeReport> => {
    // One pass at a time per process: a slow execution must not be resumed by this process's next tick.
    running ??= pass().finally(() => (running = undefined));
    return running;
  };
  const tick = () =>
    void resumeNow().catch((error: unknown) => {
      log.error('resuming fix requests failed; trying again at the next pass', { error });
    });

  return {
    handler,
    approvals,
    resumeNow,
    start(outlet) {
      teams = outlet;
      tick();
      timer = setInterval(tick, tuning.resumeEveryMs ?? DEFAULT_RESUME_EVERY_MS);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      const under = running;
      if (under) await Promise.race([under.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    },
  };
}
