export {
  parseConfig,
  ConfigError,
  CONFIG_KEYS,
  approvalsEnabled,
  type Config,
  type AzureConfig,
  type AzureCredentialKind,
  type KubernetesConfig,
  type ApprovalsConfig,
} from './config.js';
export { EnvReader, parseDurationMs, type Env } from './env-reader.js';
export { botStartProblems, localModeProblems, BOT_APP_TYPES, DEFAULT_BOT_PORT, type BotConfig, type BotAuth } from './bot.js';
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
