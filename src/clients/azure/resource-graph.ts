/**
 * Azure Resource Graph as the diagnosis uses it: the KQL it sends (values checked, then quoted), and its rows
 * (ARM's JSON: `properties` nested, wire names) turned into the models of the generated ARM clients, so that one
 * mapping (azure-reader.ts) makes ManagedClusterInfo and RegistryInfo whichever API a resource was read from.
 *
 * Resource Graph answers for every subscription the credential can read when the request names none, which is how
 * a registry in a hub subscription is found from a spoke cluster.
 */
import type { ManagedCluster } from '@azure/arm-containerservice';
import type { Registry } from '@azure/arm-containerregistry';

/** What one query looks for: the cluster by API server host or name, the registries by login server. */
export interface ResourceSearch {
  /** Hosts of the kubeconfig's API server URL: matched against each cluster's `fqdn` and `privateFQDN`. */
  apiServerHosts: string[];
  /** The kubeconfig's cluster names, matched against cluster names (for a server behind an IP or a proxy). */
  clusterNames: string[];
  /** Registry login servers (`shopacr.azurecr.io`). */
  loginServers: string[];
}

/** A registry as the "did you mean" list needs it. */
export interface RegistrySummary {
  id: string;
  name: string;
  loginServer: string;
}

/** Most rows one query returns (Resource Graph's largest page); the searches here match a handful. */
export const RESOURCE_GRAPH_TOP = 1000;

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** AKS cluster names: letters, digits, `-` and `_`, starting with a letter or digit, at most 63. */
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** A KQL string literal. Values are checked against strict patterns first; quoting is the second line of defence. */
export function kqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function list(values: string[]): string {
  return `(${values.map(kqlString).join(', ')})`;
}

/** The search with every value checked: hosts lowercase DNS names, cluster names AKS names; the rest dropped. */
export function cleanSearch(search: ResourceSearch): ResourceSearch {
  const hosts = (values: string[]) => [...new Set(values.map((v) => v.trim().toLowerCase()).filter((v) => HOST.test(v)))];
  return {
    apiServerHosts: hosts(search.apiServerHosts),
    clusterNames: [...new Set(search.clusterNames.filter((n) => CLUSTER_NAME.test(n)))],
    loginServers: hosts(search.loginServers),
  };
}

/**
 * One query for the cluster and the registries, or undefined when there is nothing to look for:
 *
 *     resources
 *     | where (type =~ 'microsoft.containerservice/managedclusters'
 *              and (tostring(properties.fqdn) in~ (…) or tostring(properties.privateFQDN) in~ (…) or name in~ (…)))
 *          or (type =~ 'microsoft.containerregistry/registries' and tostring(properties.loginServer) in~ (…))
 *     | project id, name, type, location, subscriptionId, resourceGroup, sku, properties
 */
export function resourceSearchQuery(search: ResourceSearch): string | undefined {
  const { apiServerHosts, clusterNames, loginServers } = cleanSearch(search);
  const cluster = [
    ...(apiServerHosts.length > 0
      ? [`tostring(properties.fqdn) in~ ${list(apiServerHosts)}`, `tostring(properties.privateFQDN) in~ ${list(apiServerHosts)}`]
      : []),
    ...(clusterNames.length > 0 ? [`name in~ ${list(clusterNames)}`] : []),
  ];
  const clauses = [
    ...(cluster.length > 0 ? [`(type =~ 'microsoft.containerservice/managedclusters' and (${cluster.join(' or ')}))`] : []),
    ...(loginServers.length > 0
      ? [`(type =~ 'microsoft.containerregistry/registries' and tostring(properties.loginServer) in~ ${list(loginServers)})`]
      : []),
  ];
  if (clauses.length === 0) return undefined;
  return [
    'resources',
    `| where ${clauses.join('\n    or ')}`,
    '| project id, name, type, location, subscriptionId, resourceGroup, sku, properties',
  ].join('\n');
}

