import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SUPPORTED_API_VERSIONS } from './route.js';
import { armError, armErrors, MISSING_TOKEN_DESCRIPTION, type ArmErrorBody } from './arm-errors.js';
import type {
  FakeArmRequestRecord,
  FakeArmWriteRecord,
  FakeResourceManager,
  StartFakeResourceManagerOptions,
} from './fake-resource-manager.js';
import type { FakeRoleDefinition } from './built-in-role-definitions.js';
import { FaultQueue, type FaultMatch, type FaultOptions } from './faults.js';
import type {
  FakeCustomRoleInput,
  FakeKubeconfig,
  FakeManagedCluster,
  FakeManagedClusterInput,
  FakePrincipalInput,
  FakeRegistry,
  FakeRegistryInput,
  FakeRoleAssignment,
  FakeRoleAssignmentInput,
} from './fake-resources.js';
import { FakeArmState } from './fake-state.js';
import type { FakeArmHttpRequest, Reply, Route, RouteMatch } from './route.js';
import { managedClusterRoutes } from './routes/managed-clusters.js';
import { registryRoutes } from './routes/registries.js';
import { roleAssignmentRoutes } from './routes/role-assignments.js';
import { resourceGraphRoutes } from './routes/resource-graph.js';
import { roleDefinitionRoutes } from './routes/role-definitions.js';
import { parseScope, scopeKey } from './scopes.js';

const ROUTES: Route[] = [managedClusterRoutes, registryRoutes, roleAssignmentRoutes, roleDefinitionRoutes, resourceGraphRoutes];
const DEFAULT_TENANT = '8d3f1c2e-4b5a-4c6d-9e7f-0a1b2c3d4e5f';
const DEFAULT_CALLER = '5b3b4a51-7c8e-4f0a-9d6e-2f1c8a7b9e10';

function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(value);
}

