import { GUID, type EnvReader } from './env-reader.js';

/**
 * The Teams bot's identity and listener. Key names are the Bot Framework's own (`MicrosoftAppId`, ...), so that an
 * Azure Bot resource's settings can be pasted as they are.
 *
 * App types: `SingleTenant` (an Entra app registration with a client secret in `MicrosoftAppPassword`) and
 * `UserAssignedMsi` (a user-assigned managed identity, no secret; recommended on Azure). `MultiTenant` is refused:
 * Azure Bot Service stopped creating multi-tenant bots on 31 July 2025, and a new deployment should not start on a
 * deprecated identity type.
 *
 * Without `MicrosoftAppId` the bot runs in local mode: inbound requests are not authenticated (for the Agents
 * Playground on this machine). `botStartProblems` refuses that when `NODE_ENV=production`.
 */
export const BOT_KEYS = ['MicrosoftAppId', 'MicrosoftAppType', 'MicrosoftAppTenantId', 'MicrosoftAppPassword', 'PORT', 'NODE_ENV'] as const;

export const BOT_APP_TYPES = ['SingleTenant', 'UserAssignedMsi'] as const;
export type BotAppType = (typeof BOT_APP_TYPES)[number];

export type BotAuth =
  | { mode: 'local' }
  | { mode: 'SingleTenant'; appId: string; tenantId: string; password: string }
  | { mode: 'UserAssignedMsi'; appId: string; tenantId: string };

export interface BotConfig {
  auth: BotAuth;
  port: number;
  /** `NODE_ENV`, lower-cased; `development` when unset. */
  environment: string;
}

export const DEFAULT_BOT_PORT = 3978;

export function parseBotConfig(r: EnvReader): BotConfig {
  const port = r.integer('PORT', DEFAULT_BOT_PORT, { min: 0, max: 65535 });
  const environment = r.string('NODE_ENV', 'development').toLowerCase();
  const appId = r.string('MicrosoftAppId');
  const rawType = r.string('MicrosoftAppType');
  const tenantId = r.string('MicrosoftAppTenantId');
  const password = r.string('MicrosoftAppPassword');

  if (appId === undefined) {
    const stray = [rawType && 'MicrosoftAppType', tenantId && 'MicrosoftAppTenantId', password && 'MicrosoftAppPassword'].filter(Boolean);
    if (stray.length > 0) r.problem(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but MicrosoftAppId is not: set MicrosoftAppId too, or unset them for local mode`);
    return { auth: { mode: 'local' }, port, environment };
  }

  if (!GUID.test(appId)) r.problem(`MicrosoftAppId must be a GUID (got "${appId}")`);
  if (tenantId === undefined) r.problem('MicrosoftAppTenantId is required when MicrosoftAppId is set (the tenant of the bot identity)');
  else if (!GUID.test(tenantId)) r.problem(`MicrosoftAppTenantId must be a GUID (got "${tenantId}")`);

  if (rawType !== undefined && rawType.toLowerCase() === 'multitenant') {
    r.problem('MicrosoftAppType=MultiTenant is not supported: Azure Bot Service no longer creates multi-tenant bots (deprecated 31 July 2025). Use UserAssignedMsi or SingleTenant');
    return { auth: { mode: 'local' }, port, environment };
  }
  if (rawType === undefined) {
    r.problem('MicrosoftAppType is required when MicrosoftAppId is set: UserAssignedMsi or SingleTenant');
    return { auth: { mode: 'local' }, port, environment };
  }
  const type = r.enumeration('MicrosoftAppType', BOT_APP_TYPES);
  if (type === undefined) return { auth: { mode: 'local' }, port, environment };

  if (type === 'UserAssignedMsi') {
    if (password !== undefined) r.problem('MicrosoftAppPassword must not be set with MicrosoftAppType=UserAssignedMsi (a managed identity has no secret)');
    return { auth: { mode: 'UserAssignedMsi', appId, tenantId: tenantId ?? '' }, port, environment };
  }
  if (password === undefined) r.problem('MicrosoftAppPassword (the client secret) is required with MicrosoftAppType=SingleTenant');
  return { auth: { mode: 'SingleTenant', appId, tenantId: tenantId ?? '', password: password ?? '' }, port, environment };
}

/** Problems that forbid serving Teams with this configuration (fail closed), as one message each. */
export function botStartProblems(bot: BotConfig): string[] {
  if (bot.auth.mode === 'local' && bot.environment === 'production') {
    return [
      'MicrosoftAppId is not set but NODE_ENV=production: the bot would accept unauthenticated requests. ' +
        'Set MicrosoftAppId, MicrosoftAppType and MicrosoftAppTenantId, or unset NODE_ENV for local development',
    ];
  }
  return [];
}
