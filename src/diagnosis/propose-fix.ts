import { isAzureContainerRegistry } from './image/image-reference.js';
import type { DiagnosisFacts } from './facts.js';
import { pullRoleFor } from './roles/rbac.js';
import type { Cause, Fix } from './types.js';

/**
 * The fix, proposed only when the evidence supports it: the pull fails as unauthorized, the image is in an
 * Azure Container Registry we found, and the kubelet identity holds no role that grants pull there.
 */
export async function proposeFix(facts: DiagnosisFacts, cause: Cause | null): Promise<Fix | null> {
  if (cause !== 'unauthorized') return null;
  const explanation = await facts.pullError();
  const failing = explanation?.problem.image;
  const ref = facts.validReferences().find((r) => r.original === failing && isAzureContainerRegistry(r.registry));
  if (!ref) return null;
  let access;
  try {
    access = await facts.kubeletPullAccess({ registry: ref.registry, repository: ref.repository });
  } catch {
    return null; // the acr-pull-role check reports the error
  }
  if (access.status !== 'found' || access.value.evaluation.canPull) return null;
  const registry = access.value.registry;
  const role = pullRoleFor(registry.roleAssignmentMode);
  return {
    kind: 'assign-acr-pull',
    principalId: access.value.principalId,
    scope: registry.id,
    roleDefinitionId: `/subscriptions/${registry.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`,
  };
}
