import { EnvReader, type Env } from './env-reader.js';
import { isGuid } from '../clients/azure/resource-id.js';
import { PullDoctorError } from '../errors/index.js';
import type { LogLevel } from '../logging/index.js';
import { STORE_KEYS, parseStoreConfig, type StoreConfig } from './store.js';
import { BOT_KEYS, parseBotConfig, type BotConfig } from './bot.js';
import { ALERT_KEYS, parseAlertsConfig, type AlertsConfig } from './alerts.js';

export const KUBERNETES_KEYS = ['KUBECONFIG', 'KUBE_CONTEXT'] as const;

export interface KubernetesConfig {
  /** Path(s) of kubeconfig files (`KUBECONFIG`, colon-separated); undefined means the default path or in-cluster. */
  kubeconfig?: string;
  /** Context to use instead of the kubeconfig's current context. */
  context?: string;
}

export function parseKubernetesConfig(r: EnvReader): KubernetesConfig {
  const out: KubernetesConfig = {};
  const kubeconfig = r.string('KUBECONFIG');
  if (kubeconfig !== undefined) out.kubeconfig = kubeconfig;
  const context = r.string('KUBE_CONTEXT');
  if (context !== undefined) out.context = context;
  return out;
}

export const AZURE_CREDENTIAL_KINDS = ['cli', 'managed-identity', 'workload-identity', 'environment', 'default', 'none'] as const;
export type AzureCredentialKind = (typeof AZURE_CREDENTIAL_KINDS)[number];

export const AZURE_KEYS = [
  'AZURE_CREDENTIAL',
  'AZURE_RESOURCE_MANAGER_ENDPOINT',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_AUTHORITY_HOST',
] as const;

export interface AzureConfig {
  /**
   * Which credential to use. Chosen explicitly so that no code path silently falls back to the instance
   * metadata endpoint; `none` (the default when nothing is set) skips the Azure checks with a reason.
   */
  credential: AzureCredentialKind;
  resourceManagerEndpoint: string;
  subscriptionId?: string;
  tenantId?: string;
  /** Client id of a user-assigned managed identity / workload identity app. */
  clientId?: string;
  authorityHost?: string;
}

export function parseAzureConfig(r: EnvReader): AzureConfig {
  const out: AzureConfig = {
    credential: r.enumeration('AZURE_CREDENTIAL', AZURE_CREDENTIAL_KINDS, 'none'),
    resourceManagerEndpoint: r.url('AZURE_RESOURCE_MANAGER_ENDPOINT', 'https://management.azure.com') ?? 'https://management.azure.com',
  };
  const subscriptionId = r.string('AZURE_SUBSCRIPTION_ID');
  if (subscriptionId !== undefined) {
    if (isGuid(subscriptionId)) out.subscriptionId = subscriptionId.toLowerCase();
    else r.problem(`AZURE_SUBSCRIPTION_ID must be a GUID (got "${subscriptionId}")`);
  }
  const tenantId = r.string('AZURE_TENANT_ID');
  if (tenantId !== undefined) out.tenantId = tenantId;
  const clientId = r.string('AZURE_CLIENT_ID');
  if (clientId !== undefined) {
    if (isGuid(clientId)) out.clientId = clientId;
    else r.problem(`AZURE_CLIENT_ID must be a GUID (got "${clientId}")`);
  }
  const authorityHost = r.url('AZURE_AUTHORITY_HOST');
  if (authorityHost !== undefined) out.authorityHost = authorityHost;
  return out;
}

export const LOGGING_KEYS = ['LOG_LEVEL'] as const;

export interface LoggingConfig {
  level: LogLevel;
}

export function parseLoggingConfig(r: EnvReader): LoggingConfig {
  return { level: r.enumeration('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info') };
}

export const CLUSTERS_KEYS = ['PULLDOCTOR_CONFIG'] as const;

export interface ClustersConfig {
  /** Path of the multi-cluster file (YAML or JSON); without it, the one cluster of the kubeconfig. */
  configFile?: string;
}

export function parseClustersConfig(r: EnvReader): ClustersConfig {
  const configFile = r.string('PULLDOCTOR_CONFIG');
  return configFile === undefined ? {} : { configFile };
}

