import type { RoleDefinitionInfo } from '../../clients/azure/azure-reader.js';
import { permissionMatches } from './permission-matches.js';

/**
 * Whether a role definition grants `operation`: some permission block lists it in `actions` (for a control-plane
 * action) or `dataActions` (for a data action) and the same block does not exclude it with `notActions` /
 * `notDataActions`. `actions` never grant data actions, and the reverse: `*` in actions covers no data action.
 */
export function roleGrants(definition: RoleDefinitionInfo, operation: string, kind: 'action' | 'dataAction'): boolean {
  return definition.permissions.some((block) => {
    const allow = kind === 'action' ? block.actions : block.dataActions;
    const deny = kind === 'action' ? block.notActions : block.notDataActions;
    return allow.some((p) => permissionMatches(p, operation)) && !deny.some((p) => permissionMatches(p, operation));
  });
}
