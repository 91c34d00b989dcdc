import { displayKey } from '../credentials/docker-config.js';
import { findCredentialFor } from '../credentials/keyring.js';
import { describeEntries, type PullSecretIssue } from '../credentials/pull-secret.js';
import { isAzureContainerRegistry } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';
import type { PullSecretState } from '../facts.js';
import type { Finding } from '../types.js';

function origin(source: 'pod' | 'service-account', sa: string): string {
  return source === 'pod' ? 'the pod spec' : `service account "${sa}"`;
}

/**
 * The command that creates a pull secret. USER and PASSWORD are for the person to fill in; the password goes as a
 * separate argument so that nothing reads as "password=value".
 */
function createSecret(name: string, namespace: string, server: string): string {
  return `kubectl create secret docker-registry ${name} -n ${namespace} --docker-server=${server} --docker-username=USER --docker-password PASSWORD`;
}

/** The same, replacing a secret that exists (create, piped through apply). */
function replaceSecret(name: string, namespace: string, server: string): string {
  return `${createSecret(name, namespace, server)} --dry-run=client -o yaml | kubectl apply -f -`;
}

/** A name for a new pull secret for `registry`: `ghcr-io-pull`, `docker-io-pull`. */
function secretNameFor(registry: string): string {
  return `${registry.split(':')[0]!.replace(/[^a-z0-9]+/g, '-')}-pull`.slice(0, 63);
}

/** "Pull secret ghcr-creds is for ghcr.io, not docker.io", or, with several secrets, "No pull secret for docker.io". */
function forOtherRegistries(usable: readonly PullSecretState[], registry: string): string {
  const only = usable.length === 1 ? usable[0]! : undefined;
  const hosts = only?.parse?.ok ? describeEntries(only.parse.entries) : [];
  if (only && hosts.length > 0 && hosts.length <= 2) return `Pull secret ${only.name} is for ${hosts.join(' and ')}, not ${registry}`;
  return `No pull secret for ${registry}`;
}

/** Issues about a key: the kubelet ignores it, or it never matches the images its author meant. */
const KEY_ISSUES: ReadonlySet<PullSecretIssue['code']> = new Set(['key-ignored-by-kubelet', 'key-never-matches']);

/**
 * The pod's imagePullSecrets and its service account's: does each exist, is it a well-formed docker config, and
 * does one of them hold credentials for the image's registry that the kubelet can send (a username and a
 * password)? When none matches, the entries whose keys the kubelet ignores or never matches say why. Values are
 * never shown: only entry keys.
 */
