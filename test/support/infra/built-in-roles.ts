/**
 * Azure built-in role definition ids by role name, as Microsoft publishes them in "Azure built-in roles"
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles), per category page:
 *
 *   general      https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/general#reader
 *   containers   https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers
 *                  #acrpull, #container-registry-repository-reader,
 *                  #azure-kubernetes-service-cluster-user-role, #azure-kubernetes-service-rbac-reader
 *   storage      https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-blob-data-contributor
 *   privileged   https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged
 *                  #owner, #user-access-administrator, #role-based-access-control-administrator
 *
 * The ids of Owner, Role Based Access Control Administrator and User Access Administrator also appear in the
 * "Allow most roles, but don't allow others to assign roles" example of
 * https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples.
 * Built-in role ids are the same in every tenant and cloud.
 */
export const BUILT_IN_ROLE_IDS: Readonly<Record<string, string>> = {
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  AcrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  'Container Registry Repository Reader': 'b93aa761-3e63-49ed-ac28-beffa264f7ac',
  'Role Based Access Control Administrator': 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  'Azure Kubernetes Service Cluster User Role': '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
  'Azure Kubernetes Service RBAC Reader': '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
};

/** Roles that may assign any role to anyone: the bot must never hold them. */
export const FORBIDDEN_ROLES = ['Owner', 'User Access Administrator'] as const;

/** The only roles the bot's Role Based Access Control Administrator assignment may hand out. */
export const GRANTABLE_PULL_ROLES = ['AcrPull', 'Container Registry Repository Reader'] as const;

export const GUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
