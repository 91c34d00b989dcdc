import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readEntraClaims } from '../../../src/sandbox/registry/entra-token.js';
import { graphErrors, type GraphErrorBody } from './graph-errors.js';
import { GRAPH_AUDIENCE } from './graph-token.js';

export interface StartFakeGraphOptions {
  /** Certificate and key for 127.0.0.1 / graph.microsoft.com. */
  tls: { cert: string; key: string };
  /** The directory the fake is; tokens of another tenant are refused (401). */
  tenantId: string;
}

export interface FakeGraphRequestRecord {
  method: string;
  path: string;
  status: number;
  /** Whether a bearer token came with it (the token itself is never recorded). */
  authenticated: boolean;
  /** The `groupIds` of a checkMemberGroups body. */
  groupIds?: string[];
}

export interface FakeGraph {
  /** `https://127.0.0.1:{port}`: the Graph base URL to configure (GRAPH_ENDPOINT). */
  readonly url: string;
  readonly tenantId: string;
  readonly requests: readonly FakeGraphRequestRecord[];
  addUser(objectId: string): void;
  /** A security group; members may be users or other groups (membership is checked transitively, as Graph does). */
  addGroup(groupId: string, members?: readonly string[]): void;
  addMember(groupId: string, memberId: string): void;
  /** The next `times` (1) authenticated requests get `status` with `body` (and Retry-After in seconds when given). */
  failNext(status: number, body: GraphErrorBody, options?: { retryAfter?: number; times?: number }): void;
  close(): Promise<void>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROUTE = /^\/v1\.0\/directoryObjects\/([^/]+)\/checkMemberGroups$/;
const MAX_BODY = 64 * 1024;
const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
/** Graph's audience may be named by URL or by Microsoft Graph's application id. */
const AUDIENCES = new Set([GRAPH_AUDIENCE, `${GRAPH_AUDIENCE}/`, '00000003-0000-0000-c000-000000000000']);

/**
 * Enough of Microsoft Graph to decide approver group membership: `POST /v1.0/directoryObjects/{id}/checkMemberGroups`
 * over HTTPS on 127.0.0.1, with app-only bearer tokens checked the way Graph checks them (audience, tenant,
 * lifetime, and the `roles` claim: User.ReadBasic.All or User.Read.All with GroupMember.Read.All or Group.Read.All,
 * or Directory.Read.All). Signatures are not verified: never accept these tokens anywhere real.
 */
export async function startFakeGraph(options: StartFakeGraphOptions): Promise<FakeGraph> {
  const users = new Set<string>();
  const groups = new Map<string, Set<string>>();
  const faults: Array<{ status: number; body: GraphErrorBody; retryAfter: number | undefined; remaining: number }> = [];
  const requests: FakeGraphRequestRecord[] = [];

  const isMember = (objectId: string, groupId: string, seen = new Set<string>()): boolean => {
    if (seen.has(groupId)) return false;
    seen.add(groupId);
    const members = groups.get(groupId);
    if (!members) return false;
    if (members.has(objectId)) return true;
    return [...members].some((m) => groups.has(m) && isMember(objectId, m, seen));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, record: FakeGraphRequestRecord): Promise<void> => {
    const requestId = randomUUID();
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': ODATA_JSON,
        'Content-Length': String(Buffer.byteLength(text)),
        'request-id': requestId,
        'client-request-id': requestId,
        ...headers,
      });
      res.end(text);
    };
    const url = new URL(req.url ?? '/', 'https://graph.microsoft.com');
    const route = ROUTE.exec(url.pathname);
    if (!route) return send(400, graphErrors.noRoute(url.pathname));

    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return send(401, graphErrors.missingToken());
    record.authenticated = true;
    const claims = readEntraClaims(token);
    if (!claims) return send(401, graphErrors.invalidToken());
    if (!AUDIENCES.has(String(claims.aud))) return send(401, graphErrors.invalidAudience());
    if (claims.tid.toLowerCase() !== options.tenantId.toLowerCase()) return send(401, graphErrors.invalidToken());
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return send(401, graphErrors.expiredToken());

    const fault = faults[0];
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) faults.shift();
      return send(fault.status, fault.body, fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) });
    }
    if (req.method !== 'POST') return send(405, graphErrors.methodNotAllowed());
    if (!canReadMemberships(claims.roles)) return send(403, graphErrors.insufficientPrivileges());

    const objectId = decodeURIComponent(route[1]!);
    if (!GUID.test(objectId)) return send(400, graphErrors.invalidId(objectId));
    const body = await readJson(req);
    const groupIds = (body as { groupIds?: unknown } | undefined)?.groupIds;
    if (!Array.isArray(groupIds) || !groupIds.every((g): g is string => typeof g === 'string')) {
      return send(400, graphErrors.badBody("The request body must be a JSON object with a 'groupIds' collection."));
    }
    record.groupIds = groupIds;
    if (groupIds.length > 20) return send(400, graphErrors.tooManyGroups());
    const bad = groupIds.find((g) => !GUID.test(g));
    if (bad !== undefined) return send(400, graphErrors.invalidId(bad));
    const id = objectId.toLowerCase();
    if (!users.has(id) && !groups.has(id)) return send(404, graphErrors.notFound(objectId));
    send(200, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)',
      value: groupIds.filter((g) => isMember(id, g.toLowerCase())),
    });
  };

  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const record: FakeGraphRequestRecord = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      status: 0,
      authenticated: false,
    };
    requests.push(record);
    handle(req, res, record).catch(() => {
      if (!res.headersSent) {
        record.status = 500;
        res.writeHead(500, { 'Content-Type': ODATA_JSON });
        res.end(JSON.stringify(graphErrors.serviceUnavailable()));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `https://127.0.0.1:${port}`,
    tenantId: options.tenantId,
    requests,
    addUser: (objectId) => void users.add(objectId.toLowerCase()),
    addGroup: (groupId, members = []) => void groups.set(groupId.toLowerCase(), new Set(members.map((m) => m.toLowerCase()))),
    addMember(groupId, memberId) {
      const members = groups.get(groupId.toLowerCase());
      if (!members) throw new Error(`no group ${groupId} in the fake directory`);
      members.add(memberId.toLowerCase());
    },
    failNext: (status, body, opts = {}) => void faults.push({ status, body, retryAfter: opts.retryAfter, remaining: opts.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function canReadMemberships(roles: unknown): boolean {
  const granted = new Set(Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : []);
  if (granted.has('Directory.Read.All') || granted.has('Directory.ReadWrite.All')) return true;
  const users = granted.has('User.ReadBasic.All') || granted.has('User.Read.All');
  const groupMembers = granted.has('GroupMember.Read.All') || granted.has('Group.Read.All');
  return users && groupMembers;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
