import type { Cause, Fix, Verdict } from '../diagnosis/types.js';
import type { FixRequest } from './fix-request.js';

/**
 * Can the fix's principal already pull from the fix's scope? `createPullAccessChecker` (src/app/) implements it
 * with the engine's role evaluation over the role assignments the principal holds at or above the registry.
 * Throws a PullDoctorError (with the same facts as the writer's) when it cannot tell.
 */
export type PullAccessChecker = (fix: Fix) => Promise<PullAccess>;

export interface PullAccess {
  canPull: boolean;
  /** What was found, in words (the granting role and where, or why nothing counts). */
  detail: string;
  /** When it can pull: the role assignments that grant it, by name and id (their names tell who made them). */
  grantedBy?: Array<{ name: string; id: string }>;
}

/**
 * Creates role assignments: `createRoleAssignmentWriter` (src/clients/azure/role-assignment-writer.ts, over
 * @azure/arm-authorization). 409 RoleAssignmentExists is `exists`. Errors are PullDoctorErrors with the facts its
 * mapAzureError sets: AZURE_FORBIDDEN (facts.status 403, facts.armCode 'AuthorizationFailed', facts.action: the
 * missing action), AZURE_THROTTLED (facts.status 429, facts.retryAfterSeconds), AZURE_API_ERROR (facts.status 5xx,
 * or no status when ARM could not be reached).
 */
export type { CreateRoleAssignmentInput, RoleAssignmentWriter, RoleAssignmentWriteResult } from '../clients/azure/role-assignment-writer.js';

/** The diagnosis's verdict after the change, in a sentence. */
export interface RediagnosisSummary {
  verdict: Verdict;
  cause: Cause | null;
  summary: string;
}

/** Re-runs the diagnosis of the request's pod (wired to diagnosePod). */
export type Rediagnose = (request: FixRequest) => Promise<RediagnosisSummary>;
