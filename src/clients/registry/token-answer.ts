import type { AuthStep, AuthUsed, ManifestResult } from './registry-client.js';
import type { HttpsAnswer } from './https-request.js';
import { parseRegistryErrors } from './registry-errors.js';

/** The result for a registry or token-endpoint answer that refused us (any non-success status). */
export function refusal(answer: HttpsAnswer, step: AuthStep, auth: AuthUsed, message?: string): ManifestResult {
  const errors = parseRegistryErrors(answer.body);
  const base = { status: answer.status, errors, step, auth, ...(message === undefined ? {} : { message }) };
  switch (answer.status) {
    case 401:
      return { outcome: 'unauthorized', ...base };
    case 403:
      return { outcome: 'forbidden', ...base };
    case 429: {
      const retryAfter = header(answer, 'retry-after');
      return { outcome: 'rate-limited', ...base, ...(retryAfter === undefined ? {} : { retryAfter: retryAfter.slice(0, 64) }) };
    }
    default:
      return { outcome: 'error', ...base, message: message ?? `${stepName(step)} answered HTTP ${answer.status}` };
  }
}

/** A failure we decided on ourselves (nothing was sent, or the answer made no sense). */
export function ownError(step: AuthStep, auth: AuthUsed, message: string, status = 0): ManifestResult {
  return { outcome: 'error', status, errors: [], step, auth, message };
}

export function header(answer: HttpsAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function stepName(step: AuthStep): string {
  return { registry: 'the registry', token: 'the token endpoint', exchange: 'the /oauth2/exchange endpoint' }[step];
}

/** Reads `{"token"}` / `{"access_token"}` (distribution token spec) or `{"refresh_token"}` (ACR exchange). */
export function tokenField(body: string, field: 'token' | 'refresh_token'): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const candidates = field === 'token' ? [record.token, record.access_token] : [record.refresh_token];
  return candidates.find((v): v is string => typeof v === 'string' && v.length > 0);
}
