/**
 * The api-versions the fake accepts, per resource provider: exactly what the pinned SDKs send, so a dependency
 * upgrade that changes the wire version fails loudly instead of talking to payload shapes of another version.
 *
 * - @azure/arm-containerservice 24.1.0: `apiVersion = options.apiVersion || "2025-10-01"` (containerServiceClient.js)
 * - @azure/arm-containerregistry 12.0.0: `options.apiVersion ?? "2025-11-01"` (containerRegistryManagementContext.js)
 * - @azure/arm-authorization 9.0.0: roleAssignments and roleDefinitions use the `apiVersion1` parameter,
 *   `defaultValue: "2022-04-01"` (dist/index.js); other operation groups of that package use other versions and
 *   have no routes here.
 */
export const SUPPORTED_API_VERSIONS = {
  'Microsoft.ContainerService': ['2025-10-01'],
  'Microsoft.ContainerRegistry': ['2025-11-01'],
  'Microsoft.Authorization': ['2022-04-01'],
} as const satisfies Record<string, readonly string[]>;

export type FakeProviderNamespace = keyof typeof SUPPORTED_API_VERSIONS;
