import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PullDoctorError } from '../../src/errors/index.js';
import type { Fix } from '../../src/diagnosis/types.js';
import type { CreateRoleAssignmentInput, PullAccessChecker, RoleAssignmentWriter } from '../../src/fixes/index.js';

/**
 * THE ONE FACTORY the fix tests get Azure role assignments from. Phase A: an in-process test writer that records
 * every call and behaves the way the Azure client's writer does once it has mapped ARM's answer (same outcomes,
 * same PullDoctorError codes and facts, ARM's messages). After the Azure branch is merged this starts the fake ARM
 * server instead and returns the real SDK writer pointed at it; the tests do not change.
 *
 * Answers are scripted in ARM's terms (HTTP status, ARM error code), so they map one to one onto the fake ARM's
 * `failNext`.
 */

export type ArmAnswer =
  | { status: 403 }
  /** 409 RoleAssignmentExists: the grant exists under `existingName` (made by someone else meanwhile). */
  | { status: 409; existingName: string }
  | { status: 429; retryAfter?: number }
  | { status: 500 | 502 | 503 };

export interface TestAssignment {
  name: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
}

export interface TestRoleAssignments {
  writer: RoleAssignmentWriter;
  /** Can the fix's principal pull? True when an AcrPull / Repository Reader assignment for it exists at the fix's scope. */
  checkPullAccess: PullAccessChecker;
  /** Every role assignment PUT the writer sent (including the failed ones), oldest first. */
  writes(): CreateRoleAssignmentInput[];
  assignments(): TestAssignment[];
  /** An assignment that exists before the test (granted by hand, under its own name). */
  addAssignment(assignment: TestAssignment): void;
  /** The next PUTs get these answers, in order; after them, ARM behaves normally. */
  answerNext(...answers: ArmAnswer[]): void;
  /** What a child process passes to `connectTestRoleAssignments` to share this Azure. */
  connection(): string;
  close(): Promise<void>;
}

interface State {
  writes: CreateRoleAssignmentInput[];
  assignments: TestAssignment[];
  answers: ArmAnswer[];
}

const PULL_ROLES = new Set(['7f951dda-4ed3-4680-a7ca-43fe172d538d', 'b93aa761-3e63-49ed-ac28-beffa264f7ac']);
const guidOf = (roleDefinitionId: string) => roleDefinitionId.split('/').pop()!.toLowerCase();
const sameScope = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
const assignmentId = (scope: string, name: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;

/** Starts a test Azure for role assignments; with `statePath`, its state lives in that file so other processes share it. */
export async function startTestRoleAssignments(options: { statePath?: string } = {}): Promise<TestRoleAssignments> {
  return connect(options.statePath);
}

/** In a child process: the same Azure as the parent's, from `connection()`. */
export async function connectTestRoleAssignments(connection: string): Promise<TestRoleAssignments> {
  const { statePath } = JSON.parse(connection) as { statePath: string };
  return connect(statePath);
}

function connect(statePath: string | undefined): TestRoleAssignments {
  let memory: State = { writes: [], assignments: [], answers: [] };
  if (statePath && !existsSync(statePath)) writeFileSync(statePath, JSON.stringify(memory));
  const load = (): State => (statePath ? (JSON.parse(readFileSync(statePath, 'utf8')) as State) : memory);
  const save = (state: State) => (statePath ? writeFileSync(statePath, JSON.stringify(state)) : (memory = state));

  const writer: RoleAssignmentWriter = {
    async createRoleAssignment(input) {
      const state = load();
      state.writes.push({ ...input });
      const answer = state.answers.shift();
      const operation = `grant role ${guidOf(input.roleDefinitionId)} to ${input.principalId} on ${input.scope}`;
      const facts = { operation, resource: input.scope };
      if (answer === undefined) {
        const same = state.assignments.find((a) => a.name === input.name);
        const grant = state.assignments.find(
          (a) => a.principalId === input.principalId && sameScope(a.scope, input.scope) && guidOf(a.roleDefinitionId) === guidOf(input.roleDefinitionId),
        );
        if (!same && grant) {
          save(state);
          return { outcome: 'exists', id: assignmentId(grant.scope, grant.name) };
        }
        if (!same) state.assignments.push({ name: input.name, scope: input.scope, principalId: input.principalId, roleDefinitionId: input.roleDefinitionId });
        save(state);
        return { outcome: 'created', id: assignmentId(input.scope, input.name) };
      }
      save(state);
      switch (answer.status) {
        case 403: {
          const action = 'Microsoft.Authorization/roleAssignments/write';
          throw new PullDoctorError('AZURE_FORBIDDEN', `Not allowed to ${operation}: the identity lacks ${action}.`, {
            facts: { ...facts, status: 403, armCode: 'AuthorizationFailed', missingAction: action },
            advice: `Grant Pull Doctor's identity a role that includes ${action} at that scope (or above it).`,
          });
        }
        case 409:
          return { outcome: 'exists', id: assignmentId(input.scope, answer.existingName) };
        case 429:
          throw new PullDoctorError('AZURE_THROTTLED', `Azure throttled the request to ${operation} (TooManyRequests: The request is being throttled.).`, {
            facts: { ...facts, status: 429, armCode: 'TooManyRequests', ...(answer.retryAfter === undefined ? {} : { retryAfter: answer.retryAfter }) },
          });
        default:
          throw new PullDoctorError('AZURE_API_ERROR', `Azure Resource Manager answered ${answer.status} to ${operation} (InternalServerError: Encountered internal server error.).`, {
            facts: { ...facts, status: answer.status, armCode: 'InternalServerError' },
          });
      }
    },
  };

  const checkPullAccess: PullAccessChecker = async (fix: Fix) => {
    const grant = load().assignments.find((a) => a.principalId === fix.principalId && sameScope(a.scope, fix.scope) && PULL_ROLES.has(guidOf(a.roleDefinitionId)));
    return grant
      ? { canPull: true, detail: `assignment ${grant.name} grants a pull role on the registry` }
      : { canPull: false, detail: 'no role assignment grants pull on the registry' };
  };

  return {
    writer,
    checkPullAccess,
    writes: () => load().writes,
    assignments: () => load().assignments,
    addAssignment(assignment) {
      const state = load();
      state.assignments.push(assignment);
      save(state);
    },
    answerNext(...answers) {
      const state = load();
      state.answers.push(...answers);
      save(state);
    },
    connection: () => {
      if (!statePath) throw new Error('start with a statePath to share the test Azure with another process');
      return JSON.stringify({ statePath });
    },
    close: async () => undefined,
  };
}
