/**
 * The vocabulary of a diagnosis. Everything the CLI, the bot and the alert watcher show is built from these
 * types; the JSON contract (`pulldoctor diagnose --output json`) is `DiagnosisReport`.
 */

/**
 * What to diagnose: a pod in a namespace, and for multi-cluster setups the configured name of its cluster (the
 * default cluster when absent). The CLI, the Teams bot and the alert watcher all ask with this.
 */
export interface DiagnosisTarget {
  pod: string;
  namespace: string;
  cluster?: string;
}

/** Why an image pull failed. Exactly these labels; `other` when no rule matches. */
export const CAUSES = [
  'image-not-found',
  'unauthorized',
  'forbidden',
  'dns',
  'network-timeout',
  'tls',
  'rate-limited',
  'platform-mismatch',
  'invalid-reference',
  'policy',
  'other',
] as const;
export type Cause = (typeof CAUSES)[number];

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error';
export type Verdict = 'healthy' | 'problem' | 'unknown';

/** One observation made by one check. `check` is the id of the check that made it. */
export interface Finding {
  check: string;
  status: CheckStatus;
  summary: string;
  detail?: string;
  /** What to do, in prose: no backticks and no commands inside (they are in `commands`). */
  remediation?: string;
  /** The exact commands of the remediation, in the order to run them, with the real names filled in. */
  commands?: string[];
  /**
   * On a failing finding that pinpoints why the pod fails: that root cause as a title, in this pod's own terms
   * ("Kubelet identity of shop-aks has no AcrPull on shopacr"). The diagnosis's headline comes from one of these.
   */
  headline?: string;
}

/** What to do about the root cause: one sentence, and the exact commands to run, in order (copy-safe, no backticks). */
export interface Remedy {
  text: string;
  commands: string[];
}

/** The one fix the product can apply: give the kubelet identity a pull role on the registry. */
export interface AssignAcrPullFix {
  kind: 'assign-acr-pull';
  /** Object (principal) id of the cluster's kubelet managed identity. */
  principalId: string;
  /** Resource id of the container registry. */
  scope: string;
  /** Full role definition resource id (`/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}`). */
  roleDefinitionId: string;
}
export type Fix = AssignAcrPullFix;

/**
 * The stable JSON contract. Keys and value sets are relied upon by scripts: never rename or remove; new keys are
 * added after the existing ones (`headline` and `remedy` were, for issue 12).
 */
export interface DiagnosisReport {
  pod: string;
  namespace: string;
  verdict: Verdict;
  cause: Cause | null;
  findings: Finding[];
  fix: Fix | null;
  /** The root cause in this pod's own terms, in one line: the first line of every report and the card's title. */
  headline: string;
  /** What to do about it: one sentence and the exact commands; null when there is nothing to do (healthy). */
  remedy: Remedy | null;
}

/** What kind of failure the pod shows; drives which checks apply. */
export type ProblemKind =
  | 'image-pull'
  | 'invalid-image-name'
  | 'image-never-pull'
  | 'container-config'
  | 'crash-loop'
  | 'oom-killed'
  | 'unschedulable'
  | 'pending'
  | 'terminated-error';

/** The container (or init container) whose state is the reason the pod is failing. */
export interface PodProblem {
  kind: ProblemKind;
  container: string;
  initContainer: boolean;
  image: string;
  /** The waiting/terminated reason as Kubernetes reports it, e.g. `ImagePullBackOff`. */
  reason: string;
  /** The runtime's message (from the container state or the newest matching event). */
  message?: string;
}

/** A pod event, de-duplicated, newest first. */
export interface PodEventSummary {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen?: string;
}

/** Facts worth showing next to the verdict (cards use these; the JSON contract does not include them). */
export interface Evidence {
  image?: string;
  registryHost?: string;
  registryResourceId?: string;
  kubeletIdentity?: { principalId: string; clientId?: string; resourceId?: string };
  clusterResourceId?: string;
  keyEvent?: PodEventSummary;
}

/** The full result of a diagnosis, a superset of the JSON contract. */
export interface Diagnosis extends DiagnosisReport {
  problems: PodProblem[];
  events: PodEventSummary[];
  evidence: Evidence;
  /** ISO time the diagnosis finished. */
  diagnosedAt: string;
  /** Name of the cluster as configured (multi-cluster), when known. */
  cluster?: string;
}

/** Project a diagnosis onto the exact JSON contract (no extra keys, findings with only contract keys). */
export function toReport(d: DiagnosisReport): DiagnosisReport {
  return {
    pod: d.pod,
    namespace: d.namespace,
    verdict: d.verdict,
    cause: d.cause,
    findings: d.findings.map((f) => {
      const out: Finding = { check: f.check, status: f.status, summary: f.summary };
      if (f.detail !== undefined) out.detail = f.detail;
      if (f.remediation !== undefined) out.remediation = f.remediation;
      if (f.commands !== undefined && f.commands.length > 0) out.commands = [...f.commands];
      return out;
    }),
    fix: d.fix ? { kind: d.fix.kind, principalId: d.fix.principalId, scope: d.fix.scope, roleDefinitionId: d.fix.roleDefinitionId } : null,
    headline: d.headline,
    remedy: d.remedy ? { text: d.remedy.text, commands: [...d.remedy.commands] } : null,
  };
}
