import type { TokenCredential } from '@azure/identity';
import { Alerts, type AlertsTuning } from '../alerts/alerts-assembly.js';
import { createAzureCredential } from '../clients/azure/create-azure-credential.js';
import { createGraphClient } from '../clients/graph/graph-client.js';
import type { RegistryNetwork } from '../clients/registry/registry-client.js';
import { configuredClusters, type ClusterConnections } from '../clusters/cluster-connections.js';
import { approvalsEnabled } from '../config/index.js';
import { botStartProblems, ConfigError, localModeProblems, type AlertsConfig, type Config, type Env } from '../config/index.js';
import { describeError } from '../errors/index.js';
import { assembleFixApprovals, type FixApprovalsTuning } from '../fixes/fix-approvals-assembly.js';
import { createApproverCheck, ResumeLoop, type ApproverCheck, type FixApprovals, type ResumeReport } from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import { createBotServer, type BotServer } from '../server/bot-server.js';
import { readinessProbes } from '../server/readiness.js';
import { createStore, type Store } from '../store/index.js';
import { AlertsInTeams, TeamsAlertChannel } from '../teams/alerts.js';
import { createBotEndpoint } from '../teams/bot-endpoint.js';
import { createTeamsTransport, type CardLabel, type TeamsTransport } from '../teams/bot-framework.js';
import { PullDoctorBot } from '../teams/bot.js';
import { CardActionStore } from '../teams/card-actions.js';
import { diagnoseOnClusters, type Diagnose, type DiagnosisLimits } from '../teams/diagnosis-cards.js';
import { failingPodsOnClusters } from '../teams/failing-pods.js';
import { TeamsFixApprovals, type KnownPerson } from '../teams/fix-approvals.js';

/**
 * What the bot runs on: the clusters it diagnoses and watches, the identity and approvers of its fixes, its alerts,
 * and how its cards are labelled. `configuredProfile` reads them from configuration; the sandbox hands its own.
 */
export interface Profile {
  /** The clusters to diagnose and watch; undefined when there are none (diagnoses say so, `/readyz` says why). */
  clusters: ClusterConnections | undefined;
  /** Why there is no cluster. */
  noCluster?: unknown;
  /** The fix approval flow's identity and approvers; undefined: **Request fix** is not offered. */
  fixes: FixesProfile | undefined;
  /** The alerts configuration in effect; undefined: alerts are off. */
  alerts: AlertsConfig | undefined;
  /** More lines for the answer to `alerts on` (the sandbox's outage drill). */
  onAlertsOn?: () => string[];
  cards: CardLabel;
  /** Releases what the profile holds (after the bot stopped). */
  close(): Promise<void>;
}

export interface FixesProfile {
  /** Pull Doctor's Azure identity, and the Resource Manager it writes role assignments to. */
  credential: TokenCredential;
  resourceManagerEndpoint: string;
  approvers: ApproverCheck;
  /** Who can approve, in words, for the cards. */
  approversText: string;
  /** Approvers known by name, mentioned on approval cards when Teams does not list a conversation's members. */
  namedApprovers?: readonly KnownPerson[];
  /**
   * The sandbox only: approvers whose approval the approval card offers as one press ("Approve as Megan Bowen
   * (sandbox)"), because the Agents Playground plays one user. Never set from configuration.
   */
  standIns?: readonly KnownPerson[];
  /** Presses are not authenticated (local mode with LOCAL_MODE=true): every approval is logged as a warning. */
  unauthenticated: boolean;
}

/** Timing and limits tests change; production uses the defaults. */
export interface Tuning {
  alerts?: AlertsTuning;
  fixes?: FixApprovalsTuning;
  /** How long a readiness report answers `/readyz` (default: READINESS_CACHE_MS of src/server/bot-server.ts). */
  readinessCacheMs?: number;
  /** How often expired card actions are deleted from the store. Default: hourly. */
  cardActionSweepMs?: number;
  diagnosisLimits?: DiagnosisLimits;
}

export interface ComposeOptions {
  config: Config;
  /** The process environment (HOME, KUBECONFIG, KUBERNETES_SERVICE_HOST) for finding the kubeconfig. */
  env: Env;
  log: Logger;
  /** What to run on instead of the configured clusters, identity and approvers (the sandbox's); closed on failure. */
  profile?: Profile | undefined;
  /**
   * The Azure identity, instead of the one AZURE_CREDENTIAL names (tests: an explicit test credential, so that no
   * test ever reaches for a managed identity or the Azure CLI). `null`: none.
   */
  azureCredential?: TokenCredential | null | undefined;
  /** How the configured cluster's registries are reached (tests map them to local servers); default: the system's. */
  registryNetwork?: RegistryNetwork | undefined;
  /** What the bot diagnoses with, instead of the engine over the profile's clusters (tests: stored diagnoses). */
  diagnose?: Diagnose | undefined;
  tuning?: Tuning | undefined;
}

