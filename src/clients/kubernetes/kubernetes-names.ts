/**
 * Kubernetes' names, checked once for everyone: what a chat user types (with a reason a human can act on), what the
 * configuration names (namespaces, lease and pod names) and what the Kubernetes reader is asked for. Pods and other
 * objects are DNS-1123 subdomains (≤ 253), namespaces DNS-1123 labels (≤ 63), cluster names (as configured in Pull
 * Doctor) `[a-z0-9]([-a-z0-9_.]*[a-z0-9])?` (≤ 63). A name is echoed back only when it is made of harmless
 * characters, so a reason can never carry markup or links into a card.
 */

export type NameKind = 'pod' | 'namespace' | 'cluster';

interface NameRule {
  label: string;
  maxLength: number;
  /** The characters allowed between the first and last one, described for humans. */
  allowed: string;
  inner: RegExp;
}

const RULES: Readonly<Record<NameKind, NameRule>> = {
  pod: { label: 'Pod name', maxLength: 253, allowed: "lower-case letters, digits, '-' and '.'", inner: /^[a-z0-9.-]*$/ },
  namespace: { label: 'Namespace', maxLength: 63, allowed: "lower-case letters, digits and '-'", inner: /^[a-z0-9-]*$/ },
  cluster: { label: 'Cluster name', maxLength: 63, allowed: "lower-case letters, digits, '-', '_' and '.'", inner: /^[a-z0-9_.-]*$/ },
};

const ECHO_SAFE = /^[A-Za-z0-9._-]{1,64}$/;
const ALPHANUMERIC = /^[a-z0-9]$/;

function quoted(name: string, label: string): string {
  return ECHO_SAFE.test(name) ? `${label} '${name}'` : `The ${label.toLowerCase()} you gave`;
}

/** Why `name` is not a valid name of this kind, or `undefined` when it is valid. */
export function invalidNameReason(kind: NameKind, name: string): string | undefined {
  const rule = RULES[kind];
  if (name.length === 0) return `${rule.label} is empty.`;
  if (name.length > rule.maxLength) {
    return `${rule.label} is ${name.length} characters long; Kubernetes allows at most ${rule.maxLength}.`;
  }
  const lower = name.toLowerCase();
  if (lower !== name && rule.inner.test(lower) && ALPHANUMERIC.test(lower[0]!) && ALPHANUMERIC.test(lower[lower.length - 1]!)) {
    const suggestion = ECHO_SAFE.test(lower) ? ` Did you mean '${lower}'?` : '';
    return `${quoted(name, rule.label)} has capital letters; names are lower case.${suggestion}`;
  }
  if (!rule.inner.test(name)) return `${quoted(name, rule.label)} may only contain ${rule.allowed}.`;
  if (!ALPHANUMERIC.test(name[0]!) || !ALPHANUMERIC.test(name[name.length - 1]!)) {
    return `${quoted(name, rule.label)} must start and end with a letter or a digit.`;
  }
  if (kind === 'pod' && (name.includes('..') || name.includes('.-') || name.includes('-.'))) {
    return `${quoted(name, rule.label)} has an empty or badly formed part between dots.`;
  }
  return undefined;
}

/** A DNS-1123 label (≤ 63 characters): a namespace. */
export function isDnsLabel(name: string): boolean {
  return invalidNameReason('namespace', name) === undefined;
}

/** A DNS-1123 subdomain (≤ 253 characters): a pod, secret, service account or lease. */
export function isDnsSubdomain(name: string): boolean {
  return invalidNameReason('pod', name) === undefined;
}

/** A cluster name as Pull Doctor's configuration allows it. */
export function isClusterName(name: string): boolean {
  return invalidNameReason('cluster', name) === undefined;
}
