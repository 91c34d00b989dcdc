/**
 * Turns what @kubernetes/client-node throws into PullDoctorErrors with stable codes:
 *   - connection refused, DNS failures, resets, timeouts, TLS trust failures -> KUBE_UNREACHABLE
 *   - 401 -> KUBE_UNAUTHORIZED; 403 -> KUBE_FORBIDDEN naming the verb, resource and the RBAC rule that is missing
 *   - anything else -> KUBE_API_ERROR
 * Messages carry the server's Status message (never a request header or token); the original error stays in `cause`.
 */
import { ApiException } from '@kubernetes/client-node';
import { isPullDoctorError, PullDoctorError } from '../../errors/index.js';

/** What we were doing when it failed: a Kubernetes verb on a resource. */
export interface KubernetesOperation {
  verb: 'get' | 'list' | 'watch';
  /** Plural resource, e.g. `pods`. */
  resource: string;
  /** API group, '' for core. */
  apiGroup?: string;
  namespace?: string;
  name?: string;
}

interface ServerStatus {
  message?: string;
  reason?: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'EPROTO']);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

function describeOperation(op: KubernetesOperation): string {
  const what = op.name ? `${op.resource} "${op.name}"` : op.resource;
  return op.namespace ? `${op.verb} ${what} in namespace "${op.namespace}"` : `${op.verb} ${what}`;
}

/** The RBAC rule that would allow the operation, in the words of a Role manifest. */
export function missingRule(op: KubernetesOperation): string {
  const rule = `apiGroups: ["${op.apiGroup ?? ''}"], resources: ["${op.resource}"], verbs: ["${op.verb}"]`;
  const scope = op.namespace ? `a Role in namespace "${op.namespace}" (or a ClusterRole) bound to Pull Doctor's identity` : 'a ClusterRole bound to Pull Doctor\'s identity';
  return `Grant Pull Doctor's identity "${op.verb}" on "${op.resource}" with ${scope}: ${rule}. See infra/k8s/ for the complete role.`;
}

function serverStatus(body: unknown): ServerStatus {
  if (typeof body !== 'string' || body === '') return {};
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: unknown; reason?: unknown };
    if (parsed?.kind !== 'Status') return {};
    const status: ServerStatus = {};
    if (typeof parsed.message === 'string') status.message = parsed.message.slice(0, 500);
    if (typeof parsed.reason === 'string') status.reason = parsed.reason.slice(0, 100);
    return status;
  } catch {
    return {};
  }
}

/** The HTTP status of a failed call, when the server answered. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof ApiException && typeof error.code === 'number' ? error.code : undefined;
}

export interface ErrorContext {
  server: string;
  timeoutMs: number;
}

export function toKubernetesError(error: unknown, op: KubernetesOperation, context: ErrorContext): PullDoctorError {
  if (isPullDoctorError(error)) return error;
  const doing = describeOperation(op);
  const status = httpStatusOf(error);

  if (status !== undefined) {
    const server = serverStatus((error as ApiException<unknown>).body);
    const facts: Record<string, string | number> = { status, server: context.server, verb: op.verb, resource: op.resource };
    if (server.reason) facts.reason = server.reason;
    const said = server.message ? `: ${server.message}` : '';
    if (status === 401) {
      return new PullDoctorError('KUBE_UNAUTHORIZED', `The Kubernetes API server ${context.server} rejected Pull Doctor's credentials (401) when trying to ${doing}.`, { cause: error, facts });
    }
    if (status === 403) {
      return new PullDoctorError('KUBE_FORBIDDEN', `Pull Doctor is not allowed to ${doing}${said}`, { cause: error, facts, advice: missingRule(op) });
    }
    return new PullDoctorError('KUBE_API_ERROR', `The Kubernetes API server answered ${status}${server.reason ? ` ${server.reason}` : ''} when trying to ${doing}${said}`, { cause: error, facts });
  }

  const e = error as { name?: string; type?: string; code?: unknown; errno?: unknown };
  if (e?.name === 'AbortError' || e?.type === 'aborted' || e?.type === 'request-timeout') {
    return new PullDoctorError('KUBE_UNREACHABLE', `The Kubernetes API server ${context.server} did not answer within ${context.timeoutMs} ms (trying to ${doing}).`, {
      cause: error,
      facts: { server: context.server, timeoutMs: context.timeoutMs },
    });
  }
  const code = typeof e?.code === 'string' ? e.code : typeof e?.errno === 'string' ? e.errno : undefined;
  if (code !== undefined && TLS_CODES.has(code)) {
    return new PullDoctorError('KUBE_UNREACHABLE', `The TLS certificate of the Kubernetes API server ${context.server} is not trusted (${code}).`, {
      cause: error,
      facts: { server: context.server, code },
      advice: "Check the cluster's certificate-authority-data in the kubeconfig (re-run `az aks get-credentials`), and that no proxy intercepts TLS.",
    });
  }
  if (code !== undefined && (UNREACHABLE_CODES.has(code) || code.startsWith('UND_ERR'))) {
    return new PullDoctorError('KUBE_UNREACHABLE', `The Kubernetes API server ${context.server} cannot be reached (${code}) when trying to ${doing}.`, {
      cause: error,
      facts: { server: context.server, code },
    });
  }
  if (code === 'ENOENT' || code === 'EACCES') {
    return new PullDoctorError('KUBECONFIG_INVALID', `A file the kubeconfig refers to (token, certificate or key) cannot be read (${code}).`, { cause: error, facts: { code } });
  }
  return new PullDoctorError('KUBE_API_ERROR', `Reading from the Kubernetes API server ${context.server} failed unexpectedly when trying to ${doing}.`, {
    cause: error,
    facts: { server: context.server },
  });
}
