import { PullDoctorError } from '../errors/index.js';

/** What the bot answers when it was started without a diagnoser (no cluster configured). */
export function noClusterConfigured(): PullDoctorError {
  return new PullDoctorError('CONFIG_INVALID', 'No cluster is configured for this bot, so there is nothing to diagnose yet.', {
    advice: 'Start Pull Doctor with a cluster (KUBECONFIG and KUBE_CONTEXT) or with the bundled sandbox, then ask again.',
  });
}
