import assert from 'node:assert/strict';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  ContainerSASPermissions,
  generateAccountSASQueryParameters,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { describeError } from '../../../src/errors/index.js';
import { createStore, openBlobStore } from '../../../src/store/index.js';
import { SecretValue, type BlobStoreConfig } from '../../../src/config/store.js';
import { createLogger, memorySink, silentLogger } from '../../../src/logging/index.js';
import { AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY, startAzurite, type RunningAzurite } from '../../support/azurite.js';
import { StorageTokenCredential } from '../../support/storage-token-credential.js';
import { defineStoreContract, rejectsWith } from '../store-contract.js';

const NO_RETRIES = { retryOptions: { maxTries: 1, tryTimeoutInMs: 5000 } };

describe('Azure Blob store (against Azurite)', function () {
  this.timeout(30_000);
  let azurite: RunningAzurite;
  let containers = 0;
  const serviceClient = () => BlobServiceClient.fromConnectionString(azurite.connectionString);
  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.close();
  });

  describe('meets the store contract with a connection string', () => {
    defineStoreContract(async () => {
      const name = `contract-${++containers}`;
      // Each open() is a new SDK client, as another process or replica would have.
      return { open: () => openBlobStore({ container: serviceClient().getContainerClient(name), log: silentLogger() }) };
    });
  });

  describe('blob layout', () => {
    it('keeps documents at <collection>/<encoded id>.json and audit records at audit/<day>/<time>-<random>.json', async () => {
      const container = serviceClient().getContainerClient(`layout-${++containers}`);
      const store = await openBlobStore({ container, log: silentLogger() });
      await store.documents.create('fix-requests', 'fr-1', { status: 'pending' });
      await store.documents.create('conversations', '19:abc@thread.tacv2/ü', {});
      await store.audit.append({ at: '2025-01-31T09:15:00.000Z', action: 'fix.requested', result: 'ok' });
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat()) names.push(blob.name);
      assert.equal(names.length, 3);
      assert.ok(names.includes('fix-requests/fr-1.json'), names.join(', '));
      assert.ok(names.includes('conversations/19%3Aabc%40thread%2Etacv2%2F%C3%BC.json'), names.join(', '));
      assert.match(
        names.find((n) => n.startsWith('audit/'))!,
        /^audit\/2025-01-31\/2025-01-31T09:15:00\.000Z-[0-9a-f]{16}\.json$/,
      );
      const properties = await container.getBlobClient('fix-requests/fr-1.json').getProperties();
      assert.equal(properties.contentType, 'application/json; charset=utf-8');
      await store.close();
    });

    it('puts every hostile id one level under its collection, never elsewhere', async () => {
      const container = serviceClient().getContainerClient(`layout-${++containers}`);
      const store = await openBlobStore({ container, log: silentLogger() });
      const hostile = ['../../outside', '..', 'a/../../b', '%2F..%2F', 'audit/2025-01-01/x', '\\..\\', 'ünï/cödé'];
      for (const id of hostile) await store.documents.create('hostile', id, { id });
      for await (const blob of container.listBlobsFlat()) {
        assert.match(blob.name, /^hostile\/[A-Za-z0-9_%-]+\.json$/, blob.name);
      }
      await store.close();
    });

    it('ignores blobs in a collection that this layout did not write', async () => {
      const container = serviceClient().getContainerClient(`layout-${++containers}`);
      const sink = memorySink();
      const store = await openBlobStore({ container, log: createLogger({ sink }) });
      await store.documents.create('alerts', 'real', { ok: true });
      for (const name of [
        'alerts/not-json.txt',
        'alerts/bad%zz.json',
        'alerts/sub/dir.json',
        'alerts/%2e.json',
        'alerts/lower%c3%bc.json',
      ]) {
        await container.getBlockBlobClient(name).upload('{}', 2);
      }
      assert.deepEqual(
        (await store.documents.list('alerts')).map((d) => d.id),
        ['real'],
      );
      assert.equal(sink.records.filter((r) => r.msg === 'ignoring a blob this store did not write').length, 5);
      await store.close();
    });

    it('creates a container that disappeared again on the next write, and reports the loss in the error log and the new audit log', async () => {
      const container = serviceClient().getContainerClient(`layout-${++containers}`);
      const sink = memorySink();
      const store = await openBlobStore({ container, log: createLogger({ sink }) });
      await store.documents.create('fix-requests', 'fr-1', { status: 'approved' });
      await store.audit.append({ at: '2025-03-14T09:00:00.000Z', action: 'fix.approved', result: 'ok' });
      await container.delete();

      await store.documents.create('fix-requests', 'fr-2', { status: 'pending' });
      assert.equal(await container.exists(), true);
      assert.equal(await store.documents.get('fix-requests', 'fr-1'), null);
      assert.deepEqual(
        (await store.documents.list('fix-requests')).map((d) => d.id),
        ['fr-2'],
      );
      const audit = await store.audit.list();
      assert.deepEqual(
        audit.map((r) => [r.action, r.result, r.target]),
        [['store.container-recreated', 'data-lost', { container: container.containerName }]],
      );
      assert.match(
        audit[0]!.reason!,
        /was gone \(deleted outside Pull Doctor\) and was created again, empty: every fix request, approval, card action, alert state and audit record it held before .* is lost/,
      );
      const errors = sink.records.filter((r) => r.level === 'error');
      assert.deepEqual(
        errors.map((r) => r.msg),
        ['the Blob container was gone; created it again, empty: everything it held is lost'],
      );
      await store.close();
    });

    it('makes one creation and one report of the loss when many operations meet it at once', async () => {
      const container = serviceClient().getContainerClient(`layout-${++containers}`);
      const sink = memorySink();
      const store = await openBlobStore({ container, log: createLogger({ sink }) });
      await container.delete();
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => store.documents.create('alerts', `a-${i}`, { i })),
        ...Array.from({ length: 5 }, () => store.documents.get('alerts', 'a-0')),
        store.ping(),
      ]);
      assert.equal((await store.documents.list('alerts')).length, 10);
      assert.deepEqual(
        (await store.audit.list()).map((r) => r.action),
        ['store.container-recreated'],
      );
      assert.equal(sink.records.filter((r) => r.level === 'error').length, 1);
      await store.close();
    });

    it('fails every operation and the readiness ping with restore advice when the container is gone and may not be created again', async () => {
      const name = `least-privilege-gone-${++containers}`;
      await serviceClient().getContainerClient(name).create();
      const sas = generateBlobSASQueryParameters(
        { containerName: name, permissions: ContainerSASPermissions.parse('rcwdl'), expiresOn: new Date(Date.now() + 3_600_000) },
        new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY),
      ).toString();
      const sink = memorySink();
      const config: BlobStoreConfig = {
        kind: 'azure-blob',
        container: name,
        connectionString: new SecretValue(`BlobEndpoint=${azurite.blobUrl};SharedAccessSignature=${sas}`),
      };
      const store = await createStore(config, { log: createLogger({ sink }), blobPipeline: NO_RETRIES });
      await store.documents.create('fix-requests', 'fr-1', { status: 'approved' });
      await serviceClient().getContainerClient(name).delete();

      for (const operation of [
        () => store.documents.get('fix-requests', 'fr-1'),
        () => store.documents.create('fix-requests', 'fr-2', {}),
        () => store.audit.list(),
        () => store.ping(),
      ]) {
        await assert.rejects(operation(), (error: unknown) => {
          const advice = describeError(error);
          assert.equal(advice.code, 'STORE_UNAVAILABLE');
          assert.match(
            advice.message,
            new RegExp(`The Blob container ${name} is gone \\(deleted outside Pull Doctor\\), and Pull Doctor may not create it again`),
          );
          assert.match(
            advice.advice,
            /az storage container restore --account-name ACCOUNT --name least-privilege-gone-\d+ --deleted-version VERSION/,
          );
          return true;
        });
      }
      assert.equal(await serviceClient().getContainerClient(name).exists(), false);
      assert.deepEqual(
        sink.records.filter((r) => r.level === 'error').map((r) => r.msg),
        ['the Blob container is gone and cannot be created again: every store operation fails until it is restored'],
      );
      assert.doesNotMatch(JSON.stringify(sink.records), /sig=|Eby8vdM02/);

      // Once an operator brings a container back, the store works again.
      await serviceClient().getContainerClient(name).create();
      await store.ping();
      await store.documents.create('fix-requests', 'fr-3', {});
      await store.close();
    });

    it('reports a document whose blob is not JSON as STORE_UNAVAILABLE, without quoting it', async () => {
      const container = serviceClient().getContainerClient(`layout-${++containers}`);
      const store = await openBlobStore({ container, log: silentLogger() });
      await container.getBlockBlobClient('alerts/corrupt.json').upload('{"password":"hunter2', 20);
      await assert.rejects(store.documents.get('alerts', 'corrupt'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'STORE_UNAVAILABLE');
        assert.match(error.message, /alerts\/corrupt is not valid JSON/);
        assert.doesNotMatch(`${error.message} ${String(error.cause)}`, /hunter2/);
        return true;
      });
      await store.close();
    });
  });

  describe('createStore', () => {
    it('opens the configured container from a connection string, creating it when missing', async () => {
      const config: BlobStoreConfig = {
        kind: 'azure-blob',
        container: `created-${++containers}`,
        connectionString: new SecretValue(azurite.connectionString),
      };
      const sink = memorySink();
      const store = await createStore(config, { log: createLogger({ sink, level: 'debug' }) });
      await store.ping();
      assert.equal(store.describe(), `azure-blob:${azurite.blobUrl}/${config.container}`);
      assert.equal(await serviceClient().getContainerClient(config.container).exists(), true);
      await store.close();
      assert.doesNotMatch(JSON.stringify(sink.records), /AccountKey|Eby8vdM02/);
    });

    it('describes a store opened with a SAS connection string without its signature', async () => {
      const sas = generateAccountSASQueryParameters(
        {
          expiresOn: new Date(Date.now() + 3_600_000),
          permissions: AccountSASPermissions.parse('rwdlc'),
          resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
          services: AccountSASServices.parse('b').toString(),
          protocol: SASProtocol.HttpsAndHttp,
        },
        new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY),
      ).toString();
      const config: BlobStoreConfig = {
        kind: 'azure-blob',
        container: `sas-${++containers}`,
        connectionString: new SecretValue(`BlobEndpoint=${azurite.blobUrl};SharedAccessSignature=${sas}`),
      };
      const store = await createStore(config, { log: silentLogger() });
      await store.documents.create('alerts', 'a', { via: 'sas' });
      assert.deepEqual((await store.documents.get('alerts', 'a'))?.value, { via: 'sas' });
      assert.equal(store.describe(), `azure-blob:${azurite.blobUrl}/${config.container}`);
      await store.close();
    });

    it('works with an identity that may use the container but not create containers', async () => {
      const name = `least-privilege-${++containers}`;
      await serviceClient().getContainerClient(name).create();
      const sas = generateBlobSASQueryParameters(
        { containerName: name, permissions: ContainerSASPermissions.parse('rcwdl'), expiresOn: new Date(Date.now() + 3_600_000) },
        new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY),
      ).toString();
      const config: BlobStoreConfig = {
        kind: 'azure-blob',
        container: name,
        connectionString: new SecretValue(`BlobEndpoint=${azurite.blobUrl};SharedAccessSignature=${sas}`),
      };
      const store = await createStore(config, { log: silentLogger(), blobPipeline: NO_RETRIES });
      const etag = await store.documents.create('alerts', 'a', { n: 1 });
      await store.documents.replace('alerts', 'a', { n: 2 }, etag);
      assert.deepEqual(
        (await store.documents.list('alerts')).map((d) => d.value),
        [{ n: 2 }],
      );
      await store.close();
      // The same identity cannot open a container that does not exist.
      await rejectsWith(
        createStore({ ...config, container: `missing-${containers}` }, { log: silentLogger(), blobPipeline: NO_RETRIES }),
        'STORE_UNAVAILABLE',
      );
    });

    it('fails with STORE_UNAVAILABLE, naming no secret, when the Blob endpoint does not answer', async () => {
      const closed = await startAzurite();
      await closed.close();
      const sink = memorySink();
      const config: BlobStoreConfig = {
        kind: 'azure-blob',
        container: 'unreachable',
        connectionString: new SecretValue(closed.connectionString),
      };
      await assert.rejects(
        createStore(config, { log: createLogger({ sink }), blobPipeline: NO_RETRIES }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'STORE_UNAVAILABLE');
          assert.match(error.message, /failed to open the container unreachable/);
          assert.doesNotMatch(
            JSON.stringify({ message: error.message, facts: (error as { facts?: unknown }).facts }),
            /AccountKey|Eby8vdM02/,
          );
          return true;
        },
      );
      assert.doesNotMatch(JSON.stringify(sink.records), /AccountKey|Eby8vdM02/);
    });

    it('refuses an account URL without an injected credential rather than look for one', async () => {
      const config: BlobStoreConfig = { kind: 'azure-blob', container: 'pulldoctor', accountUrl: 'https://127.0.0.1:1/devstoreaccount1' };
      await rejectsWith(createStore(config, { log: silentLogger() }), 'AZURE_CREDENTIAL_UNAVAILABLE');
    });
  });
});

