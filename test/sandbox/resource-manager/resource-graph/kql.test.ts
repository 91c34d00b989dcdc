import assert from 'node:assert/strict';
import { KqlError, parseKql, runKql, type KqlRow } from '../../../../src/sandbox/resource-manager/resource-graph/kql.js';

const COLUMNS = ['id', 'name', 'type', 'resourceGroup', 'properties', 'tags'];
const ROWS: KqlRow[] = [
  {
    id: '/subscriptions/1/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr',
    name: 'shopacr',
    type: 'microsoft.containerregistry/registries',
    resourceGroup: 'rg-shop',
    properties: { loginServer: 'shopacr.azurecr.io', adminUserEnabled: false },
    tags: {},
  },
  {
    id: '/subscriptions/2/resourceGroups/rg-hub/providers/Microsoft.ContainerRegistry/registries/PlatformHubAcr',
    name: 'PlatformHubAcr',
    type: 'microsoft.containerregistry/registries',
    resourceGroup: 'rg-hub',
    properties: { loginServer: 'platformhubacr.azurecr.io' },
    tags: { team: 'platform' },
  },
  {
    id: '/subscriptions/1/resourceGroups/rg-shop/providers/Microsoft.ContainerService/managedClusters/shop-aks',
    name: 'shop-aks',
    type: 'microsoft.containerservice/managedclusters',
    resourceGroup: 'rg-shop',
    properties: { fqdn: 'shop-aks-dns-1a2b.hcp.westeurope.azmk8s.io', privateFQDN: null },
    tags: {},
  },
];

function names(query: string): string[] {
  return runKql(parseKql(query), COLUMNS, ROWS).map((r) => String(r.name));
}

