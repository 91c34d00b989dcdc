import assert from 'node:assert/strict';
import { parseConfig, ConfigError, botStartProblems, localModeProblems, CONFIG_KEYS } from '../../src/config/index.js';

const APP_ID = '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

describe('bot configuration', () => {
  it('runs in local mode on port 3978 when no app id is set', () => {
    const { bot } = parseConfig({});
    assert.deepEqual(bot, { auth: { mode: 'local' }, port: 3978, environment: 'development', localModeAcknowledged: false });
  });

  it('reads a user-assigned managed identity without a secret', () => {
    const { bot } = parseConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'UserAssignedMsi',
      MicrosoftAppTenantId: TENANT_ID,
      PORT: '8080',
    });
    assert.deepEqual(bot.auth, { mode: 'UserAssignedMsi', appId: APP_ID, tenantId: TENANT_ID });
    assert.equal(bot.port, 8080);
  });

  it('reads a single-tenant app registration with its client secret', () => {
    const { bot } = parseConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'singletenant',
      MicrosoftAppTenantId: TENANT_ID,
      MicrosoftAppPassword: 'Q~8Q~not-a-real-secret',
    });
    assert.deepEqual(bot.auth, { mode: 'SingleTenant', appId: APP_ID, tenantId: TENANT_ID, password: 'Q~8Q~not-a-real-secret' });
  });

  it('refuses the deprecated MultiTenant app type and says what to use instead', () => {
    const problems = problemsOf({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppTenantId: TENANT_ID,
      MicrosoftAppPassword: 'x',
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /MultiTenant is not supported.*Use UserAssignedMsi or SingleTenant/);
  });

  it('requires the app type and the tenant once an app id is set', () => {
    const problems = problemsOf({ MicrosoftAppId: APP_ID });
    assert.ok(problems.some((p) => /MicrosoftAppTenantId is required/.test(p)));
    assert.ok(problems.some((p) => /MicrosoftAppType is required/.test(p)));
  });

  it('rejects a secret for a managed identity and a missing secret for a single-tenant app', () => {
    assert.match(
      problemsOf({
        MicrosoftAppId: APP_ID,
        MicrosoftAppType: 'UserAssignedMsi',
        MicrosoftAppTenantId: TENANT_ID,
        MicrosoftAppPassword: 's',
      })[0]!,
      /must not be set with MicrosoftAppType=UserAssignedMsi/,
    );
    assert.match(
      problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT_ID })[0]!,
      /MicrosoftAppPassword .* is required/,
    );
  });

  it('never repeats the client secret in a configuration error', () => {
    const secret = 'Q~8Q~super-secret-value';
    let message = '';
    try {
      parseConfig({
        MicrosoftAppId: 'not-a-guid',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: 'nope',
        MicrosoftAppPassword: secret,
        PORT: '99999',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    assert.match(message, /MicrosoftAppId must be a GUID/);
    assert.match(message, /MicrosoftAppTenantId must be a GUID/);
    assert.match(message, /PORT must be between 0 and 65535/);
    assert.ok(!message.includes(secret));
  });

  it('reports identity settings given without an app id instead of silently running unauthenticated', () => {
    assert.match(
      problemsOf({ MicrosoftAppPassword: 'x', MicrosoftAppTenantId: TENANT_ID })[0]!,
      /MicrosoftAppTenantId, MicrosoftAppPassword are set but MicrosoftAppId is not/,
    );
  });

  it('fails closed: local mode is not allowed to serve with NODE_ENV=production', () => {
    const production = parseConfig({ NODE_ENV: 'production' }).bot;
    assert.match(botStartProblems(production)[0]!, /MicrosoftAppId is not set but NODE_ENV=production/);
    assert.deepEqual(botStartProblems(parseConfig({}).bot), []);
    assert.deepEqual(
      botStartProblems(
        parseConfig({
          NODE_ENV: 'production',
          MicrosoftAppId: APP_ID,
          MicrosoftAppType: 'UserAssignedMsi',
          MicrosoftAppTenantId: TENANT_ID,
        }).bot,
      ),
      [],
    );
  });

  it('refuses unauthenticated local mode with real credentials and approvers, unless LOCAL_MODE=true says it is meant', () => {
    const real = { credentials: ['the cluster shop-aks', 'an Azure identity (AZURE_CREDENTIAL=cli)'], approvers: ['APPROVERS'] };
    const [problem] = localModeProblems(parseConfig({}).bot, real);
    assert.match(
      problem!,
      /^MicrosoftAppId is not set, so requests are not authenticated \(local mode\), but real credentials \(the cluster shop-aks, an Azure identity \(AZURE_CREDENTIAL=cli\)\) and approvers \(APPROVERS\) are configured/,
    );
    assert.match(problem!, /set LOCAL_MODE=true to run unauthenticated on purpose/);
    assert.deepEqual(localModeProblems(parseConfig({ LOCAL_MODE: 'true' }).bot, real), []);
    assert.deepEqual(localModeProblems(parseConfig({}).bot, { ...real, approvers: [] }), [], 'without approvers nothing can be approved');
    assert.deepEqual(
      localModeProblems(parseConfig({}).bot, { ...real, credentials: [] }),
      [],
      'without real credentials nothing real can change',
    );
    const authenticated = parseConfig({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMsi', MicrosoftAppTenantId: TENANT_ID }).bot;
    assert.deepEqual(localModeProblems(authenticated, real), []);
  });

  it('reads LOCAL_MODE as a boolean, and refuses it next to an app id', () => {
    assert.equal(parseConfig({ LOCAL_MODE: 'true' }).bot.localModeAcknowledged, true);
    assert.equal(parseConfig({}).bot.localModeAcknowledged, false);
    assert.match(problemsOf({ LOCAL_MODE: 'yes please' })[0]!, /LOCAL_MODE/);
    assert.match(
      problemsOf({ LOCAL_MODE: 'true', MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMsi', MicrosoftAppTenantId: TENANT_ID })[0]!,
      /LOCAL_MODE=true but MicrosoftAppId is set/,
    );
  });

  it('declares its keys in the shared list', () => {
    for (const key of [
      'MicrosoftAppId',
      'MicrosoftAppType',
      'MicrosoftAppTenantId',
      'MicrosoftAppPassword',
      'PORT',
      'NODE_ENV',
      'LOCAL_MODE',
    ])
      assert.ok(CONFIG_KEYS.includes(key), key);
  });
});
