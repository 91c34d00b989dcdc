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
  /** Resumed: the assignment under this grant's deterministic name is there, and this request had sent its PUT. */
  writtenBeforeInterruption: (fix: Fix, name: string) =>
    `Granted ${grant(fix)}: the role assignment ${name} was written by this request before Pull Doctor was interrupted, and found in place on resuming (it has the name Pull Doctor gives this grant); nothing more was changed.`,
  writtenByAnotherRequest: (fix: Fix, detail: string, name: string) =>
    `The kubelet identity can already pull from ${registryNameOf(fix.scope)} (${detail}) through the role assignment ${name}, which Pull Doctor wrote for an earlier request for the same grant (it has the name Pull Doctor gives this grant); this request changed nothing.`,
  foundPresent: (fix: Fix, detail: string, name: string) =>
    `The kubelet identity can already pull from ${registryNameOf(fix.scope)} (${detail}) through the role assignment ${name}, found already present (not written by Pull Doctor: another name); nothing was changed.`,
  recheckFailed: (fix: Fix, why: string) => `Could not check the current roles of the kubelet identity on ${registryNameOf(fix.scope)} (${why}), so nothing was changed.`,
  forbidden: (fix: Fix, action: string) => `Azure refused to grant ${grant(fix)}: Pull Doctor's identity lacks ${action} on the registry.`,
  gaveUp: (fix: Fix, attempts: number, why: string) => `Azure kept failing to grant ${grant(fix)} (${why}); gave up after ${attempts} attempts. Check the registry's access control before requesting again.`,
  failed: (fix: Fix, why: string) => `Could not grant ${grant(fix)}: ${why}`,
};
