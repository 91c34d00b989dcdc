/** A kubeconfig (YAML) pointing at a server, as `az aks get-credentials` would write one. */
import { stringify } from 'yaml';

export interface KubeconfigYamlOptions {
  server: string;
  /** PEM of the CA that signed the server certificate. */
  caPem?: string;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  clusterName?: string;
  userName?: string;
  contextName?: string;
  namespace?: string;
}

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

export function kubeconfigYaml(options: KubeconfigYamlOptions): string {
  const clusterName = options.clusterName ?? 'fake-aks';
  const userName = options.userName ?? `clusterUser_rg-fake_${clusterName}`;
  const contextName = options.contextName ?? clusterName;
  const cluster: Record<string, string> = { server: options.server };
  if (options.caPem) cluster['certificate-authority-data'] = b64(options.caPem);
  const user: Record<string, string> = {};
  if (options.token) user.token = options.token;
  if (options.clientCertPem) user['client-certificate-data'] = b64(options.clientCertPem);
  if (options.clientKeyPem) user['client-key-data'] = b64(options.clientKeyPem);
  const context: Record<string, string> = { cluster: clusterName, user: userName };
  if (options.namespace) context.namespace = options.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    contexts: [{ name: contextName, context }],
    'current-context': contextName,
    preferences: {},
    users: [{ name: userName, user }],
  });
}
