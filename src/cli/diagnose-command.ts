import { parseArgs } from 'node:util';
import { parseConfig } from '../config/index.js';
import { buildDiagnosisDependencies } from '../clusters/cluster-connections.js';
import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import { toReport } from '../diagnosis/types.js';
import { PullDoctorError } from '../errors/index.js';
import { createLogger, streamSink } from '../logging/index.js';
import { isDnsLabel, isDnsSubdomain } from '../clients/kubernetes/kubernetes-names.js';
import { renderTextReport } from './render-text-report.js';
import type { ClusterConnection } from '../clusters/cluster-registry.js';
import { EXIT, write, type CliIo } from './io.js';

export const DIAGNOSE_USAGE = `Usage: pulldoctor diagnose POD [-n NAMESPACE] [--cluster NAME | --context CTX] [--cluster-id AKS_RESOURCE_ID] [--output text|json]

Why is this pod failing? Reads the pod, its events, pull secrets and service account, classifies the cause and
runs the registry connectivity checks (DNS, HTTPS, image existence, AKS kubelet identity roles, ACR network rules).

  -n, --namespace   namespace of the pod (default: "default")
      --cluster     a cluster named in the cluster file (PULLDOCTOR_CONFIG; default: its defaultCluster)
      --context     kubeconfig context (default: KUBE_CONTEXT or the current context)
      --cluster-id  resource id of the AKS cluster (default: found by the API server host in AZURE_SUBSCRIPTION_ID)
  -o, --output      text (default) or json

Environment: KUBECONFIG, PULLDOCTOR_CONFIG, AZURE_CREDENTIAL (cli|managed-identity|workload-identity|environment|default),
AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_MANAGER_ENDPOINT, LOG_LEVEL.
Exit codes: 0 diagnosed (healthy or not), 2 bad input or pod not found, 1 other errors.`;

const CLUSTER_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/i;

export async function runDiagnose(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      context: { type: 'string' },
      cluster: { type: 'string' },
      'cluster-id': { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    write(io.stdout, DIAGNOSE_USAGE);
    return EXIT.ok;
  }
  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json')
    throw new PullDoctorError('INVALID_INPUT', `--output must be text or json (got "${output}").`);
  if (positionals.length !== 1)
    throw new PullDoctorError(
      'INVALID_INPUT',
      positionals.length === 0 ? 'Which pod? Give its name.' : `One pod at a time (got ${positionals.join(', ')}).`,
      { advice: DIAGNOSE_USAGE },
    );
  const pod = positionals[0]!;
  const namespace = values.namespace ?? 'default';
  if (!isDnsSubdomain(pod))
    throw new PullDoctorError(
      'INVALID_INPUT',
      `"${pod}" is not a valid pod name (lowercase letters, digits, '-' and '.', at most 253 characters).`,
    );
  if (!isDnsLabel(namespace))
    throw new PullDoctorError(
      'INVALID_INPUT',
      `"${namespace}" is not a valid namespace name (lowercase letters, digits and '-', at most 63 characters).`,
    );
  const clusterId = values['cluster-id'];
  if (clusterId !== undefined && !CLUSTER_ID.test(clusterId)) {
    throw new PullDoctorError(
      'INVALID_INPUT',
      `--cluster-id must be an AKS resource id like /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>.`,
    );
  }

  if (values.cluster !== undefined && values.context !== undefined)
    throw new PullDoctorError('INVALID_INPUT', 'Give --cluster or --context, not both.');

  const config = parseConfig(io.env);
  const log = createLogger({ level: config.logging.level === 'info' ? 'warn' : config.logging.level, sink: streamSink(io.stderr) }).child({
    command: 'diagnose',
  });
  let connection: ClusterConnection | undefined;
  if (values.context === undefined && (config.clusters.configFile !== undefined || values.cluster !== undefined)) {
    // A cluster file: its clusters may be addressed by AKS resource id, through ARM (loaded only then).
    const [{ loadClustersFile }, { createClusterRegistry }, { createAzureCredential }] = await Promise.all([
      import('../clusters/clusters-file.js'),
      import('../clusters/cluster-registry.js'),
      import('../clients/azure/create-azure-credential.js'),
    ]);
    const file = config.clusters.configFile !== undefined ? loadClustersFile(config.clusters.configFile) : null;
    const credential = io.overrides?.azureCredential !== undefined ? io.overrides.azureCredential : createAzureCredential(config.azure);
    const registry = createClusterRegistry(file, {
      env: io.env,
      kubernetes: config.kubernetes,
      credential,
      armEndpoint: config.azure.resourceManagerEndpoint,
      log,
    });
    connection = await registry.connect(values.cluster);
  }
  const deps = buildDiagnosisDependencies(
    config,
    io.env,
    { context: values.context || undefined, clusterId: clusterId || undefined, connection },
    log,
    io.overrides,
  );
  const diagnosis = await diagnosePod({ pod, namespace, ...(connection && connection.name ? { cluster: connection.name } : {}) }, deps);
  write(io.stdout, output === 'json' ? JSON.stringify(toReport(diagnosis), null, 2) : renderTextReport(diagnosis));
  return EXIT.ok;
}
