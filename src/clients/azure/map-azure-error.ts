import { PullDoctorError } from '../../errors/index.js';

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

const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError', 'AuthenticationRequiredError']);
const MAX_DETAIL = 300;

function isRestError(error: unknown): error is RestErrorLike {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'RestError';
}

function detail(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL)}…` : oneLine;
}

/** The action ARM names in AuthorizationFailed: "does not have authorization to perform action '{action}' over scope". */
export function missingActionFromMessage(message: string): string | undefined {
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
    return new PullDoctorError('AZURE_CREDENTIAL_UNAVAILABLE', `No Azure token could be obtained to ${context.operation}: ${detail(message)}`, {
      cause: error,
      facts: { ...facts, credentialError: name },
      advice:
        'Check the credential chosen with AZURE_CREDENTIAL: for cli run `az login`; for managed-identity check the identity is assigned (and AZURE_CLIENT_ID); for workload-identity check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE.',
    });
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
      return new PullDoctorError('AZURE_UNAUTHORIZED', `Azure rejected the token used to ${context.operation} (${armSays}).`, { cause: error, facts });
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
          ...(action === undefined ? {} : { advice: `Grant Pull Doctor's identity a role that includes ${action} at that scope (or above it).` }),
        },
      );
    }
    case 404:
      return new PullDoctorError('AZURE_NOT_FOUND', `${context.resource ?? 'The resource'} was not found while trying to ${context.operation} (${armSays}).`, {
        cause: error,
        facts,
      });
    case 429: {
      const retryAfter = Number(error.response?.headers?.get('retry-after'));
      if (Number.isFinite(retryAfter)) facts.retryAfterSeconds = retryAfter;
      return new PullDoctorError('AZURE_THROTTLED', `Azure throttled the request to ${context.operation} (${armSays}).`, { cause: error, facts });
    }
    default:
      return new PullDoctorError('AZURE_API_ERROR', `Azure Resource Manager answered ${status} to ${context.operation} (${armSays}).`, {
        cause: error,
        facts,
      });
  }
}
