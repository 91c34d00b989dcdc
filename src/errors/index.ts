import { redactText } from '../logging/redact.js';

/**
 * Stable error codes. Users, scripts and the advice sink rely on these strings: add, never rename.
 */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'INVALID_INPUT',
  'POD_NOT_FOUND',
  'POD_AMBIGUOUS',
  'NAMESPACE_NOT_FOUND',
  'KUBE_UNREACHABLE',
  'KUBE_UNAUTHORIZED',
  'KUBE_FORBIDDEN',
  'KUBE_API_ERROR',
  'KUBECONFIG_INVALID',
  'AZURE_CREDENTIAL_UNAVAILABLE',
  'AZURE_UNAUTHORIZED',
  'AZURE_FORBIDDEN',
  'AZURE_NOT_FOUND',
  'AZURE_THROTTLED',
  'AZURE_API_ERROR',
  'REGISTRY_UNREACHABLE',
  'STORE_CONFLICT',
  'STORE_UNAVAILABLE',
  'FIX_REFUSED',
  'FIX_FAILED',
  'TEAMS_SEND_FAILED',
  'BUSY',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An error we understand. `message` is safe to show to a human (it never contains secrets); `advice` says what
 * the operator can do about it. The original error, if any, stays in `cause` for logs only.
 */
/** Marks every PullDoctorError, whichever copy of this module made it (see Symbol.hasInstance below). */
const BRAND = Symbol.for('pulldoctor.PullDoctorError');

export class PullDoctorError extends Error {
  /**
   * `instanceof PullDoctorError` holds for an error made by another copy of this module too: commands the CLI
   * imports dynamically may get their own copy (tsx under mocha loads a module once for require and once for
   * import). Subclasses (ConfigError) keep the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== PullDoctorError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly advice?: string;
  /** Extra, non-secret facts (status codes, resource ids) for logs and cards. */
  readonly facts: Readonly<Record<string, string | number | boolean>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { advice?: string | undefined; cause?: unknown; facts?: Record<string, string | number | boolean> | undefined } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PullDoctorError';
    this.code = code;
    if (options.advice !== undefined) this.advice = options.advice;
    this.facts = options.facts ?? {};
  }
}

export function isPullDoctorError(value: unknown): value is PullDoctorError {
  return value instanceof PullDoctorError;
}

/** What a human sees about a failure: a title, what happened, and what to do. Never a stack trace. */
export interface ErrorAdvice {
  code: ErrorCode;
  title: string;
  message: string;
  advice: string;
}

const TITLES: Record<ErrorCode, string> = {
  CONFIG_INVALID: 'The configuration is invalid',
  INVALID_INPUT: 'That request is not valid',
  POD_NOT_FOUND: 'Pod not found',
  POD_AMBIGUOUS: 'Which pod?',
  NAMESPACE_NOT_FOUND: 'Namespace not found',
  KUBE_UNREACHABLE: 'The Kubernetes API server cannot be reached',
  KUBE_UNAUTHORIZED: 'The Kubernetes API server rejected our credentials',
  KUBE_FORBIDDEN: 'Not allowed to read this from Kubernetes',
  KUBE_API_ERROR: 'The Kubernetes API returned an error',
  KUBECONFIG_INVALID: 'The kubeconfig cannot be used',
  AZURE_CREDENTIAL_UNAVAILABLE: 'No Azure credential is available',
  AZURE_UNAUTHORIZED: 'Azure rejected our credentials',
  AZURE_FORBIDDEN: 'Not allowed to read this from Azure',
  AZURE_NOT_FOUND: 'Azure resource not found',
  AZURE_THROTTLED: 'Azure is throttling our requests',
  AZURE_API_ERROR: 'Azure Resource Manager returned an error',
  REGISTRY_UNREACHABLE: 'The container registry cannot be reached',
  STORE_CONFLICT: 'Someone else changed this at the same time',
  STORE_UNAVAILABLE: 'The bot state store is unavailable',
  FIX_REFUSED: 'The fix was refused',
  FIX_FAILED: 'The fix could not be applied',
  TEAMS_SEND_FAILED: 'The message could not be sent to Teams',
  BUSY: 'Pull Doctor is busy',
  INTERNAL: 'Something went wrong inside Pull Doctor',
};

