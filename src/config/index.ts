export { parseConfig, ConfigError, CONFIG_KEYS, type Config } from './config.js';
export { EnvReader, parseDurationMs, type Env } from './env-reader.js';
export type { AzureConfig, AzureCredentialKind } from './azure.js';
export type { KubernetesConfig } from './kubernetes.js';
export { botStartProblems, localModeProblems, BOT_APP_TYPES, DEFAULT_BOT_PORT, type BotConfig, type BotAuth, type BotAppType } from './bot.js';
export type { ApprovalsConfig } from './approvals.js';
export { SecretValue } from './store.js';
export { parseAlertRoutes, conversationsForRoute, type AlertRoute, type AlertRoutesParse } from './alert-routes.js';
export {
  DEFAULT_ALERT_FLOOD_THRESHOLD,
  DEFAULT_ALERT_GRACE_PERIOD_MS,
  DEFAULT_ALERT_QUIET_WINDOW_MS,
  DEFAULT_LEASE_NAME,
  type AlertsConfig,
  type LeaderElectionConfig,
} from './alerts.js';
