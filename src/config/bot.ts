import { type EnvReader } from './env-reader.js';
import { isGuid } from '../clients/azure/resource-id.js';

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
 * Playground on this machine). `botStartProblems` refuses that when `NODE_ENV=production`; `localModeProblems` when
 * real credentials and approvers are configured, unless `LOCAL_MODE=true` says it is meant.
 */
export const BOT_KEYS = [
  'MicrosoftAppId',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'MicrosoftAppPassword',
  'PORT',
  'NODE_ENV',
  'LOCAL_MODE',
] as const;

export const BOT_APP_TYPES = ['SingleTenant', 'UserAssignedMsi'] as const;

export type BotAuth =
  | { mode: 'local' }
  | { mode: 'SingleTenant'; appId: string; tenantId: string; password: string }
  | { mode: 'UserAssignedMsi'; appId: string; tenantId: string };

export interface BotConfig {
  auth: BotAuth;
  port: number;
  /** `NODE_ENV`, lower-cased; `development` when unset. */
  environment: string;
  /** `LOCAL_MODE=true`: local mode with real credentials and approvers is meant (warned about at start and on every approval). */
  localModeAcknowledged: boolean;
}

export const DEFAULT_BOT_PORT = 3978;

export function parseBotConfig(r: EnvReader): BotConfig {
  const port = r.integer('PORT', DEFAULT_BOT_PORT, { min: 0, max: 65535 });
  const environment = r.string('NODE_ENV', 'development').toLowerCase();
  const appId = r.string('MicrosoftAppId');
  const rawType = r.string('MicrosoftAppType');
  const tenantId = r.string('MicrosoftAppTenantId');
  const password = r.string('MicrosoftAppPassword');
  const localModeAcknowledged = r.boolean('LOCAL_MODE', false);
  const common = { port, environment, localModeAcknowledged };

  if (appId === undefined) {
    const stray = [rawType && 'MicrosoftAppType', tenantId && 'MicrosoftAppTenantId', password && 'MicrosoftAppPassword'].filter(Boolean);
    if (stray.length > 0)
      r.problem(
        `${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but MicrosoftAppId is not: set MicrosoftAppId too, or unset them for local mode`,
      );
    return { auth: { mode: 'local' }, ...common };
  }
  if (localModeAcknowledged)
    r.problem(
      'LOCAL_MODE=true but MicrosoftAppId is set, so requests are authenticated: unset LOCAL_MODE (or MicrosoftAppId, for local mode)',
    );

  if (!isGuid(appId)) r.problem(`MicrosoftAppId must be a GUID (got "${appId}")`);
  if (tenantId === undefined) r.problem('MicrosoftAppTenantId is required when MicrosoftAppId is set (the tenant of the bot identity)');
  else if (!isGuid(tenantId)) r.problem(`MicrosoftAppTenantId must be a GUID (got "${tenantId}")`);

  if (rawType !== undefined && rawType.toLowerCase() === 'multitenant') {
    r.problem(
      'MicrosoftAppType=MultiTenant is not supported: Azure Bot Service no longer creates multi-tenant bots (deprecated 31 July 2025). Use UserAssignedMsi or SingleTenant',
    );
    return { auth: { mode: 'local' }, ...common };
  }
  if (rawType === undefined) {
    r.problem('MicrosoftAppType is required when MicrosoftAppId is set: UserAssignedMsi or SingleTenant');
    return { auth: { mode: 'local' }, ...common };
  }
  const type = r.enumeration('MicrosoftAppType', BOT_APP_TYPES);
  if (type === undefined) return { auth: { mode: 'local' }, ...common };

  if (type === 'UserAssignedMsi') {
    if (password !== undefined)
      r.problem('MicrosoftAppPassword must not be set with MicrosoftAppType=UserAssignedMsi (a managed identity has no secret)');
    return { auth: { mode: 'UserAssignedMsi', appId, tenantId: tenantId ?? '' }, ...common };
  }
  if (password === undefined) r.problem('MicrosoftAppPassword (the client secret) is required with MicrosoftAppType=SingleTenant');
  return { auth: { mode: 'SingleTenant', appId, tenantId: tenantId ?? '', password: password ?? '' }, ...common };
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

/**
 * Problems with unauthenticated local mode outside the bundled sandbox: with real credentials (`credentials`, e.g. a
 * cluster to diagnose, an Azure identity) and approvers (`approvers`) configured, any process on this machine could
 * approve a fix as anyone, by writing an approver's object id in `from.aadObjectId`. Refused unless LOCAL_MODE=true.
 */
export function localModeProblems(bot: BotConfig, real: { credentials: readonly string[]; approvers: readonly string[] }): string[] {
  if (bot.auth.mode !== 'local' || bot.localModeAcknowledged || real.credentials.length === 0 || real.approvers.length === 0) return [];
  return [
    `MicrosoftAppId is not set, so requests are not authenticated (local mode), but real credentials (${real.credentials.join(', ')}) and ` +
      `approvers (${real.approvers.join(', ')}) are configured: any process on this machine could approve a fix as anyone. ` +
      'Set MicrosoftAppId, MicrosoftAppType and MicrosoftAppTenantId to authenticate requests, or set LOCAL_MODE=true to run ' +
      'unauthenticated on purpose (it is then logged at start and on every approval)',
  ];
}
