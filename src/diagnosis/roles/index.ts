export { permissionMatches } from './permission-matches.js';
export { roleGrants } from './role-grants.js';
export { evaluateCondition, REPOSITORY_NAME_ATTRIBUTE, type ConditionRequest, type ConditionResult } from './abac-condition.js';
export {
  evaluatePullAccess,
  PULL_ACTION,
  REPOSITORY_CONTENT_READ,
  type PullAccessEvaluation,
  type PullAccessInput,
} from './evaluate-pull-access.js';
