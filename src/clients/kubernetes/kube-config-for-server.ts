/**
 * A KubeConfig for one API server without a kubeconfig file: for AKS clusters addressed by resource id, the server
 * URL and CA come from ARM and the credential is an Entra token from a provider function, asked for on every
 * request (the provider caches and refreshes; see refreshingToken). Static tokens and client certificates work too.
 */
import type https from 'node:https';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { PullDoctorError } from '../../errors/index.js';

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
    if (typeof token !== 'string' || token === '') throw new PullDoctorError('KUBE_UNAUTHORIZED', 'The token provider returned no token for the Kubernetes API server.');
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
  if (url.protocol !== 'https:') throw new PullDoctorError('KUBECONFIG_INVALID', `The API server address "${credentials.server}" must use https.`);
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
  config.loadFromOptions({ clusters: [cluster], users: [user as User], contexts: [{ name, cluster: name, user: user.name }], currentContext: name });
  return config;
}
