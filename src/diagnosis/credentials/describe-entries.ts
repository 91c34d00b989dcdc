import type { DockerConfigEntry } from './docker-config.js';
import { displayKey } from './display-key.js';

/** A safe, human description of a secret's entries: keys only, e.g. ["ghcr.io", "https://index.docker.io/v1/"]. */
export function describeEntries(entries: DockerConfigEntry[]): string[] {
  return entries.map((entry) => displayKey(entry.key));
}
