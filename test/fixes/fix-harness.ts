import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Fix } from '../../src/diagnosis/types.js';
import {
  createApproverCheck,
  createFixApprovals,
  type FixApprovals,
  type FixApprovalsDeps,
  type NewFixRequest,
  type Rediagnose,
} from '../../src/fixes/index.js';
import { silentLogger, type Logger } from '../../src/logging/index.js';
import { openBlobStore, openSqliteStore, type AuditRecord, type Store } from '../../src/store/index.js';
import { startAzurite, type RunningAzurite } from '../support/azurite.js';
import { startAzureRoleAssignments, type AzureRoleAssignments } from '../support/azure-role-assignments.js';

/** Shared fixtures and helpers of the fix approval tests. */

export const TENANT = '8f3e6a1c-2b4d-4e5f-9a6b-7c8d9e0f1a2b';
export const OTHER_TENANT = '2c1b0a9f-8e7d-4c6b-9a5f-4e3d2c1b0a9f';
export const CONVERSATION = '19:3f7c2a9e8b1d4c6f9a0e2b5d7c8f1a3e@thread.tacv2';
export const OTHER_CONVERSATION = '19:0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a@thread.tacv2';
const SUBSCRIPTION = '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b';

export const ANA = { objectId: '6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b', displayName: 'Ana Novak' };
export const BEN = { objectId: '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e', displayName: 'Ben Okafor' };
export const DANA = { objectId: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d', displayName: 'Dana Li' };
/** Not an approver. */
export const CARL = { objectId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', displayName: 'Carl Meyer' };
export const APPROVERS = [ANA.objectId, BEN.objectId, DANA.objectId];

export const KUBELET_PRINCIPAL = 'c0ffee00-1234-4abc-8def-0123456789ab';
export const REGISTRY_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr`;
export const ACR_PULL = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`;
export const CLUSTER_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.ContainerService/managedClusters/aks-prod`;

export const FIX: Fix = { kind: 'assign-acr-pull', principalId: KUBELET_PRINCIPAL, scope: REGISTRY_ID, roleDefinitionId: ACR_PULL };

/** The fake ARM holding shopacr and the kubelet identity, with the real role assignment writer and checker. */
export function startShopAzure(): Promise<AzureRoleAssignments> {
  return startAzureRoleAssignments({ registries: [REGISTRY_ID], servicePrincipals: [KUBELET_PRINCIPAL] });
}

export function newRequest(overrides: Partial<NewFixRequest> = {}): NewFixRequest {
  return {
    fix: { ...FIX },
    cluster: { name: 'aks-prod', resourceId: CLUSTER_ID },
    pod: { namespace: 'shop', name: 'web-7d9c5b6f4-x2x9k' },
    requester: ANA,
    tenantId: TENANT,
    conversationId: CONVERSATION,
    evidence: {
      cause: 'unauthorized',
      lines: [
        'Failed to pull image "shopacr.azurecr.io/web:1.4.2": 401 Unauthorized',
        'The kubelet identity holds no role that grants pull on shopacr',
      ],
    },
    ...overrides,
  };
}

/**
 * A clock the test moves. Each reading is one millisecond after the previous one, as a real clock would be (so
 * audit records keep their order); `sleep` advances it and records how long the code asked to wait.
 */
export function testClock(start = '2025-03-14T09:00:00.000Z') {
  let now = Date.parse(start) - 1;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(++now),
    advance: (ms: number) => void (now += ms),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A re-diagnosis that looks at the fake ARM through the real checker: says so once the principal can pull. */
export function rediagnoseFrom(azure: AzureRoleAssignments): Rediagnose & { calls: number } {
  const fn = (async (request) => {
    fn.calls++;
    const access = await azure.checkPullAccess(request.fix);
    return access.canPull
      ? {
          verdict: 'problem' as const,
          cause: 'unauthorized' as const,
          summary: 'The kubelet identity can now pull from shopacr; the pod is still in ImagePullBackOff until the next retry.',
        }
      : { verdict: 'problem' as const, cause: 'unauthorized' as const, summary: 'The kubelet identity still cannot pull from shopacr.' };
  }) as Rediagnose & { calls: number };
  fn.calls = 0;
  return fn;
}

export interface Harness {
  approvals: FixApprovals;
  clock: ReturnType<typeof testClock>;
}

/** The flow over `store`, with APPROVERS, the fake ARM's real clients and the test clock; `overrides` replace any dependency. */
export function fixApprovalsFor(
  store: Store,
  azure: AzureRoleAssignments,
  clock: ReturnType<typeof testClock>,
  overrides: Partial<FixApprovalsDeps> = {},
  log: Logger = silentLogger(),
): FixApprovals {
  return createFixApprovals({
    store,
    approvers: createApproverCheck({ approvers: APPROVERS }, { log }),
    checkPullAccess: azure.checkPullAccess,
    writer: azure.writer,
    rediagnose: rediagnoseFrom(azure),
    log,
    now: clock.now,
    sleep: clock.sleep,
    ...overrides,
  });
}

export async function auditOf(store: Store): Promise<AuditRecord[]> {
  return store.audit.list();
}

export function approve(id: unknown, actor = BEN, extra: Record<string, unknown> = {}) {
  return { decision: 'approve' as const, actionData: { id, ...extra }, actor, tenantId: TENANT, conversationId: CONVERSATION };
}

/**
 * Defines `body` once per store implementation: SQLite (a fresh file per test) and Azure Blob (a fresh Azurite
 * container per test). `open()` opens another client on the same backing each time, as another replica would.
 */
export function forEachStore(body: (open: () => Promise<Store>) => void): void {
  describe('with the SQLite store', () => {
    let dir: string;
    let path: string;
    let files = 0;
    let opened: Store[] = [];
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'pulldoctor-fixes-'));
    });
    beforeEach(() => {
      path = join(dir, `state-${++files}.sqlite`);
    });
    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      opened = [];
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    body(async () => {
      const store = await openSqliteStore({ path, log: silentLogger(), busyTimeoutMs: 10_000 });
      opened.push(store);
      return store;
    });
  });

  describe('with the Azure Blob store (Azurite)', function () {
    this.timeout(30_000);
    let azurite: RunningAzurite;
    let container: string;
    let containers = 0;
    let opened: Store[] = [];
    before(async () => {
      azurite = await startAzurite();
    });
    beforeEach(() => {
      container = `fixes-${++containers}`;
    });
    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      opened = [];
    });
    after(async () => {
      await azurite?.close();
    });
    body(async () => {
      const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
      const store = await openBlobStore({ container: client, log: silentLogger() });
      opened.push(store);
      return store;
    });
  });
}
