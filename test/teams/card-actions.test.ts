import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { openBlobStore, openSqliteStore, type Store } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { isPullDoctorError } from '../../src/errors/index.js';
import { CARD_ACTIONS_COLLECTION, CardActionStore, type CardAction } from '../../src/teams/card-actions.js';
import { missingAcrPull } from '../fixtures/diagnoses/index.js';
import { startAzurite, type RunningAzurite } from '../support/azurite.js';

const rerun: CardAction = { verb: 'rerun', conversationId: 'a:1', target: { pod: 'web-7d4c9', namespace: 'shop' }, run: 1 };
const requestFix: CardAction = {
  verb: 'requestFix',
  conversationId: '19:abc@thread.tacv2;messageid=1795735129931',
  target: { pod: 'web-7d4c9', namespace: 'shop', cluster: 'prod' },
  run: 2,
  fix: missingAcrPull.fix!,
  cause: 'unauthorized',
  diagnosedAt: missingAcrPull.diagnosedAt,
};
const DAY = 86_400_000;

/** Two handles on one store, as two replicas (or a process before and after a restart) have. */
type Replicas = () => Promise<{ first: Store; second: Store; close(): Promise<void> }>;

function behavesAsACardActionStore(replicas: Replicas): void {
  it('gives each action a new unguessable id, and gives the action back to any replica, as plain JSON', async () => {
    const { first, second, close } = await replicas();
    try {
      const a = new CardActionStore(first.documents);
      const b = new CardActionStore(second.documents);
      const id = await a.put(requestFix);
      assert.match(id, /^[0-9a-z]{9}\.[A-Za-z0-9_-]{22}$/);
      assert.notEqual(await a.put(requestFix), id);
      assert.deepEqual(await b.get(id), requestFix);
      const copy = (await b.get(id))!;
      copy.run = 99;
      assert.equal((await b.get(id))!.run, 2, 'each read is a new copy');
    } finally {
      await close();
    }
  });

  it('forgets an action once its time to live has passed, and deletes it when it is read', async () => {
    const { first, second, close } = await replicas();
    try {
      let now = Date.UTC(2026, 10, 26);
      const a = new CardActionStore(first.documents, { ttlMs: 7 * DAY, now: () => now });
      const b = new CardActionStore(second.documents, { ttlMs: 7 * DAY, now: () => now });
      const id = await a.put(rerun);
      now += 7 * DAY - 1;
      assert.deepEqual(await b.get(id), rerun);
      now += 1;
      assert.equal(await b.get(id), undefined);
      assert.equal(await first.documents.get(CARD_ACTIONS_COLLECTION, id), null);
    } finally {
      await close();
    }
  });

  it('deletes expired actions oldest first, and only those', async () => {
    const { first, second, close } = await replicas();
    try {
      let now = Date.UTC(2026, 10, 1);
      const a = new CardActionStore(first.documents, { ttlMs: DAY, now: () => now });
      const old = [await a.put(rerun), await a.put(rerun)];
      now += DAY / 2;
      const recent = await a.put(rerun);
      now += DAY / 2 + 1;
      const sweeper = new CardActionStore(second.documents, { now: () => now });
      assert.equal(await sweeper.deleteExpired(), 2);
      for (const id of old) assert.equal(await first.documents.get(CARD_ACTIONS_COLLECTION, id), null);
      assert.deepEqual(await a.get(recent), rerun);
      assert.equal(await sweeper.deleteExpired(), 0);
    } finally {
      await close();
    }
  });
}

describe('CardActionStore', function () {
  this.timeout(30_000);

  describe('over SQLite, reopened as after a restart', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'pulldoctor-card-actions-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    behavesAsACardActionStore(async () => {
      const path = join(dir, 'state.sqlite');
      const first = await openSqliteStore({ path, log: silentLogger() });
      const second = await openSqliteStore({ path, log: silentLogger() });
      return { first, second, close: async () => void (await Promise.all([first.close(), second.close()])) };
    });
  });

  describe('over Azure Blob storage (Azurite), shared by two replicas', () => {
    let azurite: RunningAzurite;
    let containers = 0;
    before(async () => {
      azurite = await startAzurite();
    });
    after(async () => {
      await azurite?.close();
    });
    behavesAsACardActionStore(async () => {
      const name = `card-actions-${++containers}`;
      const open = () =>
        openBlobStore({
          container: BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(name),
          log: silentLogger(),
        });
      const first = await open();
      const second = await open();
      return { first, second, close: async () => void (await Promise.all([first.close(), second.close()])) };
    });
  });

  describe('with data it did not write', () => {
    let store: Store;
    beforeEach(async () => {
      store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    });
    afterEach(() => store.close());

    it('knows nothing of ids it did not issue, whatever their shape, without asking the store to parse them', async () => {
      const actions = new CardActionStore(store.documents);
      for (const id of ['made-up', '', '../../etc/passwd', `${'0'.repeat(9)}.${'A'.repeat(22)}`, 'x'.repeat(300)]) {
        assert.equal(await actions.get(id), undefined, id);
      }
    });

    it('treats a stored document of the wrong shape as unknown rather than acting on it', async () => {
      const actions = new CardActionStore(store.documents);
      const id = await actions.put(rerun);
      const { etag } = (await store.documents.get(CARD_ACTIONS_COLLECTION, id))!;
      await store.documents.replace(
        CARD_ACTIONS_COLLECTION,
        id,
        { action: { verb: 'deleteCluster', conversationId: 'a:1' }, expiresAt: Date.now() + DAY },
        etag,
      );
      assert.equal(await actions.get(id), undefined);
    });

    it('fails with STORE_UNAVAILABLE when the store does', async () => {
      const actions = new CardActionStore(store.documents);
      const id = await actions.put(rerun);
      await store.close();
      for (const attempt of [actions.put(rerun), actions.get(id)]) {
        await assert.rejects(attempt, (error: unknown) => isPullDoctorError(error) && error.code === 'STORE_UNAVAILABLE');
      }
    });
  });
});
