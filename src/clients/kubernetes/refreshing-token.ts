/**
 * Turns a token source with expiry (an @azure/identity credential's getToken, for instance) into a TokenProvider
 * that serves the cached token and fetches a new one shortly before it expires. Concurrent callers share one fetch.
 */
import { PullDoctorError } from '../../errors/index.js';
import type { TokenProvider } from './kube-config-for-server.js';

export interface ExpiringToken {
  token: string;
  /** Milliseconds since the epoch, as in @azure/core-auth's AccessToken. */
  expiresOnTimestamp: number;
}

export interface RefreshingTokenOptions {
  /** Fetch a new token this long before the current one expires (default 5 minutes). */
  refreshBeforeMs?: number;
  now?: () => number;
}

export function refreshingToken(fetchToken: () => Promise<ExpiringToken | null>, options: RefreshingTokenOptions = {}): TokenProvider {
  const refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
  const now = options.now ?? (() => Date.now());
  let current: ExpiringToken | undefined;
  let inFlight: Promise<string> | undefined;

  const refresh = async (): Promise<string> => {
    const next = await fetchToken();
    if (!next || !next.token) throw new PullDoctorError('KUBE_UNAUTHORIZED', 'No token could be obtained for the Kubernetes API server.');
    current = next;
    return next.token;
  };

  return () => {
    if (current && now() < current.expiresOnTimestamp - refreshBeforeMs) return Promise.resolve(current.token);
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
