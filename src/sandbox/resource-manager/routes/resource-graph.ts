/**
 * Azure Resource Graph: `POST /providers/Microsoft.ResourceGraph/resources` evaluates the KQL query of the body
 * (resource-graph/kql.ts) over the `resources` table built from the fake's state, across every subscription the
 * caller can read (or those named in `subscriptions`, or below `managementGroups`), and pages the result with
 * `$top`, `$skip` and `$skipToken` as Resource Graph does. Rows a forbid() rule hides (`{type}/read` at the resource
 * or above) are left out, as Resource Graph shows only what the caller may read.
 *
 * Error bodies are Resource Graph's (recorded in public issues: azure-powershell#13762, aztfexport#485 and #410,
 * azure-sdk-for-java#29924): `BadRequest` with the `InvalidQuery` detail and the parser's own detail, and
 * `AccessDenied` for a caller that may not query. Details the records do not show are marked as invented.
 */
import { createHash, randomUUID } from 'node:crypto';
import { armErrors, type ArmErrorBody } from '../arm-errors.js';
import { managedClusterPayload, registryPayload } from '../payloads.js';
import { KqlError, parseKql, runKql, type KqlRow, type KqlValue } from '../resource-graph/kql.js';
import { json, type Reply, type Route, type RouteContext } from '../route.js';
import { managementGroupScope, parseScope, scopeKey, subscriptionScope } from '../scopes.js';

const PATH = /^\/providers\/Microsoft\.ResourceGraph\/resources$/i;
/** The columns of Resource Graph's `resources` table. */
export const RESOURCES_COLUMNS = [
  'id',
  'name',
  'type',
  'tenantId',
  'kind',
  'location',
  'resourceGroup',
  'subscriptionId',
  'managedBy',
  'sku',
  'plan',
  'properties',
  'tags',
  'identity',
  'zones',
  'extendedLocation',
] as const;
const MAX_TOP = 1000;

function supportMessage(): string {
  return `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}.`;
}

export const resourceGraphErrors = {
  /** Recorded: azure-powershell#13762, aztfexport#485. */
  invalidQuery: (detail: Record<string, unknown>): ArmErrorBody => ({
    error: {
      code: 'BadRequest',
      message: supportMessage(),
      details: [
        {
          code: 'InvalidQuery',
          message:
            'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
        },
        detail as { code: string; message: string },
      ],
    },
  }),
  /** Recorded: aztfexport#410, azure-sdk-for-java#29924. */
  accessDenied: (): ArmErrorBody => ({
    error: {
      code: 'AccessDenied',
      message: supportMessage(),
      details: [
        { code: 'AccessDenied', message: 'Access is denied to the requested resource. The user might not have enough permission.' },
      ],
    },
  }),
  /** The detail code is recorded in Resource Graph's documentation of errors; the wording is the fake's. */
  noValidSubscriptions: (): ArmErrorBody => ({
    error: {
      code: 'BadRequest',
      message: supportMessage(),
      details: [{ code: 'NoValidSubscriptionsInQueryRequest', message: 'There are no valid subscriptions in the query request.' }],
    },
  }),
  /** Invented by the fake: what it does not implement, in the shape of a Resource Graph refusal. */
  unsupported: (what: string): ArmErrorBody => ({
    error: { code: 'BadRequest', message: supportMessage(), details: [{ code: 'UnsupportedByFake', message: what }] },
  }),
} as const;

interface QueryBody {
  query: string;
  subscriptions?: string[];
  managementGroups?: string[];
  top?: number;
  skip?: number;
  skipToken?: string;
}

/** The request body as Resource Graph reads it, or the 400 for one it would refuse. */
function readBody(body: unknown): QueryBody | Reply {
  const invalid = (why: string) => json(400, armErrors.invalidRequestContent(why));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.query !== 'string' || b.query.trim() === '') return invalid("Required property 'query' not found in JSON");
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
  if (b.subscriptions !== undefined && !strings(b.subscriptions)) return invalid("'subscriptions' must be an array of strings");
  if (b.managementGroups !== undefined && !strings(b.managementGroups)) return invalid("'managementGroups' must be an array of strings");
  if (Array.isArray(b.facets) && b.facets.length > 0) return json(400, resourceGraphErrors.unsupported('facets are not evaluated'));
  const out: QueryBody = { query: b.query };
  if (b.subscriptions !== undefined) out.subscriptions = b.subscriptions as string[];
  if (b.managementGroups !== undefined) out.managementGroups = b.managementGroups as string[];
  const options = (typeof b.options === 'object' && b.options !== null ? b.options : {}) as Record<string, unknown>;
  if (options.resultFormat !== undefined && options.resultFormat !== 'objectArray') {
    return json(400, resourceGraphErrors.unsupported(`resultFormat ${String(options.resultFormat)}: only objectArray`));
  }
  const count = (key: string, min: number, max: number): number | undefined | Reply => {
    const value = options[key];
    if (value === undefined) return undefined;
    return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? (value as number)
      : invalid(`'${key}' must be an integer from ${min} to ${max}`);
  };
  const top = count('$top', 1, MAX_TOP);
  const skip = count('$skip', 0, Number.MAX_SAFE_INTEGER);
  if (typeof top === 'object') return top;
  if (typeof skip === 'object') return skip;
  if (top !== undefined) out.top = top;
  if (skip !== undefined) out.skip = skip;
  if (options.$skipToken !== undefined) {
    if (typeof options.$skipToken !== 'string') return invalid("'$skipToken' must be a string");
    out.skipToken = options.$skipToken;
  }
  return out;
}

