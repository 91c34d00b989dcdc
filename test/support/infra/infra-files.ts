/** Where the deployment files live, for the tests in test/infra/. */
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const INFRA_DIR = join(REPO_ROOT, 'infra');

/** Every file under `dir` (recursively), absolute paths, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export function bicepFiles(): string[] {
  return filesUnder(INFRA_DIR).filter((file) => file.endsWith('.bicep'));
}

export function fromRoot(file: string): string {
  return relative(REPO_ROOT, file);
}

/**
 * Each deployable template with its parameters files. The templates under modules/ receive their parameters from
 * these (checked by the module wiring test).
 */
export const TEMPLATE_PARAMETER_FILES: Readonly<Record<string, readonly string[]>> = {
  'infra/azure.bicep': ['infra/azure.parameters.dev.json', 'infra/azure.parameters.prod.json'],
  'infra/azure.local.bicep': ['infra/azure.parameters.local.json'],
  'infra/access.bicep': ['infra/access.parameters.dev.json', 'infra/access.parameters.prod.json', 'infra/access.parameters.example.json'],
};
