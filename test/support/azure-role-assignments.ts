import { createPullAccessChecker } from '../../src/diagnosis/roles/pull-access.js';
import type { AzureRetryOptions } from '../../src/clients/azure/azure-sdk.js';
import { createAzureReader } from '../../src/clients/azure/azure-reader.js';
import { parseResourceId } from '../../src/clients/azure/resource-id.js';
import {
  createRoleAssignmentWriter,
  type CreateRoleAssignmentInput,
  type RoleAssignmentWriter,
} from '../../src/clients/azure/role-assignment-writer.js';
import type { PullAccessChecker } from '../../src/fixes/index.js';
import {
  armError,
  armErrors,
  startFakeResourceManager,
  type FakeResourceManager,
  type FakeRoleAssignment,
} from '../../src/sandbox/resource-manager/index.js';
import { staticTokenCredential } from './static-token-credential.js';
import { testTls } from './tls.js';

/**
 * THE ONE FACTORY the fix tests get Azure role assignments from: the fake Azure Resource Manager (HTTPS, ARM's wire
 * format) with the real clients pointed at it — `createRoleAssignmentWriter` (@azure/arm-authorization) and
 * `createPullAccessChecker` over `createAzureReader`. Nothing of ours is replaced.
 *
 * The SDK does not retry (maxRetries 0) and passes Retry-After on as ARM sent it: the fix executor does its own
 * retries, with the test's sleep, and these tests check exactly those.
 */

/** An ARM answer to the next role assignment PUT(s), in ARM's terms. */
export type ArmAnswer =
  /** 409 RoleAssignmentExists: the grant exists under `existingName` (made by someone else meanwhile). */
  { status: 409; existingName: string } | { status: 429; retryAfter?: number } | { status: 500 | 503 };

export interface AzureRoleAssignments {
  /** The fake ARM itself: `forbid`, `failNext`, `requests`, … */
  arm: FakeResourceManager;
  writer: RoleAssignmentWriter;
  checkPullAccess: PullAccessChecker;
  /** Every role assignment PUT ARM received (whatever it answered), oldest first, as the writer's input. */
  writes(): CreateRoleAssignmentInput[];
  assignments(): FakeRoleAssignment[];
  /** An assignment that exists before the test (granted by hand, under its own name). */
  addAssignment(assignment: { name?: string; scope: string; principalId: string; roleDefinitionId: string }): void;
  /** The next role assignment PUTs get these answers, in order (reads are not affected); then ARM behaves normally. */
  answerNext(...answers: ArmAnswer[]): void;
  /** What a child process passes to `connectAzureRoleAssignments` to use the same fake ARM. */
  connection(): string;
  close(): Promise<void>;
}

export interface AzureWorld {
  /** Registries to create, by resource id (their subscriptions and resource groups are created with them). */
  registries: string[];
  /** Object ids of service principals the directory knows (kubelet identities). */
  servicePrincipals: string[];
}

/** The SDK makes one attempt and leaves Retry-After alone: the executor retries. */
const NO_SDK_RETRIES: AzureRetryOptions = { maxRetries: 0, maxRetryAfterMs: 24 * 3_600_000 };
const ROLE_ASSIGNMENT = /^(.+)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i;
const ROLE_ASSIGNMENT_PUT = { method: 'PUT', pathPattern: ROLE_ASSIGNMENT };

/** The real writer and checker, pointed at the fake ARM at `endpoint`. */
export function azureClientsFor(endpoint: string): { writer: RoleAssignmentWriter; checkPullAccess: PullAccessChecker } {
  const options = { credential: staticTokenCredential(), endpoint, retry: NO_SDK_RETRIES };
  return { writer: createRoleAssignmentWriter(options), checkPullAccess: createPullAccessChecker(createAzureReader(options)) };
}

/** Starts a fake ARM holding `world`, and the real clients pointed at it. */
export async function startAzureRoleAssignments(world: AzureWorld): Promise<AzureRoleAssignments> {
  const arm = await startFakeResourceManager({ tls: testTls() });
  const subscriptions = new Set<string>();
  for (const id of world.registries) {
    const { subscriptionId, resourceGroup, name } = parseResourceId(id);
    if (!subscriptions.has(subscriptionId!)) arm.addSubscription({ subscriptionId: subscriptionId! });
    subscriptions.add(subscriptionId!);
    arm.addResourceGroup({ subscriptionId: subscriptionId!, name: resourceGroup! });
    arm.addRegistry({ subscriptionId: subscriptionId!, resourceGroup: resourceGroup!, name: name! });
  }
  for (const objectId of world.servicePrincipals) arm.addPrincipal({ objectId, principalType: 'ServicePrincipal' });
  return {
    arm,
    ...azureClientsFor(arm.url),
    writes: () => arm.writes.filter((w) => w.method === 'PUT' && ROLE_ASSIGNMENT.test(w.path)).map(asWriterInput),
    assignments: () => arm.roleAssignments(),
    addAssignment: (assignment) => void arm.addRoleAssignment(assignment),
    answerNext(...answers) {
      for (const answer of answers) {
        if (answer.status === 409) arm.failNext(ROLE_ASSIGNMENT_PUT, 409, armErrors.roleAssignmentExists(answer.existingName));
        else if (answer.status === 429)
          arm.failNext(
            ROLE_ASSIGNMENT_PUT,
            429,
            armErrors.throttled(),
            answer.retryAfter === undefined ? {} : { retryAfter: answer.retryAfter },
          );
        else if (answer.status === 500) arm.failNext(ROLE_ASSIGNMENT_PUT, 500, armErrors.internal());
        // ARM's gateway timing out (recorded as "ServerTimeout" with status ServiceUnavailable, e.g. MicrosoftLearning/AZ-104-MicrosoftAzureAdministrator#542).
        else
          arm.failNext(
            ROLE_ASSIGNMENT_PUT,
            503,
            armError('ServerTimeout', "The request timed out. Diagnostic information: timestamp '20250101T000000Z'."),
          );
      }
    },
    connection: () => JSON.stringify({ endpoint: arm.url }),
    close: () => arm.close(),
  };
}

/** In a child process: the real writer and checker, pointed at the parent's fake ARM (the child must trust the test CA). */
export function connectAzureRoleAssignments(connection: string): { writer: RoleAssignmentWriter; checkPullAccess: PullAccessChecker } {
  const { endpoint } = JSON.parse(connection) as { endpoint: string };
  return azureClientsFor(endpoint);
}

function asWriterInput(write: { path: string; body: unknown }): CreateRoleAssignmentInput {
  const [, scope, name] = ROLE_ASSIGNMENT.exec(write.path)!;
  const properties = (write.body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return {
    scope: scope!,
    name: name!,
    roleDefinitionId: properties.roleDefinitionId as string,
    principalId: properties.principalId as string,
    principalType: properties.principalType as 'ServicePrincipal',
  };
}
