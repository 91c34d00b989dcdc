import { EnvReader, type Env } from './env-reader.js';
import { PullDoctorError } from '../errors/index.js';
import { APPROVALS_KEYS, parseApprovalsConfig, type ApprovalsConfig } from './approvals.js';
import { AZURE_KEYS, parseAzureConfig, type AzureConfig } from './azure.js';
import { KUBERNETES_KEYS, parseKubernetesConfig, type KubernetesConfig } from './kubernetes.js';
import { LOGGING_KEYS, parseLoggingConfig, type LoggingConfig } from './logging.js';
import { STORE_KEYS, parseStoreConfig, type StoreConfig } from './store.js';
import { BOT_KEYS, parseBotConfig, type BotConfig } from './bot.js';
import { CLUSTERS_KEYS, parseClustersConfig, type ClustersConfig } from './clusters.js';
import { ALERT_KEYS, parseAlertsConfig, type AlertsConfig } from './alerts.js';

/**
 * The whole configuration, parsed once at start-up from an env object. Each concern has its own section file
 * that declares the keys it reads; add a section there and register it here.
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
