import { parseResourceId } from '../clients/azure/resource-id.js';
import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import type { Diagnosis, Fix } from '../diagnosis/types.js';
import type { Rediagnose, RediagnosisSummary } from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import type { ClusterConnections } from './cluster-connections.js';

const sameFix = (a: Fix, b: Fix) =>
  a.principalId.toLowerCase() === b.principalId.toLowerCase() && a.scope.toLowerCase() === b.scope.toLowerCase() && a.roleDefinitionId.toLowerCase() === b.roleDefinitionId.toLowerCase();

/** What the diagnosis after a fix says, in a sentence for the approval card and the audit log. */
export function rediagnosisSummary(d: Diagnosis, fix: Fix): RediagnosisSummary {
  const registry = parseResourceId(fix.scope).name ?? 'the registry';
  const base = { verdict: d.verdict, cause: d.cause };
  if (d.verdict === 'healthy') return { ...base, summary: 'The pod is healthy now.' };
  if (d.fix !== null && sameFix(d.fix, fix)) {
    return { ...base, summary: `The diagnosis still finds no role that lets the kubelet identity pull from ${registry}: a new role assignment can take a minute or two to take effect. Re-run the checks shortly.` };
  }
  const still = d.findings.find((f) => f.status === 'fail' && f.check !== 'acr-pull-role');
  const now = `The kubelet identity's roles now allow pulling from ${registry}.`;
  if (d.verdict === 'unknown') return { ...base, summary: `${now} Some checks could not run, so there is no verdict for the pod yet.` };
  return {
    ...base,
    summary: still
      ? `${now} The pod still reports: ${still.summary} It should change at the kubelet's next pull attempt.`
      : `${now} The pod is not healthy yet; it should change at the kubelet's next pull attempt.`,
  };
}

/**
 * The re-diagnosis after a fix, through the bot's cluster clients (built once per process) and the engine: the
 * request's cluster by its configured name (the only cluster when the bot knows no names).
 */
export function rediagnoseWithEngine(clusters: ClusterConnections, log: Logger): Rediagnose {
  return async (request) => {
    const name = request.cluster.name;
    const { connection, dependencies } = await clusters.connect(name !== undefined && clusters.names.length > 0 ? name : undefined);
    const cluster = name ?? connection.name;
    const d = await diagnosePod(
      { pod: request.pod.name, namespace: request.pod.namespace, ...(cluster ? { cluster } : {}) },
      { ...dependencies, log: log.child({ fixRequestId: request.id, rediagnosis: true }) },
    );
    return rediagnosisSummary(d, request.fix);
  };
}
