import { armErrors } from '../arm-errors.js';
import { clusterUserKubeconfig } from '../kubeconfig.js';
import { managedClusterPayload } from '../payloads.js';
import { json, page, type Route, type RouteContext, type Reply } from '../route.js';
import { resourceGroupScope, subscriptionScope } from '../scopes.js';

const NAMESPACE = 'Microsoft.ContainerService';
const READ = 'Microsoft.ContainerService/managedClusters/read';
const LIST_USER_CREDENTIAL = 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action';

const BY_SUBSCRIPTION = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters$/i;
const BY_RESOURCE_GROUP = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters$/i;
const ONE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;
const USER_CREDENTIAL =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)\/listClusterUserCredential$/i;

function missingParent(context: RouteContext, subscriptionId: string, resourceGroup?: string): Reply | undefined {
  if (!context.state.subscription(subscriptionId)) return json(404, armErrors.subscriptionNotFound(subscriptionId));
  if (resourceGroup !== undefined && !context.state.resourceGroup(subscriptionId, resourceGroup)) {
    return json(404, armErrors.resourceGroupNotFound(resourceGroup));
  }
  return undefined;
}

function findCluster(context: RouteContext, subscriptionId: string, resourceGroup: string, name: string) {
  const missing = missingParent(context, subscriptionId, resourceGroup);
  if (missing) return { reply: missing };
  const cluster = context.state.cluster(
    `${resourceGroupScope(subscriptionId, resourceGroup)}/providers/${NAMESPACE}/managedClusters/${name}`,
  );
  if (!cluster) return { reply: json(404, armErrors.resourceNotFound(`${NAMESPACE}/managedClusters`, name, resourceGroup)) };
  return { cluster };
}

export const managedClusterRoutes: Route = (method, path) => {
  let m: RegExpExecArray | null;
  if (method === 'GET' && (m = BY_SUBSCRIPTION.exec(path))) {
    const [, subscriptionId] = m as unknown as [string, string];
    return {
      namespace: NAMESPACE,
      action: READ,
      scope: subscriptionScope(subscriptionId),
      handle: (context) =>
        missingParent(context, subscriptionId) ??
        page(
          context.state.clustersIn(subscriptionId).map((c) => managedClusterPayload(c, context.state.tenantId)),
          context,
        ),
    };
  }
  if (method === 'GET' && (m = BY_RESOURCE_GROUP.exec(path))) {
    const [, subscriptionId, resourceGroup] = m as unknown as [string, string, string];
    return {
      namespace: NAMESPACE,
      action: READ,
      scope: resourceGroupScope(subscriptionId, resourceGroup),
      handle: (context) =>
        missingParent(context, subscriptionId, resourceGroup) ??
        page(
          context.state.clustersIn(subscriptionId, resourceGroup).map((c) => managedClusterPayload(c, context.state.tenantId)),
          context,
        ),
    };
  }
  if (method === 'GET' && (m = ONE.exec(path))) {
    const [, subscriptionId, resourceGroup, name] = m as unknown as [string, string, string, string];
    return {
      namespace: NAMESPACE,
      action: READ,
      scope: path,
      handle: (context) => {
        const found = findCluster(context, subscriptionId, resourceGroup, name);
        return found.reply ?? json(200, managedClusterPayload(found.cluster!, context.state.tenantId));
      },
    };
  }
  if (method === 'POST' && (m = USER_CREDENTIAL.exec(path))) {
    const [, subscriptionId, resourceGroup, name] = m as unknown as [string, string, string, string];
    return {
      namespace: NAMESPACE,
      action: LIST_USER_CREDENTIAL,
      scope: path.replace(/\/listClusterUserCredential$/i, ''),
      handle: (context) => {
        const found = findCluster(context, subscriptionId, resourceGroup, name);
        if (found.reply) return found.reply;
        const value = Buffer.from(clusterUserKubeconfig(found.cluster!), 'utf8').toString('base64');
        return json(200, { kubeconfigs: [{ name: 'clusterUser', value }] });
      },
    };
  }
  return undefined;
};
