import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { parseConfig, ConfigError, CONFIG_KEYS } from '../../src/config/index.js';
import { SecretValue } from '../../src/config/store.js';
import { createLogger, memorySink } from '../../src/logging/index.js';

const AZURITE_CONNECTION_STRING =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('store configuration', () => {
  it('defaults to an SQLite file under ./data', () => {
    assert.deepEqual(parseConfig({}).store, { kind: 'sqlite', path: './data/pulldoctor.sqlite' });
  });

  it('reads an SQLite path', () => {
    assert.deepEqual(parseConfig({ STORE_SQLITE_PATH: '/var/lib/pulldoctor/state.sqlite' }).store, {
      kind: 'sqlite',
      path: '/var/lib/pulldoctor/state.sqlite',
    });
  });

  it('reads an Azure Blob account URL and container for managed identity', () => {
    const config = parseConfig({
      STORE_KIND: 'azure-blob',
      STORE_BLOB_ACCOUNT_URL: 'https://pulldoctorstate.blob.core.windows.net/',
      STORE_BLOB_CONTAINER: 'bot-state',
    });
    assert.deepEqual(config.store, {
      kind: 'azure-blob',
      container: 'bot-state',
      accountUrl: 'https://pulldoctorstate.blob.core.windows.net',
    });
  });

  it('uses the container "pulldoctor" when none is named', () => {
    const config = parseConfig({ STORE_KIND: 'azure-blob', STORE_BLOB_ACCOUNT_URL: 'https://acct.blob.core.windows.net' });
    assert.equal(config.store.kind === 'azure-blob' && config.store.container, 'pulldoctor');
  });

  it('keeps a connection string as a secret that no log, JSON or inspection shows', () => {
    const config = parseConfig({ STORE_KIND: 'azure-blob', STORE_BLOB_CONNECTION_STRING: AZURITE_CONNECTION_STRING });
    assert.equal(config.store.kind, 'azure-blob');
    const secret = config.store.kind === 'azure-blob' ? config.store.connectionString : undefined;
    assert.ok(secret instanceof SecretValue);
    assert.equal(secret.reveal(), AZURITE_CONNECTION_STRING);

    const sink = memorySink();
    createLogger({ sink }).info('configuration', { config });
    const printed = [JSON.stringify(config), inspect(config, { depth: 10 }), String(secret), `${secret}`, JSON.stringify(sink.records)];
    for (const text of printed) {
      assert.ok(!text.includes('AccountKey'), text);
      assert.ok(!text.includes('Eby8vdM02'), text);
    }
  });

  it('refuses a blob store without an account URL or connection string, and one with both', () => {
    assert.match(problemsOf({ STORE_KIND: 'azure-blob' }).join('\n'), /needs STORE_BLOB_ACCOUNT_URL/);
    assert.match(
      problemsOf({
        STORE_KIND: 'azure-blob',
        STORE_BLOB_ACCOUNT_URL: 'https://a.blob.core.windows.net',
        STORE_BLOB_CONNECTION_STRING: AZURITE_CONNECTION_STRING,
      }).join('\n'),
      /either STORE_BLOB_ACCOUNT_URL .* not both/,
    );
  });

  it('refuses a plain-http account URL, since bearer tokens must only travel over TLS', () => {
    assert.match(
      problemsOf({ STORE_KIND: 'azure-blob', STORE_BLOB_ACCOUNT_URL: 'http://acct.blob.core.windows.net' }).join('\n'),
      /STORE_BLOB_ACCOUNT_URL must use https:/,
    );
  });

  it('refuses invalid container names and unknown kinds', () => {
    const problems = problemsOf({
      STORE_KIND: 'azure-blob',
      STORE_BLOB_ACCOUNT_URL: 'https://a.blob.core.windows.net',
      STORE_BLOB_CONTAINER: 'Bot--State',
    });
    assert.match(problems.join('\n'), /STORE_BLOB_CONTAINER must be 3-63 lowercase/);
    assert.match(problemsOf({ STORE_KIND: 'redis' }).join('\n'), /STORE_KIND must be one of sqlite, azure-blob/);
  });

  it('refuses a malformed connection string without echoing it', () => {
    const problems = problemsOf({
      STORE_KIND: 'azure-blob',
      STORE_BLOB_CONNECTION_STRING: 'SharedAccessSignature=sv=2022&sig=TOPSECRETSIG',
    });
    assert.match(problems.join('\n'), /does not look like a storage connection string/);
    assert.ok(!problems.join('\n').includes('TOPSECRETSIG'));
  });

  it('refuses an account URL with the wrong scheme without echoing its SAS signature or password', () => {
    // A SAS URL pasted with http:// (or a typo in the scheme): the problem names the key, not the secret in the value.
    for (const url of [
      'http://pdstate.blob.core.windows.net/?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2027-01-01&sig=AbCd%2BTopSecretSig%3D',
      'htps://pdstate.blob.core.windows.net/?sv=2022-11-02&sig=AbCd%2BTopSecretSig%3D',
      'http://pd:TopSecretSig@pdstate.blob.core.windows.net/',
    ]) {
      const problems = problemsOf({ STORE_KIND: 'azure-blob', STORE_BLOB_ACCOUNT_URL: url });
      assert.match(problems.join('\n'), /STORE_BLOB_ACCOUNT_URL must use https:/);
      assert.ok(!problems.join('\n').includes('TopSecretSig'), problems.join('\n'));
    }
  });

  it('declares every store key', () => {
    for (const key of [
      'STORE_KIND',
      'STORE_SQLITE_PATH',
      'STORE_BLOB_ACCOUNT_URL',
      'STORE_BLOB_CONTAINER',
      'STORE_BLOB_CONNECTION_STRING',
    ]) {
      assert.ok(CONFIG_KEYS.includes(key), key);
    }
  });
});
