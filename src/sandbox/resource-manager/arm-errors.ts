/**
 * Error bodies shaped exactly like Azure Resource Manager's: `{"error":{"code","message"}}`. The messages are
 * copied from recorded ARM responses (quoted in SDK issues and tool logs); where the fake had to invent one it
 * says so next to it.
 */

export interface ArmErrorBody {
  /** Details may carry more fields (Resource Graph's parser details: line, characterPositionInLine, token). */
  error: { code: string; message: string; details?: Array<{ code: string; message: string; [more: string]: unknown }> };
}

export function armError(code: string, message: string): ArmErrorBody {
  return { error: { code, message } };
}

/** What ARM answers when the request carries no bearer token at all. */
export const MISSING_TOKEN_DESCRIPTION = "The authentication failed because of missing 'Authorization' header.";

export const armErrors = {
  missingToken: () => armError('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."),
  invalidToken: () => armError('InvalidAuthenticationToken', 'The access token is invalid.'),
  missingApiVersion: () =>
    armError('MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'),
  invalidApiVersion: (given: string, supported: readonly string[]) =>
    armError('InvalidApiVersionParameter', `The api-version '${given}' is invalid. The supported versions are '${supported.join(',')}'.`),
  subscriptionNotFound: (subscriptionId: string) =>
    armError('SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`),
  resourceGroupNotFound: (resourceGroup: string) =>
    armError('ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`),
  resourceNotFound: (type: string, name: string, resourceGroup: string) =>
    armError(
      'ResourceNotFound',
      `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  /** Invented by the fake: the message of a real unknown-management-group reply was not found in any record. */
  managementGroupNotFound: (name: string) => armError('ManagementGroupNotFound', `The management group '${name}' was not found.`),
  invalidResourceType: (type: string, namespace: string, apiVersion: string) =>
    armError(
      'InvalidResourceType',
      `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`,
    ),
  /** Recorded: https://github.com/Azure/azure-rest-api-specs/issues/28255 */
  unsupportedRoleAssignmentFilter: (filter: string) =>
    armError(
      'UnsupportedQuery',
      `The filter '${filter}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{value}' or assignedTo('{value}')'.`,
    ),
  /** Same code as the role assignment one; the exact message for role definitions was not found in any record. */
  unsupportedRoleDefinitionFilter: (filter: string) =>
    armError(
      'UnsupportedQuery',
      `The filter '${filter}' is not supported. Supported filters are 'roleName eq '{value}'' or 'type eq '{value}''.`,
    ),
  authorizationFailed: (callerObjectId: string, action: string, scope: string) =>
    armError(
      'AuthorizationFailed',
      `The client '${callerObjectId}' with object id '${callerObjectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    ),
  roleAssignmentExists: (existingName: string) =>
    armError(
      'RoleAssignmentExists',
      `The role assignment already exists. The ID of the existing role assignment is ${existingName.replace(/-/g, '')}.`,
    ),
  roleAssignmentNotFound: (name: string) => armError('RoleAssignmentNotFound', `The role assignment '${name}' is not found.`),
  invalidRoleAssignmentId: (name: string) =>
    armError('InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`),
  roleAssignmentUpdateNotPermitted: () =>
    armError('RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.'),
  roleDefinitionDoesNotExist: (guid: string) =>
    armError('RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`),
  principalNotFound: (principalId: string, tenantId: string) =>
    armError(
      'PrincipalNotFound',
      `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    ),
  unmatchedPrincipalType: (principalId: string, actual: string, given: string) =>
    armError(
      'UnmatchedPrincipalType',
      `The PrincipalId '${principalId.replace(/-/g, '')}' has type '${actual}' , which is different from specified PrincipalType '${given}'.`,
    ),
  invalidRequestContent: (detail: string) =>
    armError('InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`),
  throttled: () =>
    armError(
      'TooManyRequests',
      'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, refer to - https://aka.ms/srpthrottlinglimits',
    ),
  internal: () =>
    armError('InternalServerError', "Encountered internal server error. Diagnostic information: timestamp '20250101T000000Z'."),
  /** Invented by the fake: ARM's behaviour for an empty path segment (`//subscriptions`) is not on record. */
  emptyPathSegment: () => armError('InvalidRequestUri', 'The request URI contains an empty path segment.'),
} as const;
