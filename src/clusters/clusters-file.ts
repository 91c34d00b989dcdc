import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PullDoctorError } from '../errors/index.js';

/**
 * The multi-cluster file (PULLDOCTOR_CONFIG): which clusters the bot serves, how to reach each one, which namespaces
 * the alert watcher watches and where alerts go.
 *
 * ```yaml
 * defaultCluster: prod
 * clusters:
 *   - name: prod                      # what users say: "on cluster prod", `--cluster prod`
 *     resourceId: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<aks>
 *     namespaces: [shop, payments]    # watched for alerts (default: all namespaces)
 *     routes:                         # alert routing: namespace (or "*") → Teams conversation id
 *       "*": "19:abc...@thread.tacv2"
 *       payments: "19:def...@thread.tacv2"
 *   - name: staging
 *     context: staging-aks            # a kubeconfig context instead of a resource id
 * ```
 */
export interface ClusterDefinition {
  name: string;
  source: { kind: 'aks'; resourceId: string } | { kind: 'context'; context: string };
  /** Namespaces the alert watcher watches; undefined means all. */
  namespaces?: string[];
  /** Alert routing: namespace or `*` → conversation id. */
  routes: Record<string, string>;
}

export interface ClustersFile {
  clusters: ClusterDefinition[];
  defaultCluster: string;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const AKS_ID =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourcegroups\/[-\w._()]+\/providers\/microsoft\.containerservice\/managedclusters\/[-\w]+$/i;
const CONVERSATION_ID = /^[^\s]{3,512}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses the file's text (YAML or JSON); one error lists every problem, each with where it is. */
export function parseClustersFile(text: string, source: string): ClustersFile {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 10, uniqueKeys: true });
  } catch (error) {
    const where = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new PullDoctorError(
      'CONFIG_INVALID',
      `${source} is not valid YAML or JSON${where ? ` (line ${where.line}, column ${where.col})` : ''}.`,
    );
  }
  const problems: string[] = [];
  const clusters: ClusterDefinition[] = [];
  if (!isRecord(doc)) {
    throw new PullDoctorError('CONFIG_INVALID', `${source} must be a mapping with a "clusters" list.`);
  }
  for (const key of Object.keys(doc))
    if (key !== 'clusters' && key !== 'defaultCluster') problems.push(`unknown key "${key}" (expected clusters, defaultCluster)`);
  const list = doc.clusters;
  if (!Array.isArray(list) || list.length === 0) problems.push('"clusters" must be a non-empty list');
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((entry: unknown, i: number) => {
    const at = `clusters[${i}]`;
    if (!isRecord(entry)) {
      problems.push(`${at} must be a mapping`);
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!['name', 'resourceId', 'context', 'namespaces', 'routes'].includes(key)) problems.push(`${at}: unknown key "${key}"`);
    }
    const name = entry.name;
    if (typeof name !== 'string' || !CLUSTER_NAME.test(name) || name.length > 63) {
      problems.push(`${at}.name must be a short lowercase name like "prod" (letters, digits, '-', '_', '.')`);
    } else if (seen.has(name)) {
      problems.push(`${at}.name "${name}" is used twice`);
    } else seen.add(name);
    const label = typeof name === 'string' ? `cluster "${name}"` : at;
    let sourceDef: ClusterDefinition['source'] | undefined;
    if (entry.resourceId !== undefined && entry.context !== undefined)
      problems.push(`${label}: give either resourceId or context, not both`);
    else if (entry.resourceId !== undefined) {
      if (typeof entry.resourceId !== 'string' || !AKS_ID.test(entry.resourceId)) {
        problems.push(
          `${label}: resourceId must be an AKS resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>)`,
        );
      } else sourceDef = { kind: 'aks', resourceId: entry.resourceId };
    } else if (entry.context !== undefined) {
      if (typeof entry.context !== 'string' || entry.context.trim() === '')
        problems.push(`${label}: context must be a kubeconfig context name`);
      else sourceDef = { kind: 'context', context: entry.context };
    } else problems.push(`${label}: give resourceId (an AKS cluster) or context (a kubeconfig context)`);

    let namespaces: string[] | undefined;
    if (entry.namespaces !== undefined) {
      if (!Array.isArray(entry.namespaces) || entry.namespaces.some((n) => typeof n !== 'string' || !NAMESPACE.test(n) || n.length > 63)) {
        problems.push(`${label}: namespaces must be a list of namespace names`);
      } else namespaces = [...new Set(entry.namespaces as string[])];
    }
    const routes: Record<string, string> = {};
    if (entry.routes !== undefined) {
      if (!isRecord(entry.routes)) problems.push(`${label}: routes must map a namespace (or "*") to a Teams conversation id`);
      else {
        for (const [ns, conversation] of Object.entries(entry.routes)) {
          if (ns !== '*' && !NAMESPACE.test(ns)) problems.push(`${label}: routes key "${ns}" is not a namespace name or "*"`);
          else if (typeof conversation !== 'string' || !CONVERSATION_ID.test(conversation))
            problems.push(`${label}: routes.${ns} must be a Teams conversation id`);
          else routes[ns] = conversation;
        }
      }
    }
    if (typeof name === 'string' && sourceDef) {
      const def: ClusterDefinition = { name, source: sourceDef, routes };
      if (namespaces) def.namespaces = namespaces;
      clusters.push(def);
    }
  });
  let defaultCluster = clusters[0]?.name ?? '';
  if (doc.defaultCluster !== undefined) {
    if (typeof doc.defaultCluster !== 'string' || !seen.has(doc.defaultCluster))
      problems.push(`defaultCluster must be the name of one of the clusters`);
    else defaultCluster = doc.defaultCluster;
  }
  if (problems.length > 0) {
    throw new PullDoctorError('CONFIG_INVALID', `${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      advice: 'Fix the cluster file (PULLDOCTOR_CONFIG) and start again; docs/deploy.md shows its format.',
    });
  }
  return { clusters, defaultCluster };
}

/**
 * PULLDOCTOR_CONFIG holds the path of the cluster file, or — handy for container platforms without config files —
 * the JSON itself (a value starting with "{").
 */
export function loadClustersFile(setting: string): ClustersFile {
  const trimmed = setting.trim();
  if (trimmed.startsWith('{')) return parseClustersFile(trimmed, 'PULLDOCTOR_CONFIG');
  let text: string;
  try {
    text = readFileSync(trimmed, 'utf8');
  } catch (error) {
    throw new PullDoctorError(
      'CONFIG_INVALID',
      `The cluster file ${trimmed} (PULLDOCTOR_CONFIG) cannot be read (${(error as { code?: string }).code ?? 'error'}).`,
    );
  }
  return parseClustersFile(text, trimmed);
}
