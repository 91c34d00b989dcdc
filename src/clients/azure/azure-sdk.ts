/**
 * The Azure SDK clients as every Azure client of ours builds them: one option set (endpoint, retries bounded, a
 * Retry-After cap, one debug record per attempt without headers), one generated client per subscription, and one
 * way to run a call so that its failure becomes a PullDoctorError with a stable code (logged once, without secrets).
 */
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { ContainerServiceClient, type ContainerServiceClientOptionalParams } from '@azure/arm-containerservice';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/identity';
import { PullDoctorError } from '../../errors/index.js';
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

const DEFAULT_AZURE_RETRY: Required<AzureRetryOptions> = {
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

/** Options shared by the SDK clients: endpoint (and `$host` for the older generated clients), retries, policies. */
function sdkClientOptions(options: AzureClientOptions) {
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

/**
 * The generated clients are bound to one subscription each; this builds them on demand and keeps one per
 * subscription for the lifetime of the owner (a reader or writer), so token caching works across calls.
 */
export class AzureSdkClients {
  private readonly containerServices = new Map<string, ContainerServiceClient>();
  private readonly registries = new Map<string, ContainerRegistryManagementClient>();
  private readonly authorizations = new Map<string, AuthorizationManagementClient>();
  private graph: ResourceGraphClient | undefined;
  private readonly options: ReturnType<typeof sdkClientOptions>;

  constructor(private readonly base: AzureClientOptions) {
    this.options = sdkClientOptions(base);
  }

  containerService(subscriptionId: string): ContainerServiceClient {
    return cached(
      this.containerServices,
      subscriptionId,
      () => new ContainerServiceClient(this.base.credential, subscriptionId, this.options),
    );
  }

  containerRegistry(subscriptionId: string): ContainerRegistryManagementClient {
    return cached(
      this.registries,
      subscriptionId,
      () => new ContainerRegistryManagementClient(this.base.credential, subscriptionId, this.options),
    );
  }

  /**
   * Role assignment and definition calls address their scope explicitly; the client's subscription is only
   * a constructor requirement, so scopes above any subscription use a placeholder.
   */
  authorization(subscriptionId = '00000000-0000-0000-0000-000000000000'): AuthorizationManagementClient {
    return cached(
      this.authorizations,
      subscriptionId,
      () => new AuthorizationManagementClient(this.base.credential, subscriptionId, this.options),
    );
  }

  /** Azure Resource Graph: one client, whatever the subscriptions (a query names them, or means all). */
  resourceGraph(): ResourceGraphClient {
    this.graph ??= new ResourceGraphClient(this.base.credential, this.options);
    return this.graph;
  }
}

function cached<T>(map: Map<string, T>, key: string, create: () => T): T {
  const k = key.toLowerCase();
  let value = map.get(k);
  if (!value) {
    value = create();
    map.set(k, value);
  }
  return value;
}

/** Runs one SDK call and turns its failure into a PullDoctorError (logged once, without secrets). */
export function azureCall(options: AzureClientOptions) {
  return async <T>(context: AzureOperation, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const mapped = mapAzureError(error, context);
      options.log?.warn('azure call failed', { code: mapped.code, ...mapped.facts });
      throw mapped;
    }
  };
}

/** What was being attempted, for the message and the facts. */
export interface AzureOperation {
  /** A phrase that completes "while trying to …", e.g. "read managed cluster aks-prod". */
  operation: string;
  resource?: string;
}

interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);
const MAX_DETAIL = 300;

function isRestError(error: unknown): error is RestErrorLike {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'RestError';
}

function detail(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL)}…` : oneLine;
}

/** The action ARM names in AuthorizationFailed: "does not have authorization to perform action '{action}' over scope". */
function missingActionFromMessage(message: string): string | undefined {
  return /perform action '([^']+)'/.exec(message)?.[1];
}

/**
 * Turns whatever an Azure SDK call threw into a PullDoctorError with a stable code: RestError by status
 * (401, 403, 404, 429, other), credential failures from @azure/identity, aborts and network failures.
 * Facts carry the HTTP status, ARM's error code, the request id and, for 403, the missing action.
 */
export function mapAzureError(error: unknown, context: AzureOperation): PullDoctorError {
  if (error instanceof PullDoctorError) return error;
  const facts: Record<string, string | number | boolean> = { operation: context.operation };
  if (context.resource !== undefined) facts.resource = context.resource;
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : '';
  const message = error instanceof Error ? error.message : String(error);

  if (CREDENTIAL_ERRORS.has(name)) {
    return new PullDoctorError(
      'AZURE_CREDENTIAL_UNAVAILABLE',
      `No Azure token could be obtained to ${context.operation}: ${detail(message)}`,
      {
        cause: error,
        facts: { ...facts, credentialError: name },
        advice:
          'Check the credential chosen with AZURE_CREDENTIAL: for cli run `az login`; for managed-identity check the identity is assigned (and AZURE_CLIENT_ID); for workload-identity check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE.',
      },
    );
  }
  if (name === 'AbortError') {
    return new PullDoctorError('AZURE_API_ERROR', `The request to ${context.operation} was aborted or timed out.`, { cause: error, facts });
  }
  if (!isRestError(error)) {
    return new PullDoctorError('AZURE_API_ERROR', `Azure Resource Manager could not be asked to ${context.operation}: ${detail(message)}`, {
      cause: error,
      facts,
    });
  }

  const status = error.statusCode;
  if (status !== undefined) facts.status = status;
  if (error.code !== undefined) facts.armCode = error.code;
  const requestId = error.response?.headers?.get('x-ms-request-id');
  if (requestId) facts.requestId = requestId;
  const armSays = `${error.code ?? 'error'}: ${detail(message)}`;

  switch (status) {
    case undefined:
      return new PullDoctorError('AZURE_API_ERROR', `Azure Resource Manager could not be reached to ${context.operation} (${armSays}).`, {
        cause: error,
        facts,
        advice: 'Check network access from where Pull Doctor runs to the ARM endpoint (AZURE_RESOURCE_MANAGER_ENDPOINT).',
      });
    case 401:
      return new PullDoctorError('AZURE_UNAUTHORIZED', `Azure rejected the token used to ${context.operation} (${armSays}).`, {
        cause: error,
        facts,
      });
    case 403: {
      const action = missingActionFromMessage(message);
      if (action !== undefined) facts.action = action;
      return new PullDoctorError(
        'AZURE_FORBIDDEN',
        action === undefined
          ? `Not allowed to ${context.operation} (${armSays}).`
          : `Not allowed to ${context.operation}: the identity lacks ${action}.`,
        {
          cause: error,
          facts,
          ...(action === undefined
            ? {}
            : { advice: `Grant Pull Doctor's identity a role that includes ${action} at that scope (or above it).` }),
        },
      );
    }
    case 404:
      return new PullDoctorError(
        'AZURE_NOT_FOUND',
        `${context.resource ?? 'The resource'} was not found while trying to ${context.operation} (${armSays}).`,
        {
          cause: error,
          facts,
        },
      );
    case 429: {
      const retryAfter = Number(error.response?.headers?.get('retry-after'));
      if (Number.isFinite(retryAfter)) facts.retryAfterSeconds = retryAfter;
      return new PullDoctorError('AZURE_THROTTLED', `Azure throttled the request to ${context.operation} (${armSays}).`, {
        cause: error,
        facts,
      });
    }
    default:
      return new PullDoctorError('AZURE_API_ERROR', `Azure Resource Manager answered ${status} to ${context.operation} (${armSays}).`, {
        cause: error,
        facts,
      });
  }
}
