import type { TokenCredential } from '@azure/identity';
import { CHAT_COMMANDS, parseChatCommand } from '../chat/index.js';
import { createAzureCredential } from '../clients/azure/create-azure-credential.js';
import { botStartProblems, ConfigError, localModeProblems, type Config, type Env } from '../config/index.js';
import { describeError } from '../errors/index.js';
import type { RegistryNetwork } from '../clients/registry/registry-client.js';
import type { Logger } from '../logging/index.js';
import { startSandboxWorld, type SandboxWorld } from '../sandbox/sandbox-world.js';
import { SANDBOX_NAMESPACE } from '../sandbox/sandbox-scenarios.js';
import { createBotServer, type BotServer } from '../server/bot-server.js';
import { createStore, type Store } from '../store/index.js';
import type { AlertCommandHandler } from '../teams/alert-command-handler.js';
import type { ConversationInstallListener } from '../teams/conversation-install-listener.js';
import { createTeamsBot, type TeamsBot } from '../teams/create-teams-bot.js';
import type { FixRequestHandler } from '../teams/fix-request-handler.js';
import { StoreCardActionStore } from '../teams/store-card-action-store.js';
import { createAlertsWiring, type AlertsTuning, type AlertsWiring } from './alerts-wiring.js';
import type { ClusterConnections } from './cluster-connections.js';
import { configuredCluster } from './configured-cluster.js';
import { EngineDiagnoser } from './engine-diagnoser.js';
import { wireFixApprovals, type FixApprovalsTuning, type FixApprovalsWiring } from './fix-approvals-wiring.js';
import { readinessProbes } from './readiness-probes.js';
import { sandboxCluster } from './sandbox-cluster.js';

export interface BotApplicationOptions {
  config: Config;
  /** The process environment (HOME, KUBECONFIG, KUBERNETES_SERVICE_HOST) for finding the kubeconfig. */
  env: Env;
  log: Logger;
  /**
   * Run on the bundled sandbox: its fake servers (in this process) serve this certificate, which must be signed by a
   * CA this process trusts (NODE_EXTRA_CA_CERTS: the Azure SDK trusts nothing else).
   */
  sandboxTls?: { cert: string; key: string; ca: string };
  /**
   * Extension point for the approval flow (Request fix). By default the fix approval flow of src/fixes is wired in
   * (fix-approvals-wiring.ts) when it can work: an Azure credential and approvers (sandbox: its own).
   */
  fixRequests?: FixRequestHandler;
  /** Clocks and the resume period of the default fix approval flow (tests). */
  fixApprovalsTuning?: FixApprovalsTuning;
  /** Extension points for alerts. */
  alerts?: AlertCommandHandler;
  conversations?: ConversationInstallListener;
  /** How long a readiness report answers `/readyz` (default: READINESS_CACHE_MS of src/server/bot-server.ts). */
  readinessCacheMs?: number;
  /** How often expired card actions are deleted from the store. Default: hourly. */
  cardActionSweepMs?: number;
  /** Timing of proactive alerts (tests: a manual clock, a short lease). */
  alertTuning?: AlertsTuning;
  /** How the configured cluster's registries are reached (tests map them to local servers); default: the system's. */
  registryNetwork?: RegistryNetwork;
  /**
   * The Azure identity, instead of the one AZURE_CREDENTIAL names (tests: an explicit test credential, so that no
   * test ever reaches for a managed identity or the Azure CLI). `null`: none.
   */
  azureCredential?: TokenCredential | null;
}

/** The whole bot, assembled: store, cluster clients, Teams bot, HTTP server. */
export interface BotApplication {
  server: BotServer;
  teams: TeamsBot;
  store: Store;
  /** Present in sandbox mode. */
  sandbox?: SandboxWorld;
  /** Present when alerts are on (ALERTS_ENABLED, or the sandbox): call `alerts.start()` once the server listens. */
  alerts?: AlertsWiring;
  /** The fix approval flow, when it is wired in (not when `fixRequests` was given, nor without credential or approvers). */
  fixApprovals?: FixApprovalsWiring;
  /** Graceful stop: the fix approvals, the server (turns and follow-ups, up to `timeoutMs`) and the alerts, then the store and the sandbox. */
  stop(timeoutMs: number): Promise<{ drained: boolean }>;
}

/** The cluster to diagnose, or why there is none (then diagnoses say "no cluster is configured"). */
function clusterOf(options: BotApplicationOptions, world: SandboxWorld | undefined, credential: TokenCredential | null): { clusters?: ClusterConnections; noCluster?: unknown } {
  const { config, env, log } = options;
  if (world) return { clusters: sandboxCluster(world, config, log) };
  try {
    const clusters = configuredCluster(config, env, log, { azureCredential: credential, ...(options.registryNetwork ? { registryNetwork: options.registryNetwork } : {}) });
    log.info('diagnosing the configured cluster', { cluster: clusters.names[0], azureCredential: config.azure.credential });
    return { clusters };
  } catch (error) {
    log.warn('no cluster to diagnose: diagnoses will say so', { reason: describeError(error).message });
    return { noCluster: error };
  }
}

/**
 * Unauthenticated local mode on real credentials with approvers: refused (ConfigError) unless LOCAL_MODE=true, and
 * then warned about. Not for the bundled sandbox, whose credentials and approvers are its own.
 */