/** The whole bot, assembled: store, Teams, alerts, fixes and the HTTP server. */
export interface App {
  server: BotServer;
  store: Store;
  teams: TeamsTransport;
  /** Present when alerts are on: `alerts.start()` once the server listens. */
  alerts: Alerts | undefined;
  /** Present when the fix approval flow is wired in. */
  fixes: { approvals: FixApprovals; resumeNow(): Promise<ResumeReport> } | undefined;
  /** Graceful stop: the fix approvals, the server (turns and follow-ups, up to `timeoutMs`) and the alerts, then the store and the profile. */
  stop(timeoutMs: number): Promise<{ drained: boolean }>;
}

/**
 * The composition root: builds the bot from configuration and a profile, in the order each part needs the others —
 * the store, the Teams transport (adapter, sender, cards), the card action store, the fix approval flow and alerts
 * over them, the bot, and the HTTP server with its readiness probes. Call `server.listen()` next, then
 * `alerts?.start()`.
 */
export async function compose(options: ComposeOptions): Promise<App> {
  const { config, log, tuning = {} } = options;
  try {
    // Refuse a configuration that must not serve before opening anything.
    const problems = botStartProblems(config.bot);
    if (problems.length > 0) throw new ConfigError(problems);
    // The configured Azure identity (AZURE_CREDENTIAL): for the store, and for the configured profile.
    const credential = options.azureCredential !== undefined ? options.azureCredential : createAzureCredential(config.azure);
    const store = await createStore(config.store, { log, credential: credential ?? undefined });
    try {
      return assemble(
        options,
        options.profile ?? configuredProfile(config, options.env, log, credential, options.registryNetwork),
        store,
        tuning,
      );
    } catch (error) {
      await store.close();
      throw error;
    }
  } catch (error) {
    await options.profile?.close();
    throw error;
  }
}

function assemble(options: ComposeOptions, profile: Profile, store: Store, tuning: Tuning): App {
  const { config, log } = options;
  const { clusters } = profile;
  const teams = createTeamsTransport(config.bot.auth, profile.cards, log);
  const cardActions = new CardActionStore(store.documents);

  const fixes = profile.fixes && fixApprovals(profile.fixes, { config, store, teams, clusters, log, tuning: tuning.fixes });

  if (!clusters && profile.alerts) log.warn('ALERTS_ENABLED is set but there is no cluster to watch: alerts stay off');
  const alerts =
    clusters && profile.alerts
      ? new Alerts({
          config: profile.alerts,
          clusters,
          store: store.documents,
          channel: new TeamsAlertChannel({
            teams,
            cardActions,
            fixRequestsEnabled: fixes !== undefined,
            // Re-run checks goes through the bot's diagnosis, which knows the only cluster by its context names.
            diagnoserCluster: (name) => (clusters.fromClusterFile || clusters.names.includes(name) ? name : undefined),
            log,
          }),
          log,
          tuning: tuning.alerts,
        })
      : undefined;

  const bot = new PullDoctorBot({
    teams,
    diagnose: options.diagnose ?? (clusters && diagnoseOnClusters(clusters)),
    listFailing: clusters && failingPodsOnClusters(clusters),
    cardActions,
    fixes: fixes?.teams,
    alerts: alerts && new AlertsInTeams(alerts, profile.onAlertsOn),
    diagnosisLimits: tuning.diagnosisLimits,
    log,
  });
  const server = createBotServer({
    bot: config.bot,
    endpoint: createBotEndpoint({
      adapter: teams.adapter,
      bot,
      followUps: teams.followUps,
      auth: config.bot.auth,
      log: log.child({ component: 'teams' }),
    }),
    readinessProbes: readinessProbes({ store, clusters, noCluster: profile.noCluster }),
    readinessCacheMs: tuning.readinessCacheMs,
    rawPostRoutes: alerts ? [{ path: '/api/alerts', ...alerts.webhook }] : [],
    log,
  });

  fixes?.resumer.start();
  const sweep = () =>
    cardActions.deleteExpired().then(
      (deleted) => deleted > 0 && log.info('expired card actions deleted', { deleted }),
      (error: unknown) => log.warn('could not delete expired card actions', { error }),
    );
  void sweep();
  const sweeper = setInterval(() => void sweep(), tuning.cardActionSweepMs ?? 3_600_000);
  sweeper.unref();

  return {
    server,
    store,
    teams,
    alerts,
    fixes: fixes && { approvals: fixes.approvals, resumeNow: () => fixes.resumer.resumeNow() },
    async stop(timeoutMs) {
      clearInterval(sweeper);
      await fixes?.resumer.stop();
      const [result] = await Promise.all([server.shutdown(timeoutMs), alerts?.stop()]);
      await store.close();
      await profile.close();
      return result;
    },
  };
}