describe('Azure Blob store with an account URL and a TokenCredential (Azurite over HTTPS with OAuth)', function () {
  this.timeout(30_000);
  let azurite: RunningAzurite;
  let containers = 0;
  before(async () => {
    azurite = await startAzurite({ oauth: true });
  });
  after(async () => {
    await azurite?.close();
  });

  describe('meets the store contract', () => {
    defineStoreContract(async () => {
      const config: BlobStoreConfig = { kind: 'azure-blob', container: `oauth-${++containers}`, accountUrl: azurite.blobUrl };
      return { open: () => createStore(config, { credential: new StorageTokenCredential(), log: silentLogger() }) };
    });
  });

  it('asks the injected credential for an Azure Storage token', async () => {
    const credential = new StorageTokenCredential();
    const store = await createStore(
      { kind: 'azure-blob', container: 'scopes', accountUrl: azurite.blobUrl },
      { credential, log: silentLogger() },
    );
    await store.documents.create('alerts', 'a', {});
    assert.ok(credential.requestedScopes.length >= 1);
    for (const scopes of credential.requestedScopes) assert.deepEqual(scopes, ['https://storage.azure.com/.default']);
    await store.close();
  });

  it('fails with STORE_UNAVAILABLE when the service rejects the token', async () => {
    const credential = new StorageTokenCredential({ audience: 'https://management.azure.com' });
    const config: BlobStoreConfig = { kind: 'azure-blob', container: 'rejected', accountUrl: azurite.blobUrl };
    await assert.rejects(
      createStore(config, { credential, log: silentLogger(), blobPipeline: NO_RETRIES }),
      (error: Error & { code?: string; facts?: Record<string, unknown> }) => {
        assert.equal(error.code, 'STORE_UNAVAILABLE');
        // Azure answers 401 InvalidAuthenticationInfo for a token meant for another audience; Azurite 403 AuthenticationFailed.
        assert.ok(error.facts?.status === 401 || error.facts?.status === 403, String(error.facts?.status));
        assert.match(String(error.facts?.blobErrorCode), /Authentication/);
        return true;
      },
    );
  });
});
