import { readFileSync } from 'node:fs';
import { PullDoctorError } from '../errors/index.js';
import { parseClustersFile, type ClustersFile } from './clusters-file.js';

/**
 * PULLDOCTOR_CONFIG holds the path of the cluster file, or — handy for container platforms without config files —
 * the JSON itself (a value starting with "{").
 */
export function loadClustersFile(setting: string): ClustersFile {
  const trimmed = setting.trim();
  if (trimmed.startsWith('{')) return parseClustersFile(trimmed, 'PULLDOCTOR_CONFIG');
  let text: string;
  try {
    text = readFileSync(trimmed, 'utf8');
  } catch (error) {
    throw new PullDoctorError('CONFIG_INVALID', `The cluster file ${trimmed} (PULLDOCTOR_CONFIG) cannot be read (${(error as { code?: string }).code ?? 'error'}).`);
  }
  return parseClustersFile(text, trimmed);
}
