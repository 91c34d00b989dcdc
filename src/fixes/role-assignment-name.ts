import { createHash } from 'node:crypto';

/*
 * TEMPORARY until the Azure branch is merged: it has the same function in
 * src/clients/azure/role-assignment-name.ts (same namespace, same name text), and we keep only that one. This copy
 * produces identical names so that switching over changes no assignment name.
 */

/** Namespace of Pull Doctor's role assignment names. Never change it: retries after an upgrade must find the first assignment. */
export const ROLE_ASSIGNMENT_NAMESPACE = '3f0c2b7e-9d41-4a8e-b6c5-8e2d1a7f4c90';

/** RFC 4122 §4.3 name-based UUID, version 5 (SHA-1). */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function resourceIdKey(id: string): string {
  const trimmed = id.trim().replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return (trimmed.startsWith('/') ? trimmed : `/${trimmed}`).toLowerCase();
}

/**
 * The role assignment name (a GUID, as ARM requires) for granting `roleDefinitionId` to `principalId` at `scope`:
 * a version-5 UUID of "{scope}\n{principalId}\n{role GUID}", all lowercase. Retrying a grant PUTs the same name,
 * which ARM treats as the same assignment, so retries (and resumed executions) never create a second one.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionId: string): string {
  const roleGuid = (roleDefinitionId.split('/').filter((s) => s !== '').pop() ?? '').toLowerCase();
  return uuidV5(ROLE_ASSIGNMENT_NAMESPACE, `${resourceIdKey(scope)}\n${principalId.trim().toLowerCase()}\n${roleGuid}`);
}