export const pullSecretsCheck: Check = {
  id: 'pull-secrets',
  title: 'Pull secrets',
  applies: (ctx) => hasPullFailure(ctx) && ctx.facts.validReferences().length > 0,
  async run(ctx) {
    const [secrets, pullError] = await Promise.all([ctx.facts.pullSecrets(), ctx.facts.pullError()]);
    const ns = ctx.target.namespace;
    const sa = ctx.facts.pod.spec?.serviceAccountName ?? 'default';
    const findings: Finding[] = [];

    // The registry the secret is for, when the pod pulls from one registry that needs a secret (not ACR).
    const pullHosts = [...new Set(ctx.facts.validReferences().map((r) => r.registry))].filter((r) => !isAzureContainerRegistry(r));
    const server = pullHosts.length === 1 ? pullHosts[0]! : 'REGISTRY';
    for (const s of secrets) {
      if (!s.exists) {
        findings.push(
          finding(
            'pull-secrets',
            'fail',
            `The imagePullSecret "${s.name}" named by ${origin(s.source, sa)} does not exist in namespace ${ns}.`,
            {
              headline: `Secret ${s.name} does not exist in ${ns}`,
              remediation: `Create it with a username and password for the registry (or remove the reference from ${origin(s.source, sa)}):`,
              commands: [createSecret(s.name, ns, server)],
            },
          ),
        );
      } else if (s.parse && !s.parse.ok) {
        findings.push(
          finding('pull-secrets', 'fail', `The imagePullSecret "${s.name}" is not a usable docker config (${s.parse.problem}).`, {
            headline: `Secret ${s.name} is not a usable pull secret (${s.parse.problem})`,
            detail: s.parse.detail,
            remediation: 'Recreate it as a docker-registry secret (type kubernetes.io/dockerconfigjson):',
            commands: [replaceSecret(s.name, ns, server)],
          }),
        );
      }
    }

    const denied = pullError?.cause === 'unauthorized' || pullError?.cause === 'forbidden';
    for (const ref of ctx.facts.validReferences()) {
      const matching = secrets.flatMap((s) => {
        if (!s.parse?.ok) return [];
        const entry = findCredentialFor(s.parse.entries, ref.registry, ref.repository);
        return entry
          ? [{ secret: s.name, key: entry.key, sendable: Boolean(entry.username && entry.password), issues: s.issues ?? [] }]
          : [];
      });
      // The kubelet tries every matching entry until a pull works: one with a username and a password is enough.
      const sendable = matching.find((m) => m.sendable);
      if (sendable) {
        // The key is shown safely: a URL key may carry a user and password (`https://user:password@host`).
        findings.push(
          finding(
            'pull-secrets',
            'pass',
            `The pull secret "${sendable.secret}" has credentials for ${ref.registry} (entry "${displayKey(sendable.key)}").`,
          ),
        );
        continue;
      }
      if (matching.length > 0) {
        const m = matching[0]!;
        const shown = displayKey(m.key);
        const acr = isAzureContainerRegistry(ref.registry);
        findings.push(
          finding(
            'pull-secrets',
            denied && !acr ? 'fail' : 'warn',
            `The pull secret "${m.secret}" has an entry for ${ref.registry} ("${shown}"), but no username and password the kubelet can send.`,
            {
              headline: denied && !acr ? `Pull secret ${m.secret} has no username and password for ${ref.registry}` : undefined,
              detail: [
                ...m.issues.filter((i) => !i.fatal && i.key === shown && !KEY_ISSUES.has(i.code)).map((i) => i.detail),
                acr ? 'On AKS the nodes also pull from Azure Container Registry with the kubelet identity.' : '',
              ]
                .filter((s) => s)
                .join('\n'),
              remediation: 'Recreate it with a username and password:',
              commands: [replaceSecret(m.secret, ns, ref.registry)],
            },
          ),
        );
        continue;
      }
      const usable = secrets.filter((s) => s.parse?.ok);
      const hosts = usable.flatMap((s) => (s.parse?.ok ? describeEntries(s.parse.entries).map((h) => `${s.name}: ${h}`) : []));
      const keyIssues = usable.flatMap((s) => (s.issues ?? []).filter((i) => KEY_ISSUES.has(i.code)).map((i) => `${s.name}: ${i.detail}`));
      if (isAzureContainerRegistry(ref.registry)) {
        findings.push(
          finding(
            'pull-secrets',
            'pass',
            `No pull secret for ${ref.registry}: AKS nodes pull from Azure Container Registry with the kubelet identity.`,
            {
              detail: hosts.length > 0 ? `Secrets present for other registries: ${hosts.join(', ')}.` : undefined,
            },
          ),
        );
        continue;
      }
      if (usable.length > 0) {
        findings.push(
          finding(
            'pull-secrets',
            denied ? 'fail' : 'warn',
            `No pull secret has credentials for ${ref.registry}; the secrets present are for other registries.`,
            {
              headline: denied ? forOtherRegistries(usable, ref.registry) : undefined,
              detail: [`Entries: ${hosts.join(', ')}.`, ...keyIssues].join('\n'),
              remediation: `Create a pull secret for ${ref.registry} (its server must match the image's registry host) and add it to the pod's imagePullSecrets or to service account "${sa}":`,
              commands: [createSecret(secretNameFor(ref.registry), ns, ref.registry)],
            },
          ),
        );
      } else if (denied && secrets.length > 0) {
        // Every secret the pod names is missing or unusable: the findings above say which, and how to fix it.
        continue;
      } else if (denied) {
        findings.push(
          finding('pull-secrets', 'fail', `The image on ${ref.registry} needs credentials, and the pod has no imagePullSecret.`, {
            headline: `No pull secret for ${ref.registry}`,
            remediation: `Create a pull secret for ${ref.registry} and add it to the pod's imagePullSecrets or to service account "${sa}":`,
            commands: [createSecret(secretNameFor(ref.registry), ns, ref.registry)],
          }),
        );
      } else {
        findings.push(finding('pull-secrets', 'pass', `No pull secret for ${ref.registry}: the image is pulled anonymously.`));
      }
    }
    return findings;
  },
};
