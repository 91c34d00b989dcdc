export { parseConfig, ConfigError, CONFIG_KEYS, type Config } from './config.js';
export { EnvReader, parseDurationMs, type Env } from './env-reader.js';
export type { AzureConfig, AzureCredentialKind } from './azure.js';
export type { KubernetesConfig } from './kubernetes.js';
export { botStartProblems, BOT_APP_TYPES, DEFAULT_BOT_PORT, type BotConfig, type BotAuth, type BotAppType } from './bot.js';
export type { ApprovalsConfig } from './approvals.js';
