/**
 * Discovery documents (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`, `/version`) shaped like those of
 * an AKS API server, generated from the resources the fake serves. kubectl resolves `pod`, `po`, `events`... with them.
 */
import { RESOURCE_TYPES, apiVersionOf, type ResourceType } from './resource-types.js';

export interface ServerVersion {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** What `/version` of an AKS 1.31 control plane reports. */
export const DEFAULT_SERVER_VERSION: ServerVersion = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.7',
  gitCommit: 'da53e9a9c4e8e0e13a4eb3a7b8e5e1b3e8d2c4f1',
  gitTreeState: 'clean',
  buildDate: '2025-03-12T10:13:55Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of RESOURCE_TYPES) {
    if (t.group === '') continue;
    const versions = out.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    out.set(t.group, versions);
  }
  return out;
}

function apiGroup(name: string, versions: string[]) {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0]! };
}

export function coreApiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups()].map(([name, versions]) => apiGroup(name, versions)) };
}

/** `/apis/<group>`, or undefined for a group the fake does not serve. */
export function apiGroupDocument(group: string) {
  const versions = groups().get(group);
  return versions === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

function resourceEntries(t: ResourceType) {
  const main: Record<string, unknown> = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: [...t.verbs],
  };
  if (t.shortNames) main.shortNames = [...t.shortNames];
  if (t.categories) main.categories = [...t.categories];
  const subresources = (t.subresources ?? []).map((sub) => ({
    name: `${t.plural}/${sub}`,
    singularName: '',
    namespaced: t.namespaced,
    kind: sub === 'scale' ? 'Scale' : sub === 'token' ? 'TokenRequest' : t.kind,
    ...(sub === 'scale'
      ? { group: 'autoscaling', version: 'v1' }
      : sub === 'token'
        ? { group: 'authentication.k8s.io', version: 'v1' }
        : {}),
    verbs: sub === 'log' ? ['get'] : sub === 'token' ? ['create'] : sub === 'finalize' ? ['update'] : ['get', 'patch', 'update'],
  }));
  return [main, ...subresources];
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined for a group version the fake does not serve. */
export function apiResourceList(group: string, version: string) {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const groupVersion = apiVersionOf(types[0]!);
  const resources = types.flatMap(resourceEntries);
  return group === ''
    ? { kind: 'APIResourceList', groupVersion, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}