function checkLocalMode(config: Config, real: { cluster: string | undefined; credential: boolean }, log: Logger): void {
  if (config.bot.auth.mode !== 'local') return;
  const credentials = [
    ...(real.cluster !== undefined ? [`the cluster ${real.cluster}`] : []),
    ...(real.credential ? [`an Azure identity (AZURE_CREDENTIAL=${config.azure.credential})`] : []),
  ];
  const approvers = [...(config.approvals.approvers.length > 0 ? ['APPROVERS'] : []), ...(config.approvals.approverGroupId !== undefined ? ['APPROVER_GROUP_ID'] : [])];
  const problems = localModeProblems(config.bot, { credentials, approvers });
  if (problems.length > 0) throw new ConfigError(problems);
  if (config.bot.localModeAcknowledged) {
    log.warn('LOCAL_MODE=true: requests are not authenticated; any process on this machine can act as any Teams user (every approval is logged)', { credentials, approvers });
  }
}

/**
 * Builds the bot from configuration: the store (card actions live there: buttons survive restarts and work on every
 * replica), the cluster's clients (once, for the life of the process), the Teams bot on the real chat grammar, and
 * the HTTP server with its readiness probes. In sandbox mode it starts the sandbox world first and labels every
 * card "Sandbox". Call `server.listen()` next.
 */
export async function startBotApplication(options: BotApplicationOptions): Promise<BotApplication> {
  const { config, log } = options;
  // Refuse a configuration that must not serve before opening anything.
  const problems = botStartProblems(config.bot);
  if (problems.length > 0) throw new ConfigError(problems);
  // The configured Azure identity (AZURE_CREDENTIAL): for the store and the configured cluster. The sandbox's
  // cluster uses the sandbox identity instead.
  const credential = options.azureCredential !== undefined ? options.azureCredential : createAzureCredential(config.azure);
  const store = await createStore(config.store, { log, ...(credential ? { credential } : {}) });
  let world: SandboxWorld | undefined;
  try {
    if (options.sandboxTls) {
      world = await startSandboxWorld({ tls: options.sandboxTls });
      log.info('sandbox started', { kubernetes: world.kube.url, resourceManager: world.arm.url, pods: world.scenarios.length });
    }
    const { clusters, noCluster } = clusterOf(options, world, credential);
    if (!world) checkLocalMode(config, { cluster: clusters?.names[0], credential: credential !== null }, log);
    const cardActions = new StoreCardActionStore(store.documents);
    const fixApprovals = options.fixRequests
      ? undefined
      : wireFixApprovals({ config, store, credential, ...(clusters ? { clusters } : {}), ...(world ? { sandbox: world } : {}), log, ...(options.fixApprovalsTuning ? { tuning: options.fixApprovalsTuning } : {}) });
    const fixRequests = options.fixRequests ?? fixApprovals?.handler;
    const alerts = clusters
      ? createAlertsWiring({
          config,
          clusters,
          ...(world ? { sandbox: world } : {}),
          store: store.documents,
          cardActions,
          fixRequestsEnabled: fixRequests !== undefined,
          log,
          ...(options.alertTuning ? { tuning: options.alertTuning } : {}),
        })
      : undefined;
    if (!clusters && config.alerts.enabled) log.warn('ALERTS_ENABLED is set but there is no cluster to watch: alerts stay off');
    // Handlers given by the caller win over the alerts' own.
    const alertCommands = options.alerts ?? alerts?.commands;
    const installListener = options.conversations ?? alerts?.conversations;
    const teams = createTeamsBot({
      auth: config.bot.auth,
      ...(clusters ? { diagnoser: new EngineDiagnoser(clusters) } : {}),
      parseCommand: parseChatCommand,
      commands: CHAT_COMMANDS,
      cardActions,
      ...(fixRequests ? { fixRequests } : {}),
      ...(alertCommands ? { alerts: alertCommands } : {}),
      ...(installListener ? { conversations: installListener } : {}),
      ...(world
        ? { sandbox: true, samplePods: world.scenarios.map((s) => ({ pod: s.pod, namespace: s.namespace, title: s.title })), defaultNamespace: SANDBOX_NAMESPACE }
        : {}),
      log,
    });
    alerts?.attach(teams);
    const server = createBotServer({
      bot: config.bot,
      endpoint: teams.endpoint,
      readinessProbes: readinessProbes({ store, clusters, noCluster }),
      ...(options.readinessCacheMs !== undefined ? { readinessCacheMs: options.readinessCacheMs } : {}),
      ...(alerts ? { rawPostRoutes: [alerts.route] } : {}),
      log,
    });
    fixApprovals?.start(teams);

    const sweep = () =>
      cardActions.deleteExpired().then(
        (deleted) => deleted > 0 && log.info('expired card actions deleted', { deleted }),
        (error: unknown) => log.warn('could not delete expired card actions', { error }),
      );
    void sweep();
    const sweeper = setInterval(() => void sweep(), options.cardActionSweepMs ?? 3_600_000);
    sweeper.unref();

    return {
      server,
      teams,
      store,
      ...(world ? { sandbox: world } : {}),
      ...(alerts ? { alerts } : {}),
      ...(fixApprovals ? { fixApprovals } : {}),
      async stop(timeoutMs) {
        clearInterval(sweeper);
        await fixApprovals?.stop();
        const [result] = await Promise.all([server.shutdown(timeoutMs), alerts?.stop()]);
        await store.close();
        await world?.close();
        return result;
      },
    };
  } catch (error) {
    await world?.close();
    await store.close();
    throw error;
  }
}
