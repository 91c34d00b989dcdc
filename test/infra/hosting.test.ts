import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseBicep, type BicepFile } from '../support/infra/bicep-declarations.js';
import { objectProperties } from '../support/infra/bicep-source.js';
import { INFRA_DIR } from '../support/infra/infra-files.js';

/** The source text of a resource declaration. */
function resourceText(bicep: BicepFile, symbol: string): string {
  const resource = bicep.resources.find((r) => r.symbol === symbol);
  assert.ok(resource, `${bicep.file} has no resource ${symbol}`);
  return bicep.scanned.source.slice(resource.statement.start, resource.statement.end);
}

/** The probes of the container: each `{ type: '...', httpGet: { path: '...', port: ... } }` block in order. */
function probes(text: string): Array<{ type: string; path: string; port: string }> {
  return [...text.matchAll(/type: '(\w+)'\s*\n\s*httpGet: \{\s*\n\s*path: '([^']+)'\s*\n\s*port: (\w+)\s*\n/g)].map((m) => ({
    type: m[1]!,
    path: m[2]!,
    port: m[3]!,
  }));
}

describe('the hosting of the bot in Azure Container Apps', () => {
  const main = parseBicep(join(INFRA_DIR, 'azure.bicep'));
  const containerApp = parseBicep(join(INFRA_DIR, 'modules', 'container-app.bicep'));
  const app = resourceText(containerApp, 'app');

  it('probes liveness on GET /healthz and readiness on GET /readyz, on the port ingress sends traffic to', () => {
    assert.deepEqual(probes(app), [
      { type: 'Startup', path: '/healthz', port: 'port' },
      { type: 'Liveness', path: '/healthz', port: 'port' },
      { type: 'Readiness', path: '/readyz', port: 'port' },
    ]);
    assert.match(app, /ingress: \{\n\s+external: true\n\s+targetPort: port\n/);
    assert.match(app, /allowInsecure: false/);
  });

  // Limits of ContainerAppProbe (Microsoft.App REST API; @azure/arm-appcontainers docs): failureThreshold 1-10,
  // periodSeconds 1-240, successThreshold 1-10 and 1 for liveness and startup.
  it('keeps the probes within what Container Apps accepts (failureThreshold 1-10, periods and timeouts 1-240 s)', () => {
    for (const [, name, value] of app.matchAll(/\n\s+(failureThreshold|periodSeconds|timeoutSeconds|successThreshold): (\d+)\n/g)) {
      const n = Number(value);
      if (name === 'failureThreshold') assert.ok(n >= 1 && n <= 10, `${name} ${n}`);
      else assert.ok(n >= 1 && n <= 240, `${name} ${n}`);
    }
  });

  it("gives the container the same port, and the bot's managed identity for Azure and for pulling its image", () => {
    const appModule = main.modules.find((m) => m.symbol === 'app')!;
    const settingsModule = main.modules.find((m) => m.symbol === 'appSettings')!;
    const source = main.scanned.source;
    const passed = (symbol: string, name: string) => {
      const declaration = main.statements.find((s) => s.masked.trimStart().startsWith(`module ${symbol} `))!;
      const body = declaration.start + declaration.masked.indexOf('{', declaration.masked.indexOf('='));
      const params = objectProperties(main.scanned, body).find((p) => p.key === 'params')!;
      const property = objectProperties(main.scanned, params.valueStart).find((p) => p.key === name);
      assert.ok(property, `${symbol} gets no ${name}`);
      return source.slice(property.valueStart, source.indexOf('\n', property.valueStart)).trim();
    };
    assert.ok(appModule && settingsModule);
    assert.equal(passed('app', 'port'), 'port');
    assert.equal(passed('appSettings', 'port'), 'port');
    assert.equal(passed('app', 'identityId'), 'identity.id');
    assert.equal(passed('appSettings', 'identityClientId'), 'identity.properties.clientId');
    assert.equal(passed('app', 'env'), 'appSettings.outputs.env');
    assert.match(app, /registries: \[\n\s+\{\n\s+server: registryServer\n\s+identity: identityId\n/);
    assert.match(app, /type: 'UserAssigned'/);
  });

  it('creates the Container App only once an image exists, and keeps at least one replica running', () => {
    assert.match(main.scanned.source, /module app 'modules\/container-app\.bicep' = if \(!empty\(containerImage\)\) \{/);
    const minReplicas = containerApp.params.find((p) => p.name === 'minReplicas');
    assert.ok(minReplicas);
    assert.match(containerApp.scanned.source, /@minValue\(1\)\nparam minReplicas int/);
  });
});

describe('the Azure Bot resource', () => {
  const main = parseBicep(join(INFRA_DIR, 'azure.bicep'));
  const botService = parseBicep(join(INFRA_DIR, 'modules', 'bot-service.bicep'));

  it('sends Teams messages to https://<the Container App host>/api/messages', () => {
    assert.match(main.scanned.source, /var botHost = '\$\{appName\}\.\$\{appsEnvironment\.outputs\.defaultDomain\}'/);
    assert.match(main.scanned.source, /endpoint: 'https:\/\/\$\{botHost\}\/api\/messages'/);
  });

  it('offers UserAssignedMSI (the default, no secret) and SingleTenant, never MultiTenant', () => {
    for (const bicep of [main, botService]) {
      for (const param of bicep.params.filter((p) => /appType$/i.test(p.name))) {
        assert.deepEqual(param.allowed, ['UserAssignedMSI', 'SingleTenant'], `${bicep.file}: ${param.name}`);
      }
    }
    assert.match(main.scanned.source, /param botAppType string = 'UserAssignedMSI'/);
    const bot = resourceText(botService, 'bot');
    for (const property of ['msaAppType: appType', 'msaAppId: appId', 'msaAppTenantId: tenantId'])
      assert.ok(bot.includes(property), property);
    assert.match(botService.scanned.source, /appType == 'UserAssignedMSI' \? \{\n\s+msaAppMSIResourceId: msiResourceId\n/);
  });

  it('turns the Microsoft Teams channel on', () => {
    const teams = resourceText(botService, 'teams');
    assert.match(teams, /name: 'MsTeamsChannel'/);
    assert.match(teams, /channelName: 'MsTeamsChannel'/);
    assert.match(teams, /isEnabled: true/);
  });
});

describe("the bot's state storage", () => {
  const storage = parseBicep(join(INFRA_DIR, 'modules', 'state-storage.bicep'));

  it('accepts Entra ID only: no shared keys, no public blobs, TLS 1.2', () => {
    const account = resourceText(storage, 'account');
    for (const setting of [
      'allowSharedKeyAccess: false',
      'defaultToOAuthAuthentication: true',
      'allowBlobPublicAccess: false',
      "minimumTlsVersion: 'TLS1_2'",
      'supportsHttpsTrafficOnly: true',
    ]) {
      assert.ok(account.includes(setting), setting);
    }
  });

  it('gives the bot Storage Blob Data Contributor on its container only, not on the account', () => {
    const assignments = storage.resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments');
    assert.equal(assignments.length, 1);
    const text = resourceText(storage, assignments[0]!.symbol);
    assert.match(text, /\n\s+scope: container\n/);
    assert.match(text, /storageBlobDataContributorRoleId/);
  });
});

describe("the bot's image registry", () => {
  it('has no admin user: the Container App pulls with the managed identity', () => {
    const registry = parseBicep(join(INFRA_DIR, 'modules', 'image-registry.bicep'));
    assert.match(resourceText(registry, 'registry'), /adminUserEnabled: false/);
  });
});
