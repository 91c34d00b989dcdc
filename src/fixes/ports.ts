import type { Cause, Fix, Verdict } from '../diagnosis/types.js';
import type { FixRequest } from './fix-request.js';

/**
 * Can the fix's principal already pull from the fix's scope? Wired to the engine's role evaluation (the role
 * assignments the principal holds at or above the registry). Throws a PullDoctorError when it cannot tell.
 */
export type PullAccessChecker = (fix: Fix) => Promise<{ canPull: boolean; detail: string }>;

/** What creating a role assignment needs. `name` is roleAssignmentName(scope, principalId, roleDefinitionId). */
export interface CreateRoleAssignmentInput {
  scope: string;
  name: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: 'ServicePrincipal';
}

/**
 * Creates role assignments (the Azure client implements it over @azure/arm-authorization). 409
 * RoleAssignmentExists is `exists`. Errors are PullDoctorErrors: AZURE_FORBIDDEN (facts.status 403, facts.armCode
 * 'AuthorizationFailed', facts.missingAction), AZURE_THROTTLED (429, facts.retryAfter in seconds), AZURE_API_ERROR
 * (5xx, facts.status).
 */
export interface RoleAssignmentWriter {
  createRoleAssignment(input: CreateRoleAssignmentInput): Promise<{ outcome: 'created' | 'exists'; id: string }>;
}

/** The diagnosis's verdict after the change, in a sentence. */
export interface RediagnosisSummary {
  verdict: Verdict;
  cause: Cause | null;
  summary: string;
}

/** Re-runs the diagnosis of the request's pod (wired to diagnosePod). */
export type Rediagnose = (request: FixRequest) => Promise<RediagnosisSummary>;
