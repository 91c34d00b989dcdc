import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { sdkClientOptions, type AzureClientOptions } from './azure-client-options.js';

/**
 * The generated clients are bound to one subscription each; this builds them on demand and keeps one per
 * subscription for the lifetime of the owner (a reader or writer), so token caching works across calls.
 */
export class AzureSdkClients {
  private readonly containerServices = new Map<string, ContainerServiceClient>();
  private readonly registries = new Map<string, ContainerRegistryManagementClient>();
  private readonly authorizations = new Map<string, AuthorizationManagementClient>();
  private readonly options: ReturnType<typeof sdkClientOptions>;

  constructor(private readonly base: AzureClientOptions) {
    this.options = sdkClientOptions(base);
  }

  containerService(subscriptionId: string): ContainerServiceClient {
    return cached(this.containerServices, subscriptionId, () => new ContainerServiceClient(this.base.credential, subscriptionId, this.options));
  }

  containerRegistry(subscriptionId: string): ContainerRegistryManagementClient {
    return cached(this.registries, subscriptionId, () => new ContainerRegistryManagementClient(this.base.credential, subscriptionId, this.options));
  }

  /**
   * Role assignment and definition calls address their scope explicitly; the client's subscription is only
   * a constructor requirement, so scopes above any subscription use a placeholder.
   */
  authorization(subscriptionId = '00000000-0000-0000-0000-000000000000'): AuthorizationManagementClient {
    return cached(this.authorizations, subscriptionId, () => new AuthorizationManagementClient(this.base.credential, subscriptionId, this.options));
  }
}

function cached<T>(map: Map<string, T>, key: string, create: () => T): T {
  const k = key.toLowerCase();
  let value = map.get(k);
  if (!value) {
    value = create();
    map.set(k, value);
  }
  return value;
}
