import { join } from 'node:path';
import type { Env } from '../config/index.js';

/** How `npm start` runs the bot: on the bundled sandbox, or on what the environment configures. */
export type StartMode = { kind: 'sandbox'; reason: string } | { kind: 'configured'; reason: string };

/**
 * The sandbox is for someone who has nothing configured yet: no Bot Framework identity (MicrosoftAppId), no cluster
 * (KUBECONFIG, ~/.kube/config, a pod's service account) and no multi-cluster configuration (PULLDOCTOR_CONFIG).
 * Anything configured wins, unless the sandbox is asked for (`npm start -- --sandbox`).
 */
export function chooseStartMode(env: Env, options: { forceSandbox?: boolean; fileExists: (path: string) => boolean }): StartMode {
  if (options.forceSandbox) return { kind: 'sandbox', reason: '--sandbox was given' };
  const set = (key: string) => (env[key] ?? '').trim() !== '';
  if (set('MicrosoftAppId')) return { kind: 'configured', reason: 'MicrosoftAppId is set' };
  if (set('PULLDOCTOR_CONFIG')) return { kind: 'configured', reason: 'PULLDOCTOR_CONFIG is set' };
  if (set('KUBECONFIG')) return { kind: 'configured', reason: `KUBECONFIG is set (${env.KUBECONFIG})` };
  if (set('KUBERNETES_SERVICE_HOST')) return { kind: 'configured', reason: 'running in a Kubernetes pod' };
  const home = env.HOME;
  if (home && options.fileExists(join(home, '.kube', 'config'))) return { kind: 'configured', reason: `${join(home, '.kube', 'config')} exists` };
  return { kind: 'sandbox', reason: 'no MicrosoftAppId, no kubeconfig and no PULLDOCTOR_CONFIG' };
}