export const APPROVALS_KEYS = ['APPROVERS', 'APPROVER_GROUP_ID', 'FIX_REQUEST_TTL', 'GRAPH_ENDPOINT'] as const;

export const DEFAULT_FIX_REQUEST_TTL_MS = 60 * 60_000;
export const DEFAULT_GRAPH_ENDPOINT = 'https://graph.microsoft.com';
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 7 * 24 * 60 * 60_000;

/** Who may approve a fix, and for how long a request waits for them. */
export interface ApprovalsConfig {
  /** Entra object ids (lowercase GUIDs) of the people who may approve or reject a fix. */
  approvers: string[];
  /** Entra object id of a group whose members (transitively) may also approve; checked through Microsoft Graph. */
  approverGroupId?: string | undefined;
  /** How long a fix request stays open for a decision (FIX_REQUEST_TTL, default 60 minutes). */
  fixRequestTtlMs: number;
  /** Microsoft Graph base URL, without a trailing slash (a sovereign cloud's, or a fake's in tests). */
  graphEndpoint: string;
}

export function parseApprovalsConfig(r: EnvReader): ApprovalsConfig {
  const approvers: string[] = [];
  for (const id of r.list('APPROVERS')) {
    if (!isGuid(id)) r.problem(`APPROVERS must list Entra object ids (GUIDs), comma-separated (got "${id}")`);
    else if (!approvers.includes(id.toLowerCase())) approvers.push(id.toLowerCase());
  }
  const out: ApprovalsConfig = {
    approvers,
    fixRequestTtlMs: r.durationMs('FIX_REQUEST_TTL', DEFAULT_FIX_REQUEST_TTL_MS),
    graphEndpoint: r.url('GRAPH_ENDPOINT', DEFAULT_GRAPH_ENDPOINT) ?? DEFAULT_GRAPH_ENDPOINT,
  };
  if (out.fixRequestTtlMs < MIN_TTL_MS || out.fixRequestTtlMs > MAX_TTL_MS) {
    r.problem(`FIX_REQUEST_TTL must be between 1m and 7d (got ${r.string('FIX_REQUEST_TTL')})`);
    out.fixRequestTtlMs = DEFAULT_FIX_REQUEST_TTL_MS;
  }
  const group = r.string('APPROVER_GROUP_ID');
  if (group !== undefined) {
    if (isGuid(group)) out.approverGroupId = group.toLowerCase();
    else r.problem(`APPROVER_GROUP_ID must be the object id (a GUID) of an Entra group (got "${group}")`);
  }
  return out;
}

/** Whether anyone at all can approve: without approvers or a group, every decision is refused. */
export function approvalsEnabled(config: ApprovalsConfig): boolean {
  return config.approvers.length > 0 || config.approverGroupId !== undefined;
}

/**
 * The whole configuration, parsed once at start-up from an env object. Each concern has its section: the small
 * ones below (Kubernetes, Azure, logging, clusters, approvals), the larger ones in their own files (bot.ts,
 * store.ts, alerts.ts); each declares the keys it reads and is registered here.
 */
export interface Config {
  kubernetes: KubernetesConfig;
  azure: AzureConfig;
  logging: LoggingConfig;
  store: StoreConfig;
  bot: BotConfig;
  clusters: ClustersConfig;
  approvals: ApprovalsConfig;
  alerts: AlertsConfig;
}

/** Every environment key the product reads. Infra templates are checked against this list. */
export const CONFIG_KEYS: readonly string[] = [
  ...KUBERNETES_KEYS,
  ...AZURE_KEYS,
  ...LOGGING_KEYS,
  ...STORE_KEYS,
  ...BOT_KEYS,
  ...CLUSTERS_KEYS,
  ...APPROVALS_KEYS,
  ...ALERT_KEYS,
];

export class ConfigError extends PullDoctorError {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export function parseConfig(env: Env): Config {
  const r = new EnvReader(env, new Set(CONFIG_KEYS));
  const config: Config = {
    kubernetes: parseKubernetesConfig(r),
    azure: parseAzureConfig(r),
    logging: parseLoggingConfig(r),
    store: parseStoreConfig(r),
    bot: parseBotConfig(r),
    clusters: parseClustersConfig(r),
    approvals: parseApprovalsConfig(r),
    alerts: parseAlertsConfig(r),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
