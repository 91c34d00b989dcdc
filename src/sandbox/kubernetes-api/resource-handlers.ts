/**
 * The REST verbs on stored resources: get, list (selectors, pagination, tables), create, update (with
 * resourceVersion preconditions: a stale one is a 409 Conflict, which leader election relies on), patch and delete.
 * Failures are thrown as ApiError carrying the Status the real API server would answer.
 */
import { randomBytes } from 'node:crypto';
import { compileObjectFilter } from './object-filter.js';
import { applyJsonPatch, applyMergePatch, PatchError } from './patch.js';
import type { RequestInfo } from './request-info.js';
import type { ResourceStore } from './resource-store.js';
import { apiVersionOf, namespacedStorageKeys, storageTypeFor, type ResourceType } from './resource-types.js';
import { SelectorError } from './selectors.js';
import {
  alreadyExistsStatus,
  badRequestStatus,
  conflictStatus,
  invalidStatus,
  notFoundStatus,
  unsupportedMediaTypeStatus,
  type StatusObject,
} from './status.js';
import { toTable, wantsTable, type IncludeObject } from './tables.js';
import type { WireObject } from './wire.js';

export class ApiError extends Error {
  constructor(readonly status: StatusObject) {
    super(status.message);
  }
}

export interface ApiAnswer {
  code: number;
  body: unknown;
}

export interface HandlerContext {
  store: ResourceStore;
  now: () => Date;
}

const NAMESPACES = { group: '', plural: 'namespaces' };

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

function statusResource(type: ResourceType) {
  return { group: type.group, plural: type.plural };
}

/** The object in the requested version, with apiVersion and kind (lists strip them from items, as the real server does). */
export function presentObject(type: ResourceType, stored: WireObject): WireObject {
  const object = type.fromStorage ? type.fromStorage(stored) : stored;
  return { ...object, apiVersion: apiVersionOf(type), kind: type.kind };
}

function withoutTypeMeta(object: WireObject): WireObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return rest as WireObject;
}

function parseJson(text: string): WireObject {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as WireObject;
  } catch {
    throw new ApiError(badRequestStatus("couldn't get version/kind; json parse error: invalid character in request body"));
  }
}

