import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A Secret as the Kubernetes API returns it (only the fields the parsers read are typed). */
export interface ApiSecret {
  type?: string;
  data?: Record<string, string>;
  metadata: { name: string; namespace: string };
}

export const SECRET_FIXTURES = fileURLToPath(new URL('../fixtures/secrets/', import.meta.url));

export function loadSecret(name: string): ApiSecret {
  return JSON.parse(readFileSync(join(SECRET_FIXTURES, name), 'utf8')) as ApiSecret;
}

export function allSecretFixtures(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.json')) files.push(relative(SECRET_FIXTURES, path));
    }
  };
  walk(SECRET_FIXTURES);
  return files.sort();
}

export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function dockerConfigJsonSecret(config: string): ApiSecret {
  return {
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(config) },
    metadata: { name: 'test', namespace: 'test' },
  };
}
