import { createHash } from 'node:crypto';
import { PullDoctorError } from '../../errors/index.js';
import { AzureSdkClients, azureCall, mapAzureError, type AzureClientOptions } from './azure-sdk.js';
import { normaliseRoleDefinitionId, parseResourceId, requireGuid, resourceIdKey, sameResourceId, scopeForSdk } from './resource-id.js';

export interface CreateRoleAssignmentInput {
  /** Resource id the role is granted on, e.g. a registry. */
  scope: string;
  /** The assignment's GUID name; use roleAssignmentName() so that retries are idempotent. */
  name: string;
  /** Full role definition id (or GUID). */
  roleDefinitionId: string;
  principalId: string;
  principalType: 'ServicePrincipal';
}

export interface RoleAssignmentWriteResult {
  /** `exists`: ARM already had this principal+role+scope under another name (409 RoleAssignmentExists). */
  outcome: 'created' | 'exists';
  /** Id of the assignment that now grants the role (the existing one when `exists`). */
  id: string;
}

export interface RoleAssignmentWriter {
  createRoleAssignment(input: CreateRoleAssignmentInput): Promise<RoleAssignmentWriteResult>;
}

function assignmentId(scope: string, name: string): string {
  return `${scope.replace(/\/+$/, '')}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

/** "The role assignment already exists. The ID of the existing role assignment is 716c4d159bc8476da3c16ccb70082517." */
function existingAssignmentName(message: string): string | undefined {
  const hex = /existing role assignment is ([0-9a-f]{32})\b/i.exec(message)?.[1]?.toLowerCase();
  return hex && `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Creates role assignments through @azure/arm-authorization (PUT …/roleAssignments/{name}, api-version
 * 2022-04-01). A same-name PUT with the same content succeeds again ('created'); the same grant under another
 * name is 'exists'. Everything else is a PullDoctorError; 403 is AZURE_FORBIDDEN with the missing action
 * (normally Microsoft.Authorization/roleAssignments/write) as a fact.
 */
export function createRoleAssignmentWriter(options: AzureClientOptions): RoleAssignmentWriter {
  const clients = new AzureSdkClients(options);
  const call = azureCall(options);
  return {
    async createRoleAssignment(input) {
      const scope = parseResourceId(input.scope);
      requireGuid(input.name, 'The role assignment name');
      requireGuid(input.principalId, 'The principal id');
      const roleDefinitionId = normaliseRoleDefinitionId(input.roleDefinitionId);
      const client = clients.authorization(scope.subscriptionId);
      const role = roleDefinitionId.split('/').pop();
      const context = { operation: `grant role ${role} to ${input.principalId} on ${scope.id}`, resource: scope.id };
      try {
        const created = await client.roleAssignments.create(scopeForSdk(scope.id), input.name, {
          roleDefinitionId,
          principalId: input.principalId,
          principalType: input.principalType,
        });
        options.log?.info('role assignment created', { scope: scope.id, name: input.name, role, principalId: input.principalId });
        return { outcome: 'created', id: created.id ?? assignmentId(scope.id, input.name) };
      } catch (error) {
        const mapped = mapAzureError(error, context);
        if (mapped.facts.status !== 409 || mapped.facts.armCode !== 'RoleAssignmentExists') {
          options.log?.warn('role assignment failed', { code: mapped.code, ...mapped.facts });
          throw mapped;
        }
        const name =
          existingAssignmentName(error instanceof Error ? error.message : '') ??
          (await call(context, async () => {
            for await (const a of client.roleAssignments.listForScope(scopeForSdk(scope.id), {
              filter: `principalId eq '${input.principalId}'`,
            })) {
              if (
                a.scope &&
                sameResourceId(a.scope, scope.id) &&
                a.roleDefinitionId?.split('/').pop()?.toLowerCase() === role?.toLowerCase()
              )
                return a.name;
            }
            return undefined;
          }));
        if (!name) {
          throw new PullDoctorError(
            'AZURE_API_ERROR',
            `Azure says ${input.principalId} already has role ${role} on ${scope.id}, but the assignment could not be found.`,
            {
              cause: error,
              facts: mapped.facts,
            },
          );
        }
        options.log?.info('role assignment already existed', { scope: scope.id, name, role, principalId: input.principalId });
        return { outcome: 'exists', id: assignmentId(scope.id, name) };
      }
    },
  };
}

/**
 * Namespace of Pull Doctor's role assignment names (a random v4 UUID chosen once; never change it, or retries
 * after an upgrade would create a second assignment instead of finding the first).
 */
const ROLE_ASSIGNMENT_NAMESPACE = '3f0c2b7e-9d41-4a8e-b6c5-8e2d1a7f4c90';

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

/**
 * The role assignment name (a GUID, as ARM requires) for granting `roleDefinitionId` to `principalId` at
 * `scope`: a version-5 UUID in ROLE_ASSIGNMENT_NAMESPACE of "{scope}\n{principalId}\n{role GUID}", all lowercase,
 * the scope with one leading slash and none trailing. Only the role's GUID is used, so the subscription-level
 * and tenant-level forms of the same role give the same name, as they are the same grant to ARM. Retrying a
 * grant therefore PUTs the same name, which ARM treats as the same assignment.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionId: string): string {
  const roleGuid = (
    roleDefinitionId
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? ''
  ).toLowerCase();
  return uuidV5(ROLE_ASSIGNMENT_NAMESPACE, `${resourceIdKey(scope)}\n${principalId.trim().toLowerCase()}\n${roleGuid}`);
}
