import type { ContainerServiceClientOptionalParams } from '@azure/arm-containerservice';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../../logging/index.js';

/**
 * How hard to retry. The Azure SDK retries 429 and 5xx by itself (exponential back-off, or the server's
 * Retry-After for 429/503); these bounds keep a throttled or failing ARM from stalling a diagnosis, and let
 * tests make retries immediate.
 */
export interface AzureRetryOptions {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
  /** A longer Retry-After from the server is shortened to this before the SDK waits. */
  maxRetryAfterMs?: number;
}

export const DEFAULT_AZURE_RETRY: Required<AzureRetryOptions> = {
  maxRetries: 3,
  retryDelayInMs: 800,
  maxRetryDelayInMs: 8_000,
  maxRetryAfterMs: 10_000,
};

/** What every Azure client of ours is built from. */
export interface AzureClientOptions {
  credential: TokenCredential;
  /** ARM endpoint, e.g. https://management.azure.com (or the fake's URL). */
  endpoint: string;
  log?: Logger;
  retry?: AzureRetryOptions;
}

type AdditionalPolicy = NonNullable<ContainerServiceClientOptionalParams['additionalPolicies']>[number];
type PipelinePolicy = AdditionalPolicy['policy'];

const RETRY_AFTER_SECONDS = 'retry-after';
const RETRY_AFTER_MS = ['retry-after-ms', 'x-ms-retry-after-ms'];

/** Runs inside the retry loop and shortens a long Retry-After before the SDK's retry strategy reads it. */
function capRetryAfterPolicy(maxMs: number): PipelinePolicy {
  return {
    name: 'pullDoctorCapRetryAfter',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 429 && response.status !== 503) return response;
      const seconds = Number(response.headers.get(RETRY_AFTER_SECONDS));
      if (Number.isFinite(seconds) && seconds * 1000 > maxMs) response.headers.set(RETRY_AFTER_SECONDS, String(Math.floor(maxMs / 1000)));
      for (const name of RETRY_AFTER_MS) {
        const ms = Number(response.headers.get(name));
        if (Number.isFinite(ms) && ms > maxMs) response.headers.set(name, String(maxMs));
      }
      return response;
    },
  };
}

/** One debug record per HTTP attempt: method, path and status; never headers (they carry the bearer token). */
function logPolicy(log: Logger): PipelinePolicy {
  return {
    name: 'pullDoctorAzureLog',
    async sendRequest(request, next) {
      const started = Date.now();
      const url = new URL(request.url);
      try {
        const response = await next(request);
        log.debug('azure request', { method: request.method, path: url.pathname, status: response.status, ms: Date.now() - started });
        return response;
      } catch (error) {
        log.debug('azure request failed', { method: request.method, path: url.pathname, error, ms: Date.now() - started });
        throw error;
      }
    },
  };
}

/** Options shared by the three SDK clients: endpoint (and `$host` for the older generated clients), retries, policies. */
export function sdkClientOptions(options: AzureClientOptions) {
  const retry = { ...DEFAULT_AZURE_RETRY, ...options.retry };
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const additionalPolicies: AdditionalPolicy[] = [{ policy: capRetryAfterPolicy(retry.maxRetryAfterMs), position: 'perRetry' }];
  if (options.log) additionalPolicies.push({ policy: logPolicy(options.log), position: 'perRetry' });
  return {
    endpoint,
    $host: endpoint,
    retryOptions: { maxRetries: retry.maxRetries, retryDelayInMs: retry.retryDelayInMs, maxRetryDelayInMs: retry.maxRetryDelayInMs },
    additionalPolicies,
    userAgentOptions: { userAgentPrefix: 'pull-doctor' },
  };
}
