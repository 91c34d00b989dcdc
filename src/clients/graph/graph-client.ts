import { request as httpsRequest } from 'node:https';
import type { TokenCredential } from '@azure/identity';
import { PullDoctorError } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { redactText } from '../../logging/redact.js';
import { isGuid } from '../azure/resource-id.js';

/** The little of Microsoft Graph that Pull Doctor needs. */
export interface GraphClient {
  /**
   * Which of `groupIds` (at most 20 object ids) the directory object `objectId` is a member of, transitively:
   * `POST /v1.0/directoryObjects/{id}/checkMemberGroups`. Answers lowercase ids, a subset of those asked.
   * Fails with a PullDoctorError: AZURE_FORBIDDEN (the identity lacks Graph permissions), AZURE_NOT_FOUND (no such
   * object), AZURE_UNAUTHORIZED, AZURE_THROTTLED, AZURE_API_ERROR, AZURE_CREDENTIAL_UNAVAILABLE, INVALID_INPUT.
   */
  checkMemberGroups(objectId: string, groupIds: readonly string[]): Promise<string[]>;
}

export interface GraphClientOptions {
  /** Gets the app-only token (managed identity in production). */
  credential: TokenCredential;
  /** `https://graph.microsoft.com` by default; a sovereign cloud's or a fake's. */
  baseUrl?: string;
  /** Token scope, `https://graph.microsoft.com/.default` by default. */
  scope?: string;
  /** Deadline for one request, token included (default 10 s). */
  timeoutMs?: number;
  log?: Logger;
}

const MAX_GROUPS = 20;
const MAX_BODY_BYTES = 64 * 1024;

interface Answer {
  status: number;
  body: string;
  requestId?: string | undefined;
  retryAfter?: string | undefined;
}

/** A Graph client over node:https with a bearer token from the injected credential; no retries (callers decide). */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const baseUrl = (options.baseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  if (new URL(baseUrl).protocol !== 'https:') throw new PullDoctorError('INVALID_INPUT', 'The Microsoft Graph endpoint must use https');
  const scope = options.scope ?? 'https://graph.microsoft.com/.default';
  const timeoutMs = options.timeoutMs ?? 10_000;

  return {
    async checkMemberGroups(objectId, groupIds) {
      const operation = 'check group membership';
      if (!isGuid(objectId)) throw new PullDoctorError('INVALID_INPUT', 'The directory object id must be a GUID');
      if (groupIds.length === 0 || groupIds.length > MAX_GROUPS || !groupIds.every((g) => isGuid(g))) {
        throw new PullDoctorError('INVALID_INPUT', `Give 1 to ${MAX_GROUPS} group object ids (GUIDs)`);
      }
      const token = await getToken(options.credential, scope, operation);
      const url = new URL(`${baseUrl}/v1.0/directoryObjects/${encodeURIComponent(objectId)}/checkMemberGroups`);
      let answer: Answer;
      try {
        answer = await post(url, token, JSON.stringify({ groupIds }), timeoutMs);
      } catch (error) {
        options.log?.warn('graph request failed', { operation, error });
        throw graphUnreachable(operation, error, baseUrl);
      }
      options.log?.debug('graph request', { operation, status: answer.status, requestId: answer.requestId });
      if (answer.status !== 200) throw graphAnswerError(answer.status, answer.body, answer, operation);
      const asked = new Set(groupIds.map((g) => g.toLowerCase()));
      return memberGroupsFrom(answer.body, operation).filter((id) => asked.has(id));
    },
  };
}

async function getToken(credential: TokenCredential, scope: string, operation: string): Promise<string> {
  let token;
  try {
    token = await credential.getToken(scope);
  } catch (error) {
    throw graphCredentialError(operation, error);
  }
  if (!token?.token) throw graphCredentialError(operation, new Error('the credential returned no token'));
  return token.token;
}

function memberGroupsFrom(body: string, operation: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw graphMalformedAnswer(operation, 'not JSON');
  }
  const value = (parsed as { value?: unknown } | null)?.value;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw graphMalformedAnswer(operation, 'no "value" list of ids');
  }
  return value.map((v) => v.toLowerCase());
}

function post(url: URL, token: string, body: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: 'POST',
      agent: false,
      timeout: timeoutMs,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
        'User-Agent': 'pull-doctor/0.1',
        Connection: 'close',
      },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const header = (name: string) => {
          const v = res.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          requestId: header('request-id'),
          retryAfter: header('retry-after'),
        });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.end(body);
  });
}

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
function graphAnswerError(
  status: number,
  body: string,
  headers: { requestId?: string | undefined; retryAfter?: string | undefined },
  operation: string,
): PullDoctorError {
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
  const requestId =
    headers.requestId ?? (typeof parsed.error?.innerError?.['request-id'] === 'string' ? parsed.error.innerError['request-id'] : undefined);
  if (requestId !== undefined) facts.requestId = oneLine(requestId);
  const says = `${graphCode ?? `HTTP ${status}`}${graphMessage ? `: ${graphMessage}` : ''}`;

  switch (status) {
    case 401:
      return new PullDoctorError('AZURE_UNAUTHORIZED', `Microsoft Graph rejected the token used to ${operation} (${says}).`, {
        facts,
        advice: 'Check the identity Pull Doctor uses for Microsoft Graph (managed identity or app registration) and its tenant.',
      });
    case 403:
      return new PullDoctorError('AZURE_FORBIDDEN', `Not allowed to ${operation} in Microsoft Graph (${says}).`, {
        facts,
        advice: PERMISSION_ADVICE,
      });
    case 404:
      return new PullDoctorError(
        'AZURE_NOT_FOUND',
        `Microsoft Graph does not know the directory object (${says}) while trying to ${operation}.`,
        { facts },
      );
    case 429: {
      const retryAfter = Number(headers.retryAfter);
      if (Number.isFinite(retryAfter)) facts.retryAfter = retryAfter;
      return new PullDoctorError('AZURE_THROTTLED', `Microsoft Graph throttled the request to ${operation} (${says}).`, { facts });
    }
    default:
      return new PullDoctorError('AZURE_API_ERROR', `Microsoft Graph answered ${status} to ${operation} (${says}).`, { facts });
  }
}

function graphUnreachable(operation: string, error: unknown, baseUrl: string): PullDoctorError {
  const message = error instanceof Error ? error.message : String(error);
  return new PullDoctorError('AZURE_API_ERROR', `Microsoft Graph (${baseUrl}) could not be reached to ${operation}: ${oneLine(message)}`, {
    cause: error,
    facts: { service: 'microsoft-graph', operation },
    advice: 'Check network access from where Pull Doctor runs to Microsoft Graph (GRAPH_ENDPOINT).',
  });
}

function graphCredentialError(operation: string, error: unknown): PullDoctorError {
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : 'Error';
  return new PullDoctorError('AZURE_CREDENTIAL_UNAVAILABLE', `No Microsoft Graph token could be obtained to ${operation}.`, {
    cause: error,
    facts: { service: 'microsoft-graph', operation, credentialError: name },
  });
}

function graphMalformedAnswer(operation: string, why: string): PullDoctorError {
  return new PullDoctorError('AZURE_API_ERROR', `Microsoft Graph answered ${operation} with something unexpected (${why}).`, {
    facts: { service: 'microsoft-graph', operation, status: 200 },
  });
}
