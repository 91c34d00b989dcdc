import assert from 'node:assert/strict';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { startFakeResourceManager, type FakeResourceManager } from '../../../src/sandbox/resource-manager/index.js';
import { staticTokenCredential } from '../../support/static-token-credential.js';
import { testTls } from '../../support/tls.js';

const SPOKE = '1d2e3f40-1111-4222-8333-944455556666';
const HUB = '9a8b7c6d-1111-4222-8333-944455556666';
const REGISTRIES = "resources | where type =~ 'microsoft.containerregistry/registries' | project id, name, subscriptionId";

/**
 * The rows of a result. The generated client declares `data` a Dictionary, so core-client turns the array on the
 * wire into an object keyed "0", "1", …; the product reads it the same way.
 */
function rows(result: { data: unknown }): Array<Record<string, any>> {
  return Object.values(result.data as object) as Array<Record<string, any>>;
}

async function rejection(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string; message: string };
  }
  assert.fail('expected the query to fail');
}

describe('fake Azure Resource Graph, queried through the real @azure/arm-resourcegraph client', () => {
  let arm: FakeResourceManager;
  let graph: ResourceGraphClient;

  beforeEach(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addManagementGroup({ name: 'mg-platform' });
    arm.addSubscription({ subscriptionId: SPOKE, displayName: 'shop' });
    arm.addSubscription({ subscriptionId: HUB, displayName: 'platform hub', managementGroup: 'mg-platform' });
    arm.addResourceGroup({ subscriptionId: SPOKE, name: 'rg-shop' });
    arm.addResourceGroup({ subscriptionId: HUB, name: 'rg-hub' });
    arm.addManagedCluster({
      subscriptionId: SPOKE,
      resourceGroup: 'rg-shop',
      name: 'shop-aks',
      fqdn: 'shop-aks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io',
    });
    arm.addRegistry({ subscriptionId: SPOKE, resourceGroup: 'rg-shop', name: 'shopacr' });
    arm.addRegistry({ subscriptionId: HUB, resourceGroup: 'rg-hub', name: 'platformhubacr', sku: 'Premium' });
    graph = new ResourceGraphClient(staticTokenCredential(), { endpoint: arm.url, retryOptions: { maxRetries: 0 } });
  });

  afterEach(async () => {
    await arm.close();
  });

  it('answers across every subscription with rows shaped like Resource Graph: lowercase type and resource group, ARM properties', async () => {
    const result = await graph.resources({
      query:
        "resources | where type =~ 'Microsoft.ContainerRegistry/registries' and tostring(properties.loginServer) in~ ('PlatformHubAcr.azurecr.io')",
    });
    assert.equal(result.totalRecords, 1);
    assert.equal(result.count, 1);
    assert.equal(result.resultTruncated, 'false');
    assert.equal(result.skipToken, undefined);
    const [row] = rows(result);
    assert.equal(row!.id, `/subscriptions/${HUB}/resourceGroups/rg-hub/providers/Microsoft.ContainerRegistry/registries/platformhubacr`);
    assert.equal(row!.type, 'microsoft.containerregistry/registries');
    assert.equal(row!.resourceGroup, 'rg-hub');
    assert.equal(row!.subscriptionId, HUB);
    assert.equal(row!.tenantId, arm.tenantId);
    assert.equal(row!.properties.loginServer, 'platformhubacr.azurecr.io');
    assert.equal(row!.sku.name, 'Premium');
    const sent = arm.requests.at(-1)!;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/providers/Microsoft.ResourceGraph/resources');
    assert.equal(sent.query['api-version'], '2021-06-01-preview');
  });

  it('finds a cluster by its API server FQDN in the same query as a registry', async () => {
    const result = await graph.resources({
      query: `resources
        | where (type =~ 'microsoft.containerservice/managedclusters' and (tostring(properties.fqdn) in~ ('SHOP-AKS-dns-1a2b3c4d.hcp.westeurope.azmk8s.io') or tostring(properties.privateFQDN) in~ ('SHOP-AKS-dns-1a2b3c4d.hcp.westeurope.azmk8s.io')))
            or (type =~ 'microsoft.containerregistry/registries' and tostring(properties.loginServer) in~ ('shopacr.azurecr.io'))
        | project id, name, type, properties`,
    });
    const found = rows(result);
    assert.deepEqual(found.map((r) => r.name).sort(), ['shop-aks', 'shopacr']);
    assert.deepEqual(Object.keys(found[0]!), ['id', 'name', 'type', 'properties']);
    assert.ok(found.find((r) => r.name === 'shop-aks')!.properties.identityProfile.kubeletidentity.objectId);
  });

  it('honours subscriptions and management groups in the request body', async () => {
    const spoke = await graph.resources({ query: REGISTRIES, subscriptions: [SPOKE.toUpperCase()] });
    assert.deepEqual(
      rows(spoke).map((r) => r.name),
      ['shopacr'],
    );
    const platform = await graph.resources({ query: REGISTRIES, managementGroups: ['mg-platform'] });
    assert.deepEqual(
      rows(platform).map((r) => r.name),
      ['platformhubacr'],
    );
    const none = await rejection(graph.resources({ query: REGISTRIES, subscriptions: ['00000000-0000-0000-0000-000000000000'] }));
    assert.equal(none.statusCode, 400);
    assert.match(JSON.stringify(none), /NoValidSubscriptionsInQueryRequest/);
  });

  it('pages with $top and $skipToken, and refuses a $skipToken issued for another query', async () => {
    arm.addRegistry({ subscriptionId: SPOKE, resourceGroup: 'rg-shop', name: 'zzzacr' });
    const first = await graph.resources({ query: REGISTRIES, options: { top: 2 } });
    assert.equal(first.totalRecords, 3);
    assert.equal(first.count, 2);
    assert.ok(first.skipToken);
    const second = await graph.resources({ query: REGISTRIES, options: { top: 2, skipToken: first.skipToken } });
    const all = [...rows(first), ...rows(second)];
    assert.deepEqual(all.map((r) => r.name).sort(), ['platformhubacr', 'shopacr', 'zzzacr']);
    assert.equal(second.skipToken, undefined);
    const reused = await rejection(graph.resources({ query: `${REGISTRIES} | take 5`, options: { skipToken: first.skipToken } }));
    assert.equal(reused.statusCode, 400);
    // Without the id column the result cannot be paged: it is cut and marked truncated.
    const named = await graph.resources({ query: 'resources | project name', options: { top: 1 } });
    assert.equal(named.resultTruncated, 'true');
    assert.equal(named.skipToken, undefined);
  });

  it("shows only what the caller may read, and answers Resource Graph's 403 AccessDenied to a caller that may not query", async () => {
    arm.forbid('Microsoft.ContainerRegistry/registries/read', { scope: `/subscriptions/${HUB}` });
    const visible = await graph.resources({ query: REGISTRIES });
    assert.deepEqual(
      rows(visible).map((r) => r.name),
      ['shopacr'],
    );
    arm.forbid('Microsoft.ResourceGraph/resources/read');
    const denied = await rejection(graph.resources({ query: REGISTRIES }));
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.code, 'AccessDenied');
  });

  it('refuses a query it cannot evaluate with BadRequest, InvalidQuery and the parser detail, as Resource Graph does', async () => {
    const response = await fetch(`${arm.url}/providers/Microsoft.ResourceGraph/resources?api-version=2021-06-01-preview`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ query: "resources | where name == 'shopacr' | extend x = 1" }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string; message: string; details: Array<Record<string, unknown>> } };
    assert.equal(body.error.code, 'BadRequest');
    assert.match(
      body.error.message,
      /^Please provide below info when asking for support: timestamp = .*, correlationId = [0-9a-f-]{36}\.$/,
    );
    assert.deepEqual(body.error.details[0], {
      code: 'InvalidQuery',
      message:
        'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
    });
    assert.deepEqual(body.error.details[1], {
      code: 'InvalidQueryLanguage',
      message: 'the operator extend is not supported',
      line: -1,
      characterPositionInLine: -1,
      token: 'extend',
    });
    const syntax = await rejection(graph.resources({ query: "resources | where name == 'shopacr' and" }));
    assert.equal(syntax.statusCode, 400);
    assert.match(JSON.stringify(syntax), /ParserFailure/);
    const table = await rejection(graph.resources({ query: 'authorizationresources | take 1' }));
    assert.match(JSON.stringify(table), /InvalidQueryLanguage/);
  });

  it('refuses malformed bodies and an api-version the pinned client does not send', async () => {
    const post = (body: string, version = '2021-06-01-preview') =>
      fetch(`${arm.url}/providers/Microsoft.ResourceGraph/resources?api-version=${version}`, {
        method: 'POST',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body,
      });
    for (const body of [
      '{}',
      '{"query": 42}',
      '[]',
      '{"query":"resources","options":{"$top":5000}}',
      '{"query":"resources","subscriptions":"x"}',
    ]) {
      const response = await post(body);
      assert.equal(response.status, 400, body);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'InvalidRequestContent', body);
    }
    assert.equal((await post('{"query":"resources"}', '2019-04-01')).status, 400);
    assert.equal((await post('{"query":')).status, 400);
  });
});
