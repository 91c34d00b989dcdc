/**
 * PATCH bodies: JSON merge patch (RFC 7386; also used for strategic merge patch, which the fake approximates
 * since it only differs for lists with merge keys) and JSON patch (RFC 6902).
 */

export class PatchError extends Error {}

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], path: string): { parent: Record<string, Json> | Json[]; key: string } {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = current[token];
    else current = undefined;
    if (current === undefined) throw new PatchError(`doc is missing path: "${path}"`);
  }
  if (!Array.isArray(current) && !isObject(current)) throw new PatchError(`doc is missing path: "${path}"`);
  return { parent: current, key: tokens[tokens.length - 1]! };
}

function read(doc: Json, path: string): Json {
  let current = doc;
  for (const token of pointer(path)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = current[token];
    else current = undefined;
    if (current === undefined) throw new PatchError(`doc is missing path: "${path}"`);
  }
  return current;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : Number(key), 0, structuredClone(value));
  else parent[key] = structuredClone(value);
  return doc;
}

function remove(doc: Json, path: string): Json {
  const tokens = pointer(path);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    if (Number(key) >= parent.length) throw new PatchError(`doc is missing path: "${path}"`);
    parent.splice(Number(key), 1);
  } else {
    if (!(key in parent)) throw new PatchError(`doc is missing path: "${path}"`);
    delete parent[key];
  }
  return doc;
}

export function applyJsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new PatchError('json patch must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of operations as JsonPatchOperation[]) {
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, raw.value);
        break;
      case 'remove':
        doc = remove(doc, raw.path);
        break;
      case 'replace':
        read(doc, raw.path);
        doc = add(remove(doc, raw.path), raw.path, raw.value);
        break;
      case 'move': {
        const value = read(doc, raw.from ?? '');
        doc = add(remove(doc, raw.from ?? ''), raw.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, read(doc, raw.from ?? ''));
        break;
      case 'test':
        if (JSON.stringify(read(doc, raw.path)) !== JSON.stringify(raw.value)) throw new PatchError(`testing value ${raw.path} failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${(raw as { op?: string }).op}`);
    }
  }
  return doc;
}
