import { PullDoctorError } from '../../errors/index.js';
import { redactText } from '../../logging/redact.js';

type Facts = Record<string, string | number | boolean>;

const MAX_DETAIL = 300;

/** Graph's error body: `{"error":{"code","message","innerError":{"request-id",...}}}`. */
interface GraphErrorBody {
  error?: { code?: unknown; message?: unknown; innerError?: { 'request-id'?: unknown } };
}

function oneLine(text: string): string {
  const line = redactText(text).replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}

const PERMISSION_ADVICE =
  "Grant Pull Doctor's identity the Microsoft Graph application permissions GroupMember.Read.All and User.ReadBasic.All " +
  '(admin consent required), or list the approvers by object id in APPROVERS instead of APPROVER_GROUP_ID.';

/** Turns a Graph HTTP answer other than 200 into a PullDoctorError with a stable code; never quotes the token. */
export function graphAnswerError(status: number, body: string, headers: { requestId?: string; retryAfter?: string }, operation: string): PullDoctorError {
  let parsed: GraphErrorBody = {};
  try {
    parsed = JSON.parse(body) as GraphErrorBody;
  } catch {
    // not JSON: keep the status only
  }
  const graphCode = typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  const graphMessage = typeof parsed.error?.message === 'string' ? oneLine(parsed.error.message) : undefined;
  const facts: Facts = { service: 'microsoft-graph', operation, status };
  if (graphCode !== undefined) facts.graphCode = graphCode;
  const requestId = headers.requestId ?? (typeof parsed.error?.innerError?.['request-id'] === 'string' ? parsed.error.innerError['request-id'] : undefined);
  if (requestId !== undefined) facts.requestId = oneLine(requestId);
  const says = `${graphCode ?? `HTTP ${status}`}${graphMessage ? `: ${graphMessage}` : ''}`;

  switch (status) {
    case 401:
      return new PullDoctorError('AZURE_UNAUTHORIZED', `Microsoft Graph rejected the token used to ${operation} (${says}).`, {
        facts,
        advice: 'Check the identity Pull Doctor uses for Microsoft Graph (managed identity or app registration) and its tenant.',
      });
    case 403:
      return new PullDoctorError('AZURE_FORBIDDEN', `Not allowed to ${operation} in Microsoft Graph (${says}).`, { facts, advice: PERMISSION_ADVICE });
    case 404:
      return new PullDoctorError('AZURE_NOT_FOUND', `Microsoft Graph does not know the directory object (${says}) while trying to ${operation}.`, { facts });
    case 429: {
      const retryAfter = Number(headers.retryAfter);
      if (Number.isFinite(retryAfter)) facts.retryAfter = retryAfter;
      return new PullDoctorError('AZURE_THROTTLED', `Microsoft Graph throttled the request to ${operation} (${says}).`, { facts });
    }
    default:
      return new PullDoctorError('AZURE_API_ERROR', `Microsoft Graph answered ${status} to ${operation} (${says}).`, { facts });
  }
}

export function graphUnreachable(operation: string, error: unknown, baseUrl: string): PullDoctorError {
  const message = error instanceof Error ? error.message : String(error);
  return new PullDoctorError('AZURE_API_ERROR', `Microsoft Graph (${baseUrl}) could not be reached to ${operation}: ${oneLine(message)}`, {
    cause: error,
    facts: { service: 'microsoft-graph', operation },
    advice: 'Check network access from where Pull Doctor runs to Microsoft Graph (GRAPH_ENDPOINT).',
  });
}

export function graphCredentialError(operation: string, error: unknown): PullDoctorError {
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : 'Error';
  return new PullDoctorError('AZURE_CREDENTIAL_UNAVAILABLE', `No Microsoft Graph token could be obtained to ${operation}.`, {
    cause: error,
    facts: { service: 'microsoft-graph', operation, credentialError: name },
  });
}

export function graphMalformedAnswer(operation: string, why: string): PullDoctorError {
  return new PullDoctorError('AZURE_API_ERROR', `Microsoft Graph answered ${operation} with something unexpected (${why}).`, {
    facts: { service: 'microsoft-graph', operation, status: 200 },
  });
}