const DEFAULT_ADVICE: Record<ErrorCode, string> = {
  CONFIG_INVALID: 'Fix the settings listed above and start again.',
  INVALID_INPUT: 'Check the spelling and try again; help lists what is understood.',
  POD_NOT_FOUND: "Check the pod name and the namespace: kubectl get pods lists a namespace's pods.",
  POD_AMBIGUOUS: "Pick one of the pods, or name it in full: kubectl get pods lists a namespace's pods.",
  NAMESPACE_NOT_FOUND: 'Check the namespace name: kubectl get namespaces lists them.',
  KUBE_UNREACHABLE:
    'Check that the cluster is running and that its API server is reachable from where Pull Doctor runs (authorized IP ranges, private cluster networking).',
  KUBE_UNAUTHORIZED: 'Refresh the kubeconfig credentials (az aks get-credentials) or check the identity Pull Doctor uses.',
  KUBE_FORBIDDEN: "Grant Pull Doctor's identity get/list on pods, events, serviceaccounts and get on secrets (see infra/k8s/).",
  KUBE_API_ERROR: 'Retry in a moment; if it persists, check the API server health.',
  KUBECONFIG_INVALID:
    'Point KUBECONFIG at a valid kubeconfig (az aks get-credentials writes one), or run Pull Doctor in the cluster with a service account.',
  AZURE_CREDENTIAL_UNAVAILABLE:
    'Choose a credential with AZURE_CREDENTIAL (cli, managed-identity, workload-identity, environment) and make sure it can sign in.',
  AZURE_UNAUTHORIZED: 'Sign in again (az login) or check the managed identity configuration.',
  AZURE_FORBIDDEN: "Grant Pull Doctor's identity Reader on the cluster and the registry.",
  AZURE_NOT_FOUND: 'Check the resource id and the subscription (AZURE_SUBSCRIPTION_ID).',
  AZURE_THROTTLED: 'Wait a minute and try again.',
  AZURE_API_ERROR: 'Retry in a moment; check https://status.azure.com if it persists.',
  REGISTRY_UNREACHABLE: 'Check DNS and network access to the registry from where Pull Doctor runs.',
  STORE_CONFLICT: 'Reload and try again.',
  STORE_UNAVAILABLE:
    'Check the state store the message names: for SQLite (STORE_SQLITE_PATH), the file, its folder and the disk; for Azure Blob, that the storage account is reachable and that the identity may use the container.',
  FIX_REFUSED: 'Ask an approver to review the request.',
  FIX_FAILED:
    'See the reason above. A failed request cannot be approved again: once the cause is fixed, diagnose the pod again and request a new fix.',
  TEAMS_SEND_FAILED: 'Check that the bot is still installed in the conversation.',
  BUSY: 'Try again in a minute or two.',
  INTERNAL: 'Try again; if it happens again, share the time and the request id with the Pull Doctor maintainers.',
};

/**
 * The one sink that turns any thrown value into advice a human can act on. Unknown errors become INTERNAL with a
 * generic message: their text may contain secrets or stack details, so it only goes to the logs.
 */
export function describeError(error: unknown): ErrorAdvice {
  if (isPullDoctorError(error)) {
    return {
      code: error.code,
      title: TITLES[error.code],
      message: redactText(error.message),
      advice: error.advice ?? DEFAULT_ADVICE[error.code],
    };
  }
  return {
    code: 'INTERNAL',
    title: TITLES.INTERNAL,
    message: 'An unexpected error occurred.',
    advice: DEFAULT_ADVICE.INTERNAL,
  };
}
