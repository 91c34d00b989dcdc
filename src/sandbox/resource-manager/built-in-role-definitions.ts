/**
 * Built-in role definitions the fake ships, with their real permissions. Sources:
 * - learn.microsoft.com "Azure built-in roles for Containers" (MicrosoftDocs/azure-docs,
 *   articles/role-based-access-control/built-in-roles/containers.md, ms.date 06/30/2025): AcrPull, AcrPush,
 *   AcrDelete, Container Registry Repository Reader / Writer / Catalog Lister, Container Registry Data Importer
 *   and Data Reader.
 * - "Azure built-in roles for Privileged" (built-in-roles/privileged.md, ms.date 01/25/2025): Owner, Contributor
 *   (with the 2025 notActions), User Access Administrator, Role Based Access Control Administrator.
 * - "Azure built-in roles for General" (built-in-roles/general.md): Reader.
 * - azure-rbac-catalog.org raw JSON for AcrPull (timestamps) and Container Registry Repository Contributor
 *   (updated 2025-10-07, which dropped "in preview" from the description).
 * Timestamps other than those two are placeholders: the docs do not publish them.
 */
import { ROLE_IDS } from '../../diagnosis/roles/rbac.js';

export interface FakeRolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface FakeRoleDefinition {
  /** The GUID (the resource name). */
  guid: string;
  roleName: string;
  type: 'BuiltInRole' | 'CustomRole';
  description: string;
  assignableScopes: string[];
  permissions: FakeRolePermission[];
  createdOn: string;
  updatedOn: string;
}

const PLACEHOLDER_TIME = '2015-02-02T21:55:09.880Z';

function builtIn(
  guid: string,
  roleName: string,
  description: string,
  permission: Partial<FakeRolePermission>,
  times: { createdOn?: string; updatedOn?: string } = {},
): FakeRoleDefinition {
  return {
    guid,
    roleName,
    type: 'BuiltInRole',
    description,
    assignableScopes: ['/'],
    permissions: [
      {
        actions: permission.actions ?? [],
        notActions: permission.notActions ?? [],
        dataActions: permission.dataActions ?? [],
        notDataActions: permission.notDataActions ?? [],
      },
    ],
    createdOn: times.createdOn ?? PLACEHOLDER_TIME,
    updatedOn: times.updatedOn ?? PLACEHOLDER_TIME,
  };
}

export function builtInRoleDefinitions(): FakeRoleDefinition[] {
  const ids = ROLE_IDS;
  return [
    builtIn(
      ids.acrPull,
      'AcrPull',
      'acr pull',
      { actions: ['Microsoft.ContainerRegistry/registries/pull/read'] },
      {
        createdOn: '2018-10-22T19:01:56.822Z',
        updatedOn: '2021-11-11T20:13:08.877Z',
      },
    ),
    builtIn(ids.acrPush, 'AcrPush', 'acr push', {
      actions: ['Microsoft.ContainerRegistry/registries/pull/read', 'Microsoft.ContainerRegistry/registries/push/write'],
    }),
    builtIn(ids.acrDelete, 'AcrDelete', 'acr delete', { actions: ['Microsoft.ContainerRegistry/registries/artifacts/delete'] }),
    builtIn(ids.reader, 'Reader', 'View all resources, but does not allow you to make any changes.', { actions: ['*/read'] }),
    builtIn(
      ids.contributor,
      'Contributor',
      'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
      {
        actions: ['*'],
        notActions: [
          'Microsoft.Authorization/*/Delete',
          'Microsoft.Authorization/*/Write',
          'Microsoft.Authorization/elevateAccess/Action',
          'Microsoft.Blueprint/blueprintAssignments/write',
          'Microsoft.Blueprint/blueprintAssignments/delete',
          'Microsoft.Compute/galleries/share/action',
          'Microsoft.Purview/consents/write',
          'Microsoft.Purview/consents/delete',
          'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
          'Microsoft.Subscription/cancel/action',
          'Microsoft.Subscription/enable/action',
        ],
      },
    ),
    builtIn(ids.owner, 'Owner', 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.', {
      actions: ['*'],
    }),
    builtIn(ids.userAccessAdministrator, 'User Access Administrator', 'Lets you manage user access to Azure resources.', {
      actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'],
    }),
    builtIn(
      ids.roleBasedAccessControlAdministrator,
      'Role Based Access Control Administrator',
      'Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.',
      {
        actions: [
          'Microsoft.Authorization/roleAssignments/write',
          'Microsoft.Authorization/roleAssignments/delete',
          '*/read',
          'Microsoft.Support/*',
        ],
      },
    ),
    builtIn(
      ids.containerRegistryRepositoryReader,
      'Container Registry Repository Reader',
      'Allows for read access to Azure Container Registry repositories, but excluding catalog listing. This role is in preview and subject to change.',
      {
        dataActions: [
          'Microsoft.ContainerRegistry/registries/repositories/metadata/read',
          'Microsoft.ContainerRegistry/registries/repositories/content/read',
        ],
      },
    ),
    builtIn(
      ids.containerRegistryRepositoryWriter,
      'Container Registry Repository Writer',
      'Allows for read and write access to Azure Container Registry repositories, but excluding catalog listing. This role is in preview and subject to change.',
      {
        dataActions: [
          'Microsoft.ContainerRegistry/registries/repositories/metadata/read',
          'Microsoft.ContainerRegistry/registries/repositories/content/read',
          'Microsoft.ContainerRegistry/registries/repositories/metadata/write',
          'Microsoft.ContainerRegistry/registries/repositories/content/write',
        ],
      },
    ),
    builtIn(
      ids.containerRegistryRepositoryContributor,
      'Container Registry Repository Contributor',
      'Allows for read, write, and delete access to Azure Container Registry repositories, but excluding catalog listing.',
      {
        dataActions: [
          'Microsoft.ContainerRegistry/registries/repositories/metadata/read',
          'Microsoft.ContainerRegistry/registries/repositories/content/read',
          'Microsoft.ContainerRegistry/registries/repositories/metadata/write',
          'Microsoft.ContainerRegistry/registries/repositories/content/write',
          'Microsoft.ContainerRegistry/registries/repositories/metadata/delete',
          'Microsoft.ContainerRegistry/registries/repositories/content/delete',
        ],
      },
      { createdOn: '2024-06-07T15:51:33.625Z', updatedOn: '2025-10-07T15:22:18.213Z' },
    ),
    builtIn(
      ids.containerRegistryRepositoryCatalogLister,
      'Container Registry Repository Catalog Lister',
      'Allows for listing all repositories in an Azure Container Registry. This role is in preview and subject to change.',
      { dataActions: ['Microsoft.ContainerRegistry/registries/catalog/read'] },
    ),
    builtIn(
      ids.containerRegistryDataImporterAndDataReader,
      'Container Registry Data Importer and Data Reader',
      'Provides the ability to import images into a registry through the registry import operation. Provides the ability to list repositories, view images and tags, get manifests, and pull images. Does not provide permissions for importing images through configuring registry transfer pipelines such as import and export pipelines. Does not provide permissions for importing through configuring Artifact Cache or Sync rules.',
      {
        actions: [
          'Microsoft.ContainerRegistry/registries/importImage/action',
          'Microsoft.ContainerRegistry/registries/read',
          'Microsoft.ContainerRegistry/registries/pull/read',
        ],
        dataActions: [
          'Microsoft.ContainerRegistry/registries/repositories/content/read',
          'Microsoft.ContainerRegistry/registries/repositories/metadata/read',
          'Microsoft.ContainerRegistry/registries/catalog/read',
        ],
      },
    ),
  ];
}
