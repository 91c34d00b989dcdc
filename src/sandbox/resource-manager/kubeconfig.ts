import { stringify } from 'yaml';
import type { FakeManagedCluster } from './fake-resources.js';

/**
 * The kubeconfig AKS returns from listClusterUserCredential, before base64: one cluster, one context, one user
 * named `clusterUser_{resourceGroup}_{cluster}`. An Entra-enabled cluster gets a kubelogin exec user (what
 * `format=exec` returns); a local-accounts cluster a static token user.
 */
export function clusterUserKubeconfig(cluster: FakeManagedCluster): string {
  const userName = `clusterUser_${cluster.resourceGroup}_${cluster.name}`;
  const user =
    cluster.kubeconfig.user?.kind === 'token'
      ? { token: cluster.kubeconfig.user.token }
      : {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            args: [
              'get-token',
              '--login',
              'devicecode',
              '--server-id',
              '6dae42f8-4368-4678-94ff-3960e28e3630',
              '--client-id',
              '80faf920-1908-4b52-b5ef-a8e7bedfc67a',
              '--environment',
              'AzurePublicCloud',
            ],
            command: 'kubelogin',
            env: null,
            installHint: '\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n',
            provideClusterInfo: false,
          },
        };
  return stringify({
    apiVersion: 'v1',
    clusters: [
      {
        cluster: {
          'certificate-authority-data': Buffer.from(cluster.kubeconfig.caPem, 'utf8').toString('base64'),
          server: cluster.kubeconfig.server,
        },
        name: cluster.name,
      },
    ],
    contexts: [{ context: { cluster: cluster.name, user: userName }, name: cluster.name }],
    'current-context': cluster.name,
    kind: 'Config',
    preferences: {},
    users: [{ name: userName, user }],
  });
}
