import type { DockerConfigEntry } from './docker-config.js';
import { lookupInKeyring } from './keyring-matching.js';

/**
 * The entry the kubelet would use for an image in `registry` (normalized, as in ImageReference.registry) and
 * `repository`: the first credential its keyring lookup returns for `registry/repository` (keyring-matching.ts).
 * The kubelet goes on to the next matching entry when a pull with this one fails.
 * Note that `registry` is lowercase, while the kubelet compares the host as the pod spec writes it.
 */
export function findCredentialFor(entries: DockerConfigEntry[], registry: string, repository: string): DockerConfigEntry | undefined {
  return lookupInKeyring(entries, (entry) => entry.key, `${registry}/${repository}`)[0];
}
