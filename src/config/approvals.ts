import { GUID, type EnvReader } from './env-reader.js';

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
  approverGroupId?: string;
  /** How long a fix request stays open for a decision (FIX_REQUEST_TTL, default 60 minutes). */
  fixRequestTtlMs: number;
  /** Microsoft Graph base URL, without a trailing slash (a sovereign cloud's, or a fake's in tests). */
  graphEndpoint: string;
}

export function parseApprovalsConfig(r: EnvReader): ApprovalsConfig {
  const approvers: string[] = [];
  for (const id of r.list('APPROVERS')) {
    if (!GUID.test(id)) r.problem(`APPROVERS must list Entra object ids (GUIDs), comma-separated (got "${id}")`);
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
    if (GUID.test(group)) out.approverGroupId = group.toLowerCase();
    else r.problem(`APPROVER_GROUP_ID must be the object id (a GUID) of an Entra group (got "${group}")`);
  }
  return out;
}

/** Whether anyone at all can approve: without approvers or a group, every decision is refused. */
export function approvalsEnabled(config: ApprovalsConfig): boolean {
  return config.approvers.length > 0 || config.approverGroupId !== undefined;
}
