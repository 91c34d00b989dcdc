import type { ArmErrorBody } from './arm-errors.js';
import type { FakeRoleDefinition } from './built-in-role-definitions.js';
import type { FaultMatch, FaultOptions } from './faults.js';
import type {
  FakeCustomRoleInput,
  FakeKubeconfig,
  FakeManagedCluster,
  FakeManagedClusterInput,
  FakePrincipalInput,
  FakeRegistry,
  FakeRegistryInput,
  FakeRoleAssignment,
  FakeRoleAssignmentInput,
} from './fake-resources.js';

/** The public face of the fake Azure Resource Manager: its options, logs and state API. */

export interface StartFakeResourceManagerOptions {
  tls: { cert: string; key: string };
  /** Delay before every response; can be changed later through `latencyMs`. */
  latencyMs?: number | undefined;
  /** Which bearer tokens are valid; any non-empty token by default. */
  acceptToken?: ((token: string) => boolean) | undefined;
  /** The directory the fake pretends to be (WWW-Authenticate, the tenant root management group). */
  tenantId?: string | undefined;
  /** List page size (ARM pages long lists with nextLink); 100 by default. */
  pageSize?: number | undefined;
  /** Object id named in AuthorizationFailed when the token carries no `oid` claim. */
  callerObjectId?: string | undefined;
}

export interface FakeArmRequestRecord {
  time: string;
  method: string;
  /** Path without the query string, as sent. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** Whether the request carried a bearer token (the token itself is never recorded). */
  authenticated: boolean;
  /** The JSON body of a POST (a Resource Graph query), as sent. */
  body?: unknown;
}

export interface FakeArmWriteRecord {
  time: string;
  method: 'PUT' | 'DELETE';
  path: string;
  status: number;
  body: unknown;
}

export interface FakeResourceManager {
  /** `https://127.0.0.1:{port}`: pass as `endpoint` (and `$host`) to the SDK clients. */
  readonly url: string;
  readonly tenantId: string;
  /** Delay before every response, in milliseconds; settable at any time. */
  latencyMs: number;
  pageSize: number;
  /** Every request, oldest first. */
  readonly requests: readonly FakeArmRequestRecord[];
  /** Every PUT and DELETE (whatever their outcome), oldest first. */
  readonly writes: readonly FakeArmWriteRecord[];
  close(): Promise<void>;

  /** A management group under `parent` (the tenant root group, named after the tenant id, by default). */
  addManagementGroup(input: { name: string; parent?: string }): string;
  addSubscription(input: { subscriptionId: string; displayName?: string; managementGroup?: string }): string;
  addResourceGroup(input: { subscriptionId: string; name: string; location?: string }): string;
  addManagedCluster(input: FakeManagedClusterInput): FakeManagedCluster;
  /** What listClusterUserCredential returns for that cluster from now on. */
  setClusterKubeconfig(clusterId: string, kubeconfig: Partial<FakeKubeconfig>): void;
  addRegistry(input: FakeRegistryInput): FakeRegistry;
  /** A custom role; built-in roles (see built-in-role-definitions.ts) are always present. */
  addRoleDefinition(input: FakeCustomRoleInput): FakeRoleDefinition;
  /** Directory objects: their type (checked by role assignment PUT) and group memberships (used by assignedTo()). */
  addPrincipal(input: FakePrincipalInput): void;
  /** Stores an assignment directly, without the checks of the PUT route. */
  addRoleAssignment(input: FakeRoleAssignmentInput): FakeRoleAssignment;
  roleAssignments(): FakeRoleAssignment[];

  /** Requests needing `action` (wildcards allowed) at or below `scope` (anywhere by default) get 403 AuthorizationFailed. */
  forbid(action: string, options?: { scope?: string }): void;
  clearForbidden(): void;
  /** The next matching authenticated request(s) get `status` with `body` (and Retry-After when given). */
  failNext(match: FaultMatch, status: number, body: ArmErrorBody, options?: FaultOptions): void;
  clearFaults(): void;
}