/** The subscriptions a query runs against: those named, those below the named management groups, or all. */
function querySubscriptions(context: RouteContext, body: QueryBody): string[] | Reply {
  const all = context.state.subscriptionIds();
  if (body.subscriptions !== undefined) {
    const named = all.filter((s) => body.subscriptions!.some((n) => n.toLowerCase() === s.toLowerCase()));
    return named.length > 0 ? named : json(400, resourceGraphErrors.noValidSubscriptions());
  }
  if (body.managementGroups !== undefined) {
    const groups = body.managementGroups.map((g) => scopeKey(managementGroupScope(g)));
    return all.filter((s) => context.state.ancestorKeys(parseScope(subscriptionScope(s))!).some((k) => groups.includes(k)));
  }
  return all;
}

/** A resource as a row of Resource Graph's `resources` table: ARM's JSON, `type` and `resourceGroup` lowercased. */
function row(payload: Record<string, unknown>, subscriptionId: string, resourceGroup: string, tenantId: string): KqlRow {
  const value = (key: string) => (payload[key] ?? null) as KqlValue;
  return {
    id: value('id'),
    name: value('name'),
    type: String(payload.type).toLowerCase(),
    tenantId,
    kind: payload.kind === undefined ? '' : value('kind'),
    location: value('location'),
    resourceGroup: resourceGroup.toLowerCase(),
    subscriptionId,
    managedBy: '',
    sku: value('sku'),
    plan: null,
    properties: value('properties'),
    tags: value('tags'),
    identity: value('identity'),
    zones: null,
    extendedLocation: null,
  };
}

function resourceRows(context: RouteContext, subscriptions: string[]): KqlRow[] {
  const { state } = context;
  const rows: KqlRow[] = [];
  for (const sub of subscriptions) {
    for (const c of state.clustersIn(sub)) {
      if (context.canRead('Microsoft.ContainerService/managedClusters/read', c.id))
        rows.push(row(managedClusterPayload(c, state.tenantId), c.subscriptionId, c.resourceGroup, state.tenantId));
    }
    for (const r of state.registriesIn(sub)) {
      if (context.canRead('Microsoft.ContainerRegistry/registries/read', r.id))
        rows.push(row(registryPayload(r), r.subscriptionId, r.resourceGroup, state.tenantId));
    }
  }
  return rows.sort((a, b) => String(a.id).toLowerCase().localeCompare(String(b.id).toLowerCase()));
}

/** `$skipToken`: where the next page starts, tied to the query and scopes it was issued for. */
function scopeDigest(body: QueryBody, subscriptions: string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([body.query, subscriptions]))
    .digest('base64url')
    .slice(0, 16);
}

function skipTokenFor(offset: number, digest: string): string {
  return Buffer.from(JSON.stringify({ offset, digest }), 'utf8').toString('base64url');
}

function offsetOf(token: string, digest: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown; digest?: unknown };
    return Number.isInteger(parsed.offset) && (parsed.offset as number) >= 0 && parsed.digest === digest
      ? (parsed.offset as number)
      : undefined;
  } catch {
    return undefined;
  }
}

function query(context: RouteContext): Reply {
  const body = readBody(context.request.body);
  if ('status' in body) return body;
  const subscriptions = querySubscriptions(context, body);
  if (!Array.isArray(subscriptions)) return subscriptions;
  let rows: KqlRow[];
  try {
    const parsed = parseKql(body.query);
    if (parsed.table.toLowerCase() !== 'resources') {
      throw new KqlError({
        code: 'InvalidQueryLanguage',
        message: `the fake evaluates only the resources table, not ${parsed.table}`,
        line: -1,
        characterPositionInLine: -1,
        token: parsed.table,
      });
    }
    rows = runKql(parsed, RESOURCES_COLUMNS, resourceRows(context, subscriptions));
  } catch (error) {
    if (error instanceof KqlError) return json(400, resourceGraphErrors.invalidQuery({ ...error.detail }));
    throw error;
  }

  const digest = scopeDigest(body, subscriptions);
  let offset = body.skip ?? 0;
  if (body.skipToken !== undefined) {
    const fromToken = offsetOf(body.skipToken, digest);
    if (fromToken === undefined)
      return json(400, resourceGraphErrors.unsupported('the $skipToken is not one issued for this query and scope'));
    offset = fromToken;
  }
  const top = Math.min(body.top ?? context.pageSize, MAX_TOP);
  const data = rows.slice(offset, offset + top);
  const more = offset + top < rows.length;
  // Resource Graph pages only results that carry the id column; others are cut and marked truncated.
  const pageable = data.every((r) => Object.hasOwn(r, 'id'));
  const result: Record<string, unknown> = {
    totalRecords: rows.length,
    count: data.length,
    resultTruncated: more && !pageable ? 'true' : 'false',
    data,
    facets: [],
  };
  if (more && pageable) result.$skipToken = skipTokenFor(offset + top, digest);
  return json(200, result);
}

export const resourceGraphRoutes: Route = (method, path) => {
  if (method !== 'POST' || !PATH.test(path)) return undefined;
  return {
    namespace: 'Microsoft.ResourceGraph',
    action: 'Microsoft.ResourceGraph/resources/read',
    scope: '/',
    forbidden: () => json(403, resourceGraphErrors.accessDenied()),
    handle: query,
  };
};
