import assert from 'node:assert/strict';
import { parseConfig, ConfigError, CONFIG_KEYS } from '../../src/config/index.js';

describe('parseConfig', () => {
  it('gives safe defaults when nothing is set: no Azure credential, the public ARM endpoint', () => {
    const config = parseConfig({});
    assert.equal(config.azure.credential, 'none');
    assert.equal(config.azure.resourceManagerEndpoint, 'https://management.azure.com');
    assert.equal(config.logging.level, 'info');
  });

  it('reads an explicit credential choice case-insensitively and strips a trailing slash from the ARM endpoint', () => {
    const config = parseConfig({ AZURE_CREDENTIAL: 'CLI', AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:8443/' });
    assert.equal(config.azure.credential, 'cli');
    assert.equal(config.azure.resourceManagerEndpoint, 'https://127.0.0.1:8443');
  });

  it('lists every problem in one error instead of stopping at the first', () => {
    let error: unknown;
    try {
      parseConfig({
        AZURE_CREDENTIAL: 'magic',
        AZURE_SUBSCRIPTION_ID: 'not-a-guid',
        AZURE_RESOURCE_MANAGER_ENDPOINT: 'http://arm',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.problems.length, 4);
    assert.match(error.message, /AZURE_CREDENTIAL must be one of cli, managed-identity/);
    assert.match(error.message, /AZURE_SUBSCRIPTION_ID must be a GUID/);
    assert.match(error.message, /AZURE_RESOURCE_MANAGER_ENDPOINT must use https:/);
    assert.match(error.message, /LOG_LEVEL must be one of/);
  });

  it('declares each key it reads exactly once', () => {
    assert.equal(new Set(CONFIG_KEYS).size, CONFIG_KEYS.length);
    assert.ok(CONFIG_KEYS.includes('AZURE_CREDENTIAL'));
  });
});