/** The fix approval flow over the profile's identity, its Teams side, and the periodic resume that updates its cards. */
function fixApprovals(
  profile: FixesProfile,
  parts: {
    config: Config;
    store: Store;
    teams: TeamsTransport;
    clusters: ClusterConnections | undefined;
    log: Logger;
    tuning: FixApprovalsTuning | undefined;
  },
) {
  const log = parts.log.child({ component: 'fix-approvals' });
  const approvals = assembleFixApprovals({
    store: parts.store,
    credential: profile.credential,
    resourceManagerEndpoint: profile.resourceManagerEndpoint,
    approvers: profile.approvers,
    clusters: parts.clusters,
    requestTtlMs: parts.config.approvals.fixRequestTtlMs,
    log,
    tuning: parts.tuning,
  });
  const teams = new TeamsFixApprovals({
    approvals,
    documents: parts.store.documents,
    teams: parts.teams,
    approvers: { text: profile.approversText, check: profile.approvers, named: profile.namedApprovers },
    standIns: profile.standIns,
    unauthenticated: profile.unauthenticated,
    now: parts.tuning?.now,
  });
  const resumer = new ResumeLoop({
    resume: () => approvals.resumeInterrupted(),
    onReport: (report) => teams.refreshCards(report, log),
    everyMs: parts.tuning?.resumeEveryMs,
    log,
  });
  return { approvals, teams, resumer };
}

/**
 * The profile configuration describes: the configured clusters (the cluster file, else the kubeconfig; none when
 * there is no usable one), AZURE_CREDENTIAL and APPROVERS / APPROVER_GROUP_ID for fixes, ALERTS_ENABLED. Refuses
 * (ConfigError) unauthenticated local mode on real credentials with approvers unless LOCAL_MODE=true.
 */
export function configuredProfile(
  config: Config,
  env: Env,
  log: Logger,
  credential: TokenCredential | null,
  registryNetwork?: RegistryNetwork,
): Profile {
  let clusters: ClusterConnections | undefined;
  let noCluster: unknown;
  try {
    clusters = configuredClusters(config, env, log, { azureCredential: credential, registryNetwork });
    log.info('diagnosing the configured cluster', { cluster: clusters.names[0], azureCredential: config.azure.credential });
  } catch (error) {
    log.warn('no cluster to diagnose: diagnoses will say so', { reason: describeError(error).message });
    noCluster = error;
  }
  checkLocalMode(config, { cluster: clusters?.names[0], credential: credential !== null }, log);
  return {
    clusters,
    noCluster,
    fixes: configuredFixes(config, credential, log.child({ component: 'fix-approvals' })),
    alerts: config.alerts.enabled ? config.alerts : undefined,
    cards: { sandbox: false, samplePods: [] },
    close: async () => {},
  };
}

/**
 * Unauthenticated local mode on real credentials with approvers: refused (ConfigError) unless LOCAL_MODE=true, and
 * then warned about.
 */
function checkLocalMode(config: Config, real: { cluster: string | undefined; credential: boolean }, log: Logger): void {
  if (config.bot.auth.mode !== 'local') return;
  const credentials: string[] = [];
  if (real.cluster !== undefined) credentials.push(`the cluster ${real.cluster}`);
  if (real.credential) credentials.push(`an Azure identity (AZURE_CREDENTIAL=${config.azure.credential})`);
  const approvers: string[] = [];
  if (config.approvals.approvers.length > 0) approvers.push('APPROVERS');
  if (config.approvals.approverGroupId !== undefined) approvers.push('APPROVER_GROUP_ID');
  const problems = localModeProblems(config.bot, { credentials, approvers });
  if (problems.length > 0) throw new ConfigError(problems);
  if (config.bot.localModeAcknowledged) {
    log.warn(
      'LOCAL_MODE=true: requests are not authenticated; any process on this machine can act as any Teams user (every approval is logged)',
      {
        credentials,
        approvers,
      },
    );
  }
}

/** The configured identity and ARM endpoint; APPROVERS, and APPROVER_GROUP_ID through Microsoft Graph. */
function configuredFixes(config: Config, credential: TokenCredential | null, log: Logger): FixesProfile | undefined {
  const reasons: string[] = [];
  if (credential === null) reasons.push('no Azure credential is configured (AZURE_CREDENTIAL), so Pull Doctor cannot grant roles');
  if (!approvalsEnabled(config.approvals))
    reasons.push('no approvers are configured (APPROVERS or APPROVER_GROUP_ID), so nobody could approve');
  if (credential === null || reasons.length > 0) {
    log.warn(`fix requests are not offered: ${reasons.join('; ')}`, { reasons });
    return undefined;
  }
  const { approvers, approverGroupId, graphEndpoint } = config.approvals;
  const graph = approverGroupId === undefined ? undefined : createGraphClient({ credential, baseUrl: graphEndpoint, log });
  const resourceManagerEndpoint = config.azure.resourceManagerEndpoint;
  log.info('fix approvals enabled', {
    approvers: approvers.length,
    approverGroup: approverGroupId ?? null,
    resourceManager: resourceManagerEndpoint,
  });
  const listed = approvers.length === 0 ? '' : `${approvers.length} ${approvers.length === 1 ? 'person' : 'people'} listed in APPROVERS`;
  const group = approverGroupId === undefined ? '' : 'members of the approver group';
  return {
    credential,
    resourceManagerEndpoint,
    approvers: createApproverCheck({ approvers, approverGroupId }, { graph, log }),
    approversText: [listed, group].filter((t) => t !== '').join(' and '),
    unauthenticated: config.bot.auth.mode === 'local',
  };
}