function refusal(query: string): KqlError {
  try {
    runKql(parseKql(query), COLUMNS, ROWS);
  } catch (error) {
    assert.ok(error instanceof KqlError, `expected a KqlError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected "${query}" to be refused`);
}

describe('the KQL subset the fake Resource Graph evaluates', () => {
  it('finds rows by type (=~ ignores case) and by a dynamic property compared with in~', () => {
    assert.deepEqual(
      names(
        "resources | where type =~ 'Microsoft.ContainerRegistry/registries' and tostring(properties.loginServer) in~ ('PLATFORMHUBACR.azurecr.io')",
      ),
      ['PlatformHubAcr'],
    );
  });

  it('keeps == and in case-sensitive, and their negations', () => {
    assert.deepEqual(names("resources | where name == 'platformhubacr'"), []);
    assert.deepEqual(names("resources | where name in ('shopacr', 'shop-aks')"), ['shopacr', 'shop-aks']);
    assert.deepEqual(names("resources | where name !in ('shopacr', 'shop-aks')"), ['PlatformHubAcr']);
    assert.deepEqual(names("resources | where name !in~ ('SHOPACR', 'platformhubacr')"), ['shop-aks']);
    assert.deepEqual(names("resources | where name !~ 'SHOPACR' and name != 'shop-aks'"), ['PlatformHubAcr']);
  });

  it('combines or, and, not() and parentheses with and binding tighter than or', () => {
    const q = `resources
      | where (type =~ 'microsoft.containerservice/managedclusters' and (tostring(properties.fqdn) in~ ('shop-aks-dns-1a2b.hcp.westeurope.azmk8s.io') or name =~ 'nope'))
          or (type =~ 'microsoft.containerregistry/registries' and not(tolower(name) == 'platformhubacr'))`;
    assert.deepEqual(names(q), ['shopacr', 'shop-aks']);
    assert.deepEqual(names("where name == 'x' and name == 'y' or name == 'shopacr'"), ['shopacr']);
  });

  it('reads dynamic properties by dot and by bracket, and a missing or null property is never equal to anything', () => {
    assert.deepEqual(names("resources | where properties['loginServer'] == 'shopacr.azurecr.io'"), ['shopacr']);
    assert.deepEqual(names("resources | where tags.team == 'platform'"), ['PlatformHubAcr']);
    assert.deepEqual(names("resources | where properties.privateFQDN =~ '' or properties.nothing.deeper == 'x'"), []);
    assert.deepEqual(names('resources | where isnotempty(properties.fqdn)'), ['shop-aks']);
    // A null property and a missing one are both null.
    assert.deepEqual(names('resources | where isempty(properties.privateFQDN) and isnull(properties.privateFQDN)'), [
      'shopacr',
      'PlatformHubAcr',
      'shop-aks',
    ]);
  });

  it('projects columns and renamed expressions, and take cuts the rows', () => {
    const rows = runKql(
      parseKql(
        "resources | where type =~ 'microsoft.containerregistry/registries' | project id, loginServer = toupper(properties.loginServer) | take 1",
      ),
      COLUMNS,
      ROWS,
    );
    assert.deepEqual(rows, [{ id: ROWS[0]!.id, loginServer: 'SHOPACR.AZURECR.IO' }]);
  });

  it('treats a quote inside a string literal as data, so a hostile value cannot widen the query', () => {
    assert.deepEqual(names("resources | where name == 'shopacr\\' or name != \\'x'"), []);
    assert.deepEqual(names(`resources | where name == "it's"`), []);
  });

  it('refuses operators and functions outside the subset as Resource Graph refuses an unsupported language', () => {
    for (const [query, token] of [
      ['resources | extend x = 1', 'extend'],
      ['resources | mv-expand properties', 'mv'],
      ['resources | summarize count() by type', 'summarize'],
      ['resources | where strlen(name) == 7', 'strlen'],
      ['resources | where name > 1', '>'],
    ] as const) {
      const e = refusal(query);
      assert.equal(e.detail.code, 'InvalidQueryLanguage', query);
      assert.equal(e.detail.token, token, query);
      assert.equal(e.detail.line, -1);
    }
  });

  it('reports a syntax error as ParserFailure with its line and position', () => {
    const e = refusal("resources\n| where name == 'shopacr' and");
    assert.equal(e.detail.code, 'ParserFailure');
    assert.equal(e.detail.line, 2);
    assert.equal(e.detail.token, '<EOF>');
    assert.equal(refusal("resources | where name == 'unterminated").detail.code, 'ParserFailure');
    assert.equal(refusal('resources | where name in ()').detail.code, 'ParserFailure');
    assert.equal(refusal('resources | wher name').detail.code, 'ParserFailure');
    assert.equal(refusal('resources where').detail.code, 'ParserFailure');
  });

  it('refuses a hostile query (deep nesting, a long chain) quickly instead of exhausting the stack', () => {
    const deep = `resources | where ${'('.repeat(5000)}name == 'x'${')'.repeat(5000)}`;
    assert.equal(refusal(deep).detail.code, 'ParserFailure');
    const started = Date.now();
    const long = `resources | where ${Array.from({ length: 20_000 }, (_, i) => `name == 'n${i}'`).join(' or ')}`;
    assert.deepEqual(runKql(parseKql(long), COLUMNS, ROWS), []);
    assert.ok(Date.now() - started < 5_000);
  });

  it('refuses a column the rows do not have, even when no row would be looked at', () => {
    const e = refusal("resources | where nmae == 'shopacr' | take 0");
    assert.equal(e.detail.code, 'UnknownColumn');
    assert.equal(e.detail.token, 'nmae');
    assert.equal(refusal('resources | project id | where name == "x"').detail.token, 'name');
  });

  it('accepts a query without a table (Resource Graph assumes resources) and comments', () => {
    assert.deepEqual(names("// registries only\nwhere type =~ 'microsoft.containerregistry/registries' // the rest\n"), [
      'shopacr',
      'PlatformHubAcr',
    ]);
    assert.equal(parseKql('Resources').table, 'Resources');
  });
});
