import type { Logger } from '../../logging/index.js';
import type { RegistryNetwork } from './registry-client.js';
import { httpsCall, type HttpsCall, type HttpsOutcome } from './https-request.js';

/** Sends HTTPS requests for the registry client and logs each one (method, host, path, status; never headers or query). */
export interface RegistryHttp {
  send(call: HttpsCall): Promise<HttpsOutcome>;
}

export const MAX_BODY_BYTES = 64 * 1024;

export function registryHttp(options: { network: RegistryNetwork; timeoutMs: number; log: Logger }): RegistryHttp {
  return {
    async send(call) {
      const started = Date.now();
      const outcome = await httpsCall(call, { network: options.network, timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES });
      const fields = { method: call.method, host: call.url.host, path: call.url.pathname, ms: Date.now() - started };
      if (outcome.ok) options.log.debug('registry request', { ...fields, status: outcome.answer.status, truncated: outcome.answer.truncated });
      else options.log.debug('registry request failed', { ...fields, kind: outcome.failure.kind, phase: outcome.failure.phase, code: outcome.failure.code });
      return outcome;
    },
  };
}
