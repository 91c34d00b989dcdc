import { armErrors } from '../arm-errors.js';
import { registryPayload } from '../payloads.js';
import { json, page, type Route, type RouteContext, type Reply } from '../route.js';
import { resourceGroupScope, subscriptionScope } from '../scopes.js';

const NAMESPACE = 'Microsoft.ContainerRegistry';
const READ = 'Microsoft.ContainerRegistry/registries/read';

const BY_SUBSCRIPTION = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries$/i;
const BY_RESOURCE_GROUP = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries$/i;
const ONE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i;

function missingParent(context: RouteContext, subscriptionId: string, resourceGroup?: string): Reply | undefined {
  if (!context.state.subscription(subscriptionId)) return json(404, armErrors.subscriptionNotFound(subscriptionId));
  if (resourceGroup !== undefined && !context.state.resourceGroup(subscriptionId, resourceGroup)) {
    return json(404, armErrors.resourceGroupNotFound(resourceGroup));
  }
  return undefined;
}

export const registryRoutes: Route = (method, path) => {
  if (method !== 'GET') return undefined;
  let m: RegExpExecArray | null;
  if ((m = BY_SUBSCRIPTION.exec(path))) {
    const [, subscriptionId] = m as unknown as [string, string];
    return {
      namespace: NAMESPACE,
      action: READ,
      scope: subscriptionScope(subscriptionId),
      handle: (context) =>
        missingParent(context, subscriptionId) ?? page(context.state.registriesIn(subscriptionId).map(registryPayload), context),
    };
  }
  if ((m = BY_RESOURCE_GROUP.exec(path))) {
    const [, subscriptionId, resourceGroup] = m as unknown as [string, string, string];
    return {
      namespace: NAMESPACE,
      action: READ,
      scope: resourceGroupScope(subscriptionId, resourceGroup),
      handle: (context) =>
        missingParent(context, subscriptionId, resourceGroup) ??
        page(context.state.registriesIn(subscriptionId, resourceGroup).map(registryPayload), context),
    };
  }
  if ((m = ONE.exec(path))) {
    const [, subscriptionId, resourceGroup, name] = m as unknown as [string, string, string, string];
    return {
      namespace: NAMESPACE,
      action: READ,
      scope: path,
      handle: (context) => {
        const missing = missingParent(context, subscriptionId, resourceGroup);
        if (missing) return missing;
        const registry = context.state.registry(
          `${resourceGroupScope(subscriptionId, resourceGroup)}/providers/${NAMESPACE}/registries/${name}`,
        );
        if (!registry) return json(404, armErrors.resourceNotFound(`${NAMESPACE}/registries`, name, resourceGroup));
        return json(200, registryPayload(registry));
      },
    };
  }
  return undefined;
};
