/**
 * Where the Kubernetes client's configuration comes from: a kubeconfig found and loaded the way kubectl does, or one
 * built for a single API server (AKS clusters addressed by resource id) with a token provider that refreshes.
 */
import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import { isIPv6 } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import type { Env } from '../../config/env-reader.js';
import { PullDoctorError } from '../../errors/index.js';

/**
 * Finds and loads the kubeconfig the way kubectl does, without reading process.env (the environment is passed
 * in): an explicit YAML or path, in-cluster when asked, then KUBECONFIG (a list of files, merged, first one wins),
 * then ~/.kube/config, then the pod's service account when running in a cluster. Anything unusable is a
 * KUBECONFIG_INVALID error that says what was looked at and what to do; parser messages are never copied
 * verbatim because they can quote the file (and its tokens).
 */
export interface LoadKubeConfigOptions {
  /** One kubeconfig path, or several separated by ':' (merged like KUBECONFIG). */
  kubeconfigPath?: string | undefined;
  /** The kubeconfig itself, as YAML. */
  kubeconfigYaml?: string | undefined;
  /** Use this context instead of the kubeconfig's current-context. */
  context?: string | undefined;
  /** Use the pod's service account (requires KUBERNETES_SERVICE_HOST/PORT in `env`). */
  inCluster?: boolean | undefined;
}

export interface KubeConfigLocations {
  /** Where a pod's service account token, CA and namespace are mounted. */
  serviceAccountDir?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function invalid(message: string, advice?: string): PullDoctorError {
  return new PullDoctorError('KUBECONFIG_INVALID', message, advice === undefined ? {} : { advice });
}

/** A parse failure described without quoting the document. */
function describeParseFailure(error: unknown): string {
  const e = error as { name?: string; reason?: string; mark?: { line?: number; column?: number }; message?: string };
  if (e?.name === 'YAMLException' && e.reason) {
    const where = e.mark?.line !== undefined ? ` at line ${e.mark.line + 1}, column ${(e.mark.column ?? 0) + 1}` : '';
    return `it is not valid YAML (${e.reason}${where})`;
  }
  if (typeof e?.message === 'string' && /^(clusters|users|contexts)\[\d+\]\.[\w.-]+ is missing$/.test(e.message)) return e.message;
  return 'it could not be parsed';
}

function parse(yaml: string, source: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromString(yaml);
  } catch (error) {
    throw invalid(`The kubeconfig ${source} cannot be used: ${describeParseFailure(error)}.`);
  }
  return config;
}

function loadFile(path: string): KubeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(`The kubeconfig file ${path} cannot be read (${code ?? 'error'}).`);
  }
  const config = parse(text, `file ${path}`);
  // relative certificate-authority / client-certificate paths are relative to the file, as in kubectl
  config.makePathsAbsolute(dirname(path));
  return config;
}

/** kubectl's merge: the first file that sets current-context wins, and the first entry of each name wins. */
function merge(configs: KubeConfig[]): KubeConfig {
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Set<string>();
    return lists.flat().filter((item) => (seen.has(item.name) ? false : (seen.add(item.name), true)));
  };
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName<Cluster>(configs.map((c) => c.getClusters())),
    users: firstByName<User>(configs.map((c) => c.getUsers())),
    contexts: firstByName<Context>(configs.map((c) => c.getContexts())),
    currentContext: configs.map((c) => c.getCurrentContext()).find((name) => name !== undefined && name !== ''),
  });
  return merged;
}

function loadPathList(list: string, source: string): KubeConfig {
  const paths = list.split(delimiter).filter((p) => p !== '');
  if (paths.length === 1) {
    if (!existsSync(paths[0]!)) throw invalid(`The kubeconfig file ${paths[0]} (${source}) does not exist.`);
    return loadFile(paths[0]!);
  }
  const existing = paths.filter((p) => existsSync(p));
  if (existing.length === 0) throw invalid(`None of the kubeconfig files in ${source} exists: ${paths.join(', ')}.`);
  return merge(existing.map(loadFile));
}