function tokenObjectId(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof claims.oid === 'string' ? claims.oid : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

class FakeResourceManagerServer implements FakeResourceManager {
  latencyMs: number;
  pageSize: number;
  readonly requests: FakeArmRequestRecord[] = [];
  readonly writes: FakeArmWriteRecord[] = [];
  readonly tenantId: string;
  url = '';
  private readonly state: FakeArmState;
  private readonly faults = new FaultQueue();
  private readonly forbidden: Array<{ action: string; scope: string | undefined }> = [];
  private readonly acceptToken: (token: string) => boolean;
  private readonly callerObjectId: string;
  private readonly server: Server;

  constructor(options: StartFakeResourceManagerOptions) {
    this.latencyMs = options.latencyMs ?? 0;
    this.pageSize = options.pageSize ?? 100;
    this.tenantId = options.tenantId ?? DEFAULT_TENANT;
    this.acceptToken = options.acceptToken ?? ((token) => token.length > 0);
    this.callerObjectId = options.callerObjectId ?? DEFAULT_CALLER;
    this.state = new FakeArmState(this.tenantId, options.tls.cert);
    this.server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.send(res, { status: 500, body: armError('InternalServerError', String(error)) });
        else res.destroy();
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.url);
    const rawBody = await readBody(req);
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const { path, body, reply: early } = this.prepare(url, rawBody);
    const reply = early ?? this.dispatch(method, path, url, body, token);
    this.send(res, reply);
    const time = new Date().toISOString();
    this.requests.push({
      time,
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: reply.status,
      authenticated: token !== undefined,
      ...(method === 'POST' && body !== undefined ? { body } : {}),
    });
    if (method === 'PUT' || method === 'DELETE') this.writes.push({ time, method, path, status: reply.status, body });
  }

  /** Decoded path (no trailing slash) and JSON body, or the 400 ARM gives when either is malformed. */
  private prepare(url: URL, rawBody: string): { path: string; body: unknown; reply?: Reply } {
    let path: string;
    try {
      path = url.pathname.split('/').map(decodeURIComponent).join('/').replace(/\/+$/, '');
    } catch {
      return {
        path: url.pathname,
        body: undefined,
        reply: { status: 400, body: armErrors.invalidRequestContent('malformed percent-encoding in the path') },
      };
    }
    if (rawBody.trim() === '') return { path, body: undefined };
    try {
      return { path, body: JSON.parse(rawBody) as unknown };
    } catch {
      return {
        path,
        body: rawBody,
        reply: { status: 400, body: armErrors.invalidRequestContent('Unexpected character encountered while parsing value') },
      };
    }
  }

  private dispatch(method: string, path: string, url: URL, body: unknown, token: string | undefined): Reply {
    if (url.pathname.includes('//')) return { status: 400, body: armErrors.emptyPathSegment() };
    const challenge = (description: string) => ({
      'WWW-Authenticate': `Bearer authorization_uri="https://login.windows.net/${this.tenantId}", error="invalid_token", error_description="${description}"`,
    });
    if (token === undefined) return { status: 401, body: armErrors.missingToken(), headers: challenge(MISSING_TOKEN_DESCRIPTION) };
    if (!this.acceptToken(token))
      return { status: 401, body: armErrors.invalidToken(), headers: challenge('The access token is invalid.') };

    const fault = this.faults.take(method, path);
    if (fault) return fault;

    let match: RouteMatch | undefined;
    for (const route of ROUTES) if ((match = route(method, path))) break;
    const apiVersion = url.searchParams.get('api-version');
    if (!match) {
      const typed = /\/providers\/([^/]+)\/([^/]+)/i.exec(path);
      return typed
        ? { status: 404, body: armErrors.invalidResourceType(typed[2]!, typed[1]!, apiVersion ?? '') }
        : { status: 404, body: armError('NotFound', `No route for ${method} ${path}.`) };
    }
    if (apiVersion === null) return { status: 400, body: armErrors.missingApiVersion() };
    const supported: readonly string[] = SUPPORTED_API_VERSIONS[match.namespace];
    if (!supported.includes(apiVersion)) return { status: 400, body: armErrors.invalidApiVersion(apiVersion, supported) };

    if (this.isForbidden(match.action, match.scope)) {
      if (match.forbidden) return match.forbidden();
      const caller = tokenObjectId(token) ?? this.callerObjectId;
      return { status: 403, body: armErrors.authorizationFailed(caller, match.action, match.messageScope ?? match.scope) };
    }
    const request: FakeArmHttpRequest = { method, path, url, body };
    return match.handle({
      state: this.state,
      request,
      baseUrl: this.url,
      pageSize: this.pageSize,
      canRead: (action, scope) => !this.isForbidden(action, scope),
    });
  }

  private isForbidden(action: string, scope: string): boolean {
    return this.forbidden.some((rule) => {
      if (!wildcardMatches(rule.action, action)) return false;
      if (rule.scope === undefined) return true;
      const target = scopeKey(rule.scope);
      if (scopeKey(scope) === target) return true;
      const parsed = parseScope(scope);
      return parsed !== undefined && this.state.ancestorKeys(parsed).includes(target);
    });
  }

  private send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = {
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
      Expires: '-1',
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': randomUUID(),
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Content-Type-Options': 'nosniff',
      ...reply.headers,
    };
    // Not chained: restify (loaded in the same process in sandbox mode) patches ServerResponse#writeHead to return nothing.
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  // ---- state API ----

  addManagementGroup(input: { name: string; parent?: string }): string {
    return this.state.addManagementGroup(input);
  }
  addSubscription(input: { subscriptionId: string; displayName?: string; managementGroup?: string }): string {
    return this.state.addSubscription(input);
  }
  addResourceGroup(input: { subscriptionId: string; name: string; location?: string }): string {
    return this.state.addResourceGroup(input);
  }
  addManagedCluster(input: FakeManagedClusterInput): FakeManagedCluster {
    return this.state.addManagedCluster(input);
  }
  setClusterKubeconfig(clusterId: string, kubeconfig: Partial<FakeKubeconfig>): void {
    const cluster = this.state.cluster(clusterId);
    if (!cluster) throw new Error(`fake ARM: no cluster ${clusterId}`);
    cluster.kubeconfig = { ...cluster.kubeconfig, ...kubeconfig };
  }
  addRegistry(input: FakeRegistryInput): FakeRegistry {
    return this.state.addRegistry(input);
  }
  addRoleDefinition(input: FakeCustomRoleInput): FakeRoleDefinition {
    return this.state.addRoleDefinition(input);
  }
  addPrincipal(input: FakePrincipalInput): void {
    this.state.addPrincipal(input);
  }
  addRoleAssignment(input: FakeRoleAssignmentInput): FakeRoleAssignment {
    return this.state.putRoleAssignment({
      ...input,
      principalType: input.principalType ?? this.state.principalType(input.principalId) ?? 'ServicePrincipal',
    });
  }
  roleAssignments(): FakeRoleAssignment[] {
    return this.state.allRoleAssignments();
  }
  forbid(action: string, options: { scope?: string } = {}): void {
    this.forbidden.push({ action, scope: options.scope });
  }
  clearForbidden(): void {
    this.forbidden.length = 0;
  }
  failNext(match: FaultMatch, status: number, body: ArmErrorBody, options?: FaultOptions): void {
    this.faults.add(match, status, body, options);
  }
  clearFaults(): void {
    this.faults.clear();
  }
}

/** Starts the fake Azure Resource Manager on 127.0.0.1 (a port the OS picks), over HTTPS. */
export async function startFakeResourceManager(options: StartFakeResourceManagerOptions): Promise<FakeResourceManager> {
  const server = new FakeResourceManagerServer(options);
  await server.listen();
  return server;
}
