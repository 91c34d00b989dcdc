import type { Fix } from '../diagnosis/types.js';
import { registryNameOf, roleNameOf } from './allowed-fix.js';

/** The sentences an outcome is told in (cards and audit records use the same words). */

export const KUBELET_BACKOFF_REMINDER =
  'The kubelet retries the image pull on its own back-off (up to 5 minutes between attempts): the pod should start within a few minutes, without a restart. Role assignments can also take a minute or two to take effect.';

const grant = (fix: Fix) => `${roleNameOf(fix.roleDefinitionId)} on ${registryNameOf(fix.scope)} for the kubelet identity ${fix.principalId}`;

export const outcomeSummary = {
  created: (fix: Fix) => `Granted ${grant(fix)}.`,
  exists: (fix: Fix) => `Azure already had ${grant(fix)}; nothing new was created.`,
  alreadyFixed: (fix: Fix, detail: string) => `The kubelet identity can already pull from ${registryNameOf(fix.scope)} (${detail}); nothing was changed.`,
  recheckFailed: (fix: Fix, why: string) => `Could not check the current roles of the kubelet identity on ${registryNameOf(fix.scope)} (${why}), so nothing was changed.`,
  forbidden: (fix: Fix, action: string) => `Azure refused to grant ${grant(fix)}: Pull Doctor's identity lacks ${action} on the registry.`,
  gaveUp: (fix: Fix, attempts: number, why: string) => `Azure kept failing to grant ${grant(fix)} (${why}); gave up after ${attempts} attempts. Check the registry's access control before requesting again.`,
  failed: (fix: Fix, why: string) => `Could not grant ${grant(fix)}: ${why}`,
};