function loadInCluster(env: Env, serviceAccountDir: string): KubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host)
    throw invalid('In-cluster configuration was requested but KUBERNETES_SERVICE_HOST is not set: Pull Doctor is not running in a pod.');
  const tokenFile = join(serviceAccountDir, 'token');
  const caFile = join(serviceAccountDir, 'ca.crt');
  if (!existsSync(tokenFile) || !existsSync(caFile)) {
    throw invalid(
      `In-cluster configuration was requested but the service account token is not mounted at ${serviceAccountDir}.`,
      'Set automountServiceAccountToken: true on the Pull Doctor pod (or its service account), or give it a kubeconfig.',
    );
  }
  const namespaceFile = join(serviceAccountDir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const config = new KubeConfig();
  const context: Context = namespace
    ? { name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace }
    : { name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser' };
  config.loadFromOptions({
    clusters: [{ name: 'inCluster', server, caFile, skipTLSVerify: false }],
    // the tokenFile provider re-reads the file, so projected (rotating) tokens keep working
    users: [{ name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [context],
    currentContext: 'inClusterContext',
  });
  return config;
}

function select(config: KubeConfig, options: LoadKubeConfigOptions, source: string): KubeConfig {
  const contexts = config.getContexts().map((c) => c.name);
  if (options.context !== undefined) {
    if (!contexts.includes(options.context)) {
      throw invalid(
        `The context "${options.context}" is not in the kubeconfig (${source}); it has: ${contexts.join(', ') || 'no contexts'}.`,
        'Pick one of the listed contexts (KUBE_CONTEXT), or `kubectl config get-contexts` to see them.',
      );
    }
    config.setCurrentContext(options.context);
  }
  const current = config.getCurrentContext();
  if (!current || config.getContextObject(current) === null) {
    throw invalid(
      `The kubeconfig (${source}) has no usable current context${contexts.length > 0 ? `; it has: ${contexts.join(', ')}` : ''}.`,
      'Choose a context with KUBE_CONTEXT or `kubectl config use-context NAME`.',
    );
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw invalid(`The context "${current}" in the kubeconfig (${source}) refers to a cluster that is not defined.`);
  for (const [what, file] of [
    ['certificate-authority', cluster.caFile],
    ['client-certificate', config.getCurrentUser()?.certFile],
    ['client-key', config.getCurrentUser()?.keyFile],
  ] as const) {
    if (file !== undefined && !existsSync(file))
      throw invalid(`The ${what} file ${file} named in the kubeconfig (${source}) does not exist.`);
  }
  return config;
}

/**
 * Loads a kubeconfig. `env` is the process environment (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT); only the
 * entry point reads process.env.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions, env: Env = {}, locations: KubeConfigLocations = {}): KubeConfig {
  const serviceAccountDir = locations.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (options.kubeconfigYaml !== undefined) return select(parse(options.kubeconfigYaml, 'given as YAML'), options, 'given as YAML');
  if (options.kubeconfigPath !== undefined)
    return select(loadPathList(options.kubeconfigPath, 'the configured path'), options, options.kubeconfigPath);
  if (options.inCluster) return select(loadInCluster(env, serviceAccountDir), options, 'in-cluster service account');
  if (env.KUBECONFIG !== undefined && env.KUBECONFIG.trim() !== '')
    return select(loadPathList(env.KUBECONFIG, 'KUBECONFIG'), options, `KUBECONFIG=${env.KUBECONFIG}`);
  if (env.HOME) {
    const home = join(env.HOME, '.kube', 'config');
    if (existsSync(home)) return select(loadFile(home), options, home);
  }
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(serviceAccountDir, 'token')))
    return select(loadInCluster(env, serviceAccountDir), options, 'in-cluster service account');
  throw invalid(
    `No kubeconfig found: KUBECONFIG is not set, ${env.HOME ? `${join(env.HOME, '.kube', 'config')} does not exist` : 'HOME is not set'}, and Pull Doctor is not running in a pod.`,
  );
}

/**
 * A KubeConfig for one API server without a kubeconfig file: for AKS clusters addressed by resource id, the server
 * URL and CA come from ARM and the credential is an Entra token from a provider function, asked for on every
 * request (the provider caches and refreshes; see refreshingToken). Static tokens and client certificates work too.
 */

/** Returns a bearer token; called before every request, so it must cache (see refreshingToken). */
export type TokenProvider = () => Promise<string> | string;

export interface ServerCredentials {
  /** `https://shop-aks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io:443` */
  server: string;
  /** The cluster CA: PEM, or base64 of PEM as in kubeconfig's certificate-authority-data. */
  caData?: string;
  /** A static bearer token, or a provider of fresh ones. */
  token?: string | TokenProvider;
  /** Client certificate and key: PEM or base64 of PEM. */
  clientCert?: string;
  clientKey?: string;
  /** Name of the cluster entry (shown as the reader's clusterName). */
  name?: string;
  /** SNI / certificate name to expect when it differs from the server host. */
  tlsServerName?: string;
}

const PROVIDER_NAME = 'pull-doctor-token-provider';

function base64Pem(value: string): string {
  return value.includes('-----BEGIN') ? Buffer.from(value).toString('base64') : value.replace(/\s+/g, '');
}

/** A client-node authenticator that asks the provider for a token each time a request is prepared. */
class TokenProviderAuthenticator {
  constructor(private readonly provider: TokenProvider) {}

  isAuthProvider(user: User): boolean {
    return (user.authProvider as { name?: string } | undefined)?.name === PROVIDER_NAME;
  }

  async applyAuthentication(_user: User, opts: https.RequestOptions): Promise<void> {
    const token = await this.provider();
    if (typeof token !== 'string' || token === '')
      throw new PullDoctorError('KUBE_UNAUTHORIZED', 'The token provider returned no token for the Kubernetes API server.');
    opts.headers = { ...(opts.headers ?? {}), Authorization: `Bearer ${token}` };
  }
}

export function kubeConfigForServer(credentials: ServerCredentials): KubeConfig {
  let url: URL;
  try {
    url = new URL(credentials.server);
  } catch {
    throw new PullDoctorError('KUBECONFIG_INVALID', `The API server address "${credentials.server}" is not a URL.`);
  }
  if (url.protocol !== 'https:')
    throw new PullDoctorError('KUBECONFIG_INVALID', `The API server address "${credentials.server}" must use https.`);
  if ((credentials.clientCert === undefined) !== (credentials.clientKey === undefined)) {
    throw new PullDoctorError('KUBECONFIG_INVALID', 'A client certificate needs its key, and a key its certificate.');
  }
  const name = credentials.name ?? url.hostname;
  const cluster: { name: string; server: string; skipTLSVerify: boolean; caData?: string; tlsServerName?: string } = {
    name,
    server: credentials.server.replace(/\/+$/, ''),
    skipTLSVerify: false,
  };
  if (credentials.caData !== undefined) cluster.caData = base64Pem(credentials.caData);
  if (credentials.tlsServerName !== undefined) cluster.tlsServerName = credentials.tlsServerName;

  const user: { name: string; token?: string; certData?: string; keyData?: string; authProvider?: unknown } = { name: `${name}-user` };
  if (typeof credentials.token === 'string') user.token = credentials.token;
  if (typeof credentials.token === 'function') user.authProvider = { name: PROVIDER_NAME, config: {} };
  if (credentials.clientCert !== undefined) user.certData = base64Pem(credentials.clientCert);
  if (credentials.clientKey !== undefined) user.keyData = base64Pem(credentials.clientKey);

  const config = new KubeConfig();
  if (typeof credentials.token === 'function') config.addAuthenticator(new TokenProviderAuthenticator(credentials.token));
  config.loadFromOptions({
    clusters: [cluster],
    users: [user as User],
    contexts: [{ name, cluster: name, user: user.name }],
    currentContext: name,
  });
  return config;
}

/**
 * Turns a token source with expiry (an @azure/identity credential's getToken, for instance) into a TokenProvider
 * that serves the cached token and fetches a new one shortly before it expires. Concurrent callers share one fetch.
 */

export interface ExpiringToken {
  token: string;
  /** Milliseconds since the epoch, as in @azure/core-auth's AccessToken. */
  expiresOnTimestamp: number;
}

export interface RefreshingTokenOptions {
  /** Fetch a new token this long before the current one expires (default 5 minutes). */
  refreshBeforeMs?: number;
  now?: () => number;
}

export function refreshingToken(fetchToken: () => Promise<ExpiringToken | null>, options: RefreshingTokenOptions = {}): TokenProvider {
  const refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
  const now = options.now ?? (() => Date.now());
  let current: ExpiringToken | undefined;
  let inFlight: Promise<string> | undefined;

  const refresh = async (): Promise<string> => {
    const next = await fetchToken();
    if (!next || !next.token) throw new PullDoctorError('KUBE_UNAUTHORIZED', 'No token could be obtained for the Kubernetes API server.');
    current = next;
    return next.token;
  };

  return () => {
    if (current && now() < current.expiresOnTimestamp - refreshBeforeMs) return Promise.resolve(current.token);
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