/** Every registry the credential can read, in few columns (for "did you mean"). */
export const REGISTRY_SUMMARIES_QUERY = [
  'resources',
  "| where type =~ 'microsoft.containerregistry/registries'",
  '| project id, name, loginServer = tostring(properties.loginServer)',
].join('\n');

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function flag(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * The rows of a Resource Graph answer. The generated client declares `data` a Dictionary, so core-client hands the
 * wire's array over as an object keyed "0", "1", …; either form is read, in order.
 */
export function graphRows(data: unknown): Json[] {
  const values = Array.isArray(data) ? data : typeof data === 'object' && data !== null ? Object.values(data) : [];
  return values.flatMap((v) => {
    const row = record(v);
    return row ? [row] : [];
  });
}

export function isClusterRow(row: Json): boolean {
  return text(row.type)?.toLowerCase() === 'microsoft.containerservice/managedclusters';
}

export function isRegistryRow(row: Json): boolean {
  return text(row.type)?.toLowerCase() === 'microsoft.containerregistry/registries';
}

/** A `managedClusters` row as @azure/arm-containerservice's ManagedCluster (the fields the diagnosis reads). */
export function managedClusterModel(row: Json): ManagedCluster {
  const p = record(row.properties) ?? {};
  const kubelet = record(record(p.identityProfile)?.kubeletidentity);
  const power = text(record(p.powerState)?.code);
  const spClientId = text(record(p.servicePrincipalProfile)?.clientId);
  const model = {
    location: text(row.location) ?? '',
    id: text(row.id),
    name: text(row.name),
    fqdn: text(p.fqdn),
    privateFqdn: text(p.privateFQDN),
    provisioningState: text(p.provisioningState),
    powerState: power === undefined ? undefined : { code: power },
    servicePrincipalProfile: spClientId === undefined ? undefined : { clientId: spClientId },
    identityProfile: kubelet && {
      kubeletidentity: { objectId: text(kubelet.objectId), clientId: text(kubelet.clientId), resourceId: text(kubelet.resourceId) },
    },
  };
  return model as ManagedCluster;
}

/** A `registries` row as @azure/arm-containerregistry's Registry (the fields the diagnosis reads). */
export function registryModel(row: Json): Registry {
  const p = record(row.properties) ?? {};
  const sku = text(record(row.sku)?.name);
  const rules = record(p.networkRuleSet);
  const model = {
    location: text(row.location) ?? '',
    sku: { name: sku ?? '' },
    id: text(row.id),
    name: text(row.name),
    loginServer: text(p.loginServer),
    adminUserEnabled: flag(p.adminUserEnabled),
    anonymousPullEnabled: flag(p.anonymousPullEnabled),
    dataEndpointEnabled: flag(p.dataEndpointEnabled),
    publicNetworkAccess: text(p.publicNetworkAccess),
    networkRuleBypassOptions: text(p.networkRuleBypassOptions),
    roleAssignmentMode: text(p.roleAssignmentMode),
    networkRuleSet: rules && {
      defaultAction: text(rules.defaultAction) ?? 'Allow',
      ipRules: (Array.isArray(rules.ipRules) ? rules.ipRules : []).flatMap((r) => {
        const value = text(record(r)?.value);
        return value === undefined ? [] : [{ iPAddressOrRange: value }];
      }),
    },
    privateEndpointConnections: (Array.isArray(p.privateEndpointConnections) ? p.privateEndpointConnections : []).flatMap((c) => {
      const connection = record(c);
      if (!connection) return [];
      const cp = record(connection.properties) ?? {};
      return [
        {
          id: text(connection.id),
          privateEndpoint: { id: text(record(cp.privateEndpoint)?.id) },
          privateLinkServiceConnectionState: { status: text(record(cp.privateLinkServiceConnectionState)?.status) },
        },
      ];
    }),
  };
  return model as Registry;
}

/** A row of REGISTRY_SUMMARIES_QUERY, or undefined when it lacks a field. */
export function registrySummary(row: Json): RegistrySummary | undefined {
  const id = text(row.id);
  const name = text(row.name);
  const loginServer = text(row.loginServer);
  return id && name && loginServer ? { id, name, loginServer } : undefined;
}