function includeObjectOf(info: RequestInfo): IncludeObject {
  const value = info.query.includeObject;
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function generatedName(prefix: string): string {
  const bytes = randomBytes(5);
  return prefix + [...bytes].map((b) => GENERATE_ALPHABET[b % GENERATE_ALPHABET.length]).join('');
}

export class ResourceHandlers {
  constructor(private readonly ctx: HandlerContext) {}

  get(type: ResourceType, info: RequestInfo, accept: string | undefined): ApiAnswer {
    const stored = this.ctx.store.get(type.storageKey, type.namespaced ? info.namespace : undefined, info.name!);
    if (!stored) throw new ApiError(notFoundStatus(statusResource(type), info.name!));
    if (wantsTable(accept)) {
      return {
        code: 200,
        body: toTable(
          type,
          [stored],
          { resourceVersion: stored.metadata?.resourceVersion ?? '' },
          { now: this.ctx.now(), includeObject: includeObjectOf(info) },
        ),
      };
    }
    return { code: 200, body: presentObject(type, stored) };
  }

  list(type: ResourceType, info: RequestInfo, accept: string | undefined): ApiAnswer {
    const filter = this.filterFor(type, info);
    let matching = this.ctx.store.list(type.storageKey, type.namespaced ? info.namespace : undefined).filter(filter);
    const resourceVersion = String(this.ctx.store.resourceVersion);
    const metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion };

    const start = this.continueStart(info.query.continue);
    if (start !== undefined) matching = matching.filter((o) => keyOf(o) > start);
    const limit = Number(info.query.limit);
    if (Number.isInteger(limit) && limit > 0 && matching.length > limit) {
      const page = matching.slice(0, limit);
      const token: ContinueToken = {
        v: 'meta.k8s.io/v1',
        rv: this.ctx.store.resourceVersion,
        start: `${keyOf(page[page.length - 1]!)}\u0000`,
      };
      metadata.continue = Buffer.from(JSON.stringify(token)).toString('base64');
      metadata.remainingItemCount = matching.length - limit;
      matching = page;
    }

    if (wantsTable(accept)) {
      return { code: 200, body: toTable(type, matching, metadata, { now: this.ctx.now(), includeObject: includeObjectOf(info) }) };
    }
    return {
      code: 200,
      body: {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata,
        items: matching.map((o) => withoutTypeMeta(presentObject(type, o))),
      },
    };
  }

  create(type: ResourceType, info: RequestInfo, body: string): ApiAnswer {
    const object = this.toStorage(type, this.decode(type, body));
    const metadata = { ...(object.metadata ?? {}) };
    if (type.namespaced) {
      if (metadata.namespace !== undefined && metadata.namespace !== info.namespace) {
        throw new ApiError(badRequestStatus('the namespace of the provided object does not match the namespace sent on the request'));
      }
      metadata.namespace = info.namespace!;
      if (!this.ctx.store.get('namespaces', undefined, info.namespace!)) throw new ApiError(notFoundStatus(NAMESPACES, info.namespace!));
    }
    if (!metadata.name) {
      if (!metadata.generateName)
        throw new ApiError(
          invalidStatus(statusResource(type), type.kind, '', 'metadata.name', 'Required value: name or generateName is required'),
        );
      metadata.name = generatedName(metadata.generateName);
    }
    if (this.ctx.store.get(type.storageKey, metadata.namespace, metadata.name))
      throw new ApiError(alreadyExistsStatus(statusResource(type), metadata.name));
    delete metadata.resourceVersion;
    delete metadata.uid;
    delete metadata.creationTimestamp;
    const stored = this.ctx.store.put(type.storageKey, { ...object, metadata });
    return { code: 201, body: presentObject(type, stored) };
  }

  update(type: ResourceType, info: RequestInfo, body: string): ApiAnswer {
    const object = this.decode(type, body);
    const name = info.name!;
    if (object.metadata?.name !== undefined && object.metadata.name !== name) {
      throw new ApiError(badRequestStatus(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`));
    }
    return this.replace(type, info, object);
  }

  patch(type: ResourceType, info: RequestInfo, body: string, contentType: string | undefined): ApiAnswer {
    const stored = this.existing(type, info);
    const current = presentObject(type, stored);
    const media = (contentType ?? '').split(';')[0]!.trim();
    let patched: unknown;
    try {
      if (media === 'application/json-patch+json') patched = applyJsonPatch(current, JSON.parse(body));
      else if (media === 'application/merge-patch+json' || media === 'application/strategic-merge-patch+json')
        patched = applyMergePatch(current, JSON.parse(body));
      else throw new ApiError(unsupportedMediaTypeStatus(media));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof PatchError)
        throw new ApiError(invalidStatus(statusResource(type), type.kind, info.name!, 'patch', error.message));
      throw new ApiError(badRequestStatus('error decoding patch: invalid JSON'));
    }
    return this.replace(type, info, patched as WireObject);
  }

  delete(type: ResourceType, info: RequestInfo): ApiAnswer {
    this.existing(type, info);
    if (type.storageKey === 'namespaces') this.removeNamespaceContents(info.name!);
    const removed = this.ctx.store.remove(type.storageKey, type.namespaced ? info.namespace : undefined, info.name!)!;
    return { code: 200, body: presentObject(type, removed) };
  }

  deleteCollection(type: ResourceType, info: RequestInfo): ApiAnswer {
    const filter = this.filterFor(type, info);
    const doomed = this.ctx.store.list(type.storageKey, type.namespaced ? info.namespace : undefined).filter(filter);
    const removed = doomed.map((o) => this.ctx.store.remove(type.storageKey, o.metadata?.namespace, o.metadata!.name!)!);
    return {
      code: 200,
      body: {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(this.ctx.store.resourceVersion) },
        items: removed.map((o) => withoutTypeMeta(presentObject(type, o))),
      },
    };
  }

  filterFor(type: ResourceType, info: RequestInfo) {
    try {
      const query: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {};
      if (type.namespaced && info.namespace !== undefined) query.namespace = info.namespace;
      if (info.query.labelSelector !== undefined) query.labelSelector = info.query.labelSelector;
      if (info.query.fieldSelector !== undefined) query.fieldSelector = info.query.fieldSelector;
      return compileObjectFilter(type, query);
    } catch (error) {
      if (error instanceof SelectorError) throw new ApiError(badRequestStatus(error.message));
      throw error;
    }
  }

  private replace(type: ResourceType, info: RequestInfo, object: WireObject): ApiAnswer {
    const stored = this.existing(type, info);
    const requestedVersion = object.metadata?.resourceVersion;
    if (requestedVersion !== undefined && requestedVersion !== '' && requestedVersion !== stored.metadata?.resourceVersion) {
      throw new ApiError(conflictStatus(statusResource(type), info.name!));
    }
    const storedForm = this.toStorage(type, object);
    const metadata = {
      ...(storedForm.metadata ?? {}),
      name: info.name!,
      uid: stored.metadata?.uid,
      creationTimestamp: stored.metadata?.creationTimestamp,
    } as NonNullable<WireObject['metadata']>;
    if (type.namespaced) metadata.namespace = info.namespace!;
    else delete metadata.namespace;
    const updated = this.ctx.store.put(type.storageKey, { ...storedForm, metadata });
    return { code: 200, body: presentObject(type, updated) };
  }

  private existing(type: ResourceType, info: RequestInfo): WireObject {
    const stored = this.ctx.store.get(type.storageKey, type.namespaced ? info.namespace : undefined, info.name!);
    if (!stored) throw new ApiError(notFoundStatus(statusResource(type), info.name!));
    return stored;
  }

  /** Parses a request body, checking apiVersion and kind like the API server's decoder. */
  private decode(type: ResourceType, body: string): WireObject {
    const object = parseJson(body);
    const expected = apiVersionOf(type);
    if (object.apiVersion !== undefined && object.apiVersion !== expected) {
      throw new ApiError(
        badRequestStatus(`the API version in the data (${object.apiVersion}) does not match the expected API version (${expected})`),
      );
    }
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw new ApiError(badRequestStatus(`the kind in the data (${object.kind}) does not match the expected kind (${type.kind})`));
    }
    return { ...object, apiVersion: expected, kind: type.kind };
  }

  /** An object of the requested version in its stored form (core/v1 for events.k8s.io events). */
  private toStorage(type: ResourceType, object: WireObject): WireObject {
    const storage = storageTypeFor(type.storageKey);
    const storedForm = type.toStorage ? type.toStorage(object) : object;
    return { ...storedForm, apiVersion: apiVersionOf(storage), kind: storage.kind };
  }

  private continueStart(token: string | undefined): string | undefined {
    if (token === undefined || token === '') return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as ContinueToken;
      if (typeof parsed.start !== 'string') throw new Error('no start');
      return parsed.start.replace(/\u0000$/, '');
    } catch {
      throw new ApiError(badRequestStatus('continue key is not valid: illegal base64 data at input byte 0'));
    }
  }

  private removeNamespaceContents(namespace: string): void {
    for (const storageKey of namespacedStorageKeys()) {
      for (const o of this.ctx.store.list(storageKey, namespace)) this.ctx.store.remove(storageKey, namespace, o.metadata!.name!);
    }
  }
}

function keyOf(object: WireObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
