import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError } from '../../src/errors/index.js';
import { createStore } from '../../src/store/index.js';
import { parseConfig } from '../../src/config/index.js';
import { createLogger, memorySink } from '../../src/logging/index.js';

describe('createStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-create-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the SQLite file named by STORE_SQLITE_PATH and logs where it is', async () => {
    const path = join(dir, 'nested', 'pulldoctor.sqlite');
    const config = parseConfig({ STORE_SQLITE_PATH: path });
    const sink = memorySink();
    const store = await createStore(config.store, { log: createLogger({ sink }) });
    await store.ping();
    await store.documents.create('alerts', 'a', { seen: 1 });
    assert.equal(store.describe(), `sqlite:${path}`);
    assert.deepEqual(
      sink.records.map((r) => ({ level: r.level, msg: r.msg, store: r.store, path: r.path })),
      [
        { level: 'warn', msg: `created a new empty store at ${path}`, store: 'sqlite', path },
        { level: 'info', msg: 'store opened', store: 'sqlite', path },
      ],
    );
    await store.close();
    sink.records.length = 0;
    const again = await createStore(config.store, { log: createLogger({ sink }) });
    assert.deepEqual((await again.documents.get('alerts', 'a'))?.value, { seen: 1 });
    await again.close();
    // Opening the same store again creates nothing.
    assert.deepEqual(
      sink.records.filter((r) => r.level !== 'info'),
      [],
    );
  });

  it('fails with STORE_UNAVAILABLE when the SQLite file cannot be created', async () => {
    const blocked = join(dir, 'file-not-folder');
    const first = await createStore({ kind: 'sqlite', path: blocked }, { log: createLogger({ sink: () => undefined }) });
    await first.close();
    // A path under a regular file cannot be a database.
    await assert.rejects(
      createStore({ kind: 'sqlite', path: join(blocked, 'state.sqlite') }, { log: createLogger({ sink: () => undefined }) }),
      (error: unknown) => {
        const advice = describeError(error);
        assert.equal(advice.code, 'STORE_UNAVAILABLE');
        // The file system's own reason, and advice about the local file rather than a storage account.
        assert.match(advice.message, /the file system says "E[A-Z]+: [^"]+file-not-folder/);
        assert.match(advice.advice, /local SQLite file/);
        return true;
      },
    );
  });
});
