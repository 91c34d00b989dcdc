import { PullDoctorError } from '../../errors/index.js';
import type { AzureClientOptions } from './azure-client-options.js';
import { AzureSdkClients } from './azure-sdk-clients.js';
import { azureCall } from './azure-call.js';
import { normaliseRoleDefinitionId, requireGuid } from './azure-input.js';
import { mapAzureError } from './map-azure-error.js';
import { parseResourceId, sameResourceId, scopeForSdk } from './resource-id.js';

export { roleAssignmentName } from './role-assignment-name.js';

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
export function existingAssignmentName(message: string): string | undefined {
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
            for await (const a of client.roleAssignments.listForScope(scopeForSdk(scope.id), { filter: `principalId eq '${input.principalId}'` })) {
              if (a.scope && sameResourceId(a.scope, scope.id) && a.roleDefinitionId?.split('/').pop()?.toLowerCase() === role?.toLowerCase()) return a.name;
            }
            return undefined;
          }));
        if (!name) {
          throw new PullDoctorError('AZURE_API_ERROR', `Azure says ${input.principalId} already has role ${role} on ${scope.id}, but the assignment could not be found.`, {
            cause: error,
            facts: mapped.facts,
          });
        }
        options.log?.info('role assignment already existed', { scope: scope.id, name, role, principalId: input.principalId });
        return { outcome: 'exists', id: assignmentId(scope.id, name) };
      }
    },
  };
}
