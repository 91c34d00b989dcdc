/** The Agents Toolkit's environment files (env/.env.<name>): KEY=VALUE lines, `#` comments. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './infra-files.js';

export function readEnvFile(environment: string): Map<string, string> {
  const file = join(REPO_ROOT, 'env', `.env.${environment}`);
  if (!existsSync(file)) throw new Error(`env/.env.${environment} does not exist`);
  const values = new Map<string, string>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
      if (!match) throw new Error(`env/.env.${environment}:${index + 1}: not KEY=VALUE`);
      if (values.has(match[1]!)) throw new Error(`env/.env.${environment}:${index + 1}: ${match[1]} is set twice`);
      values.set(match[1]!, match[2]!);
    });
  return values;
}

/** `${{NAME}}` placeholders in a text. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
}
