import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describeError } from '../../../src/errors/index.js';
import { openSqliteStore, type Store } from '../../../src/store/index.js';
import { createLogger, memorySink, silentLogger } from '../../../src/logging/index.js';
import { defineStoreContract, rejectsWith } from '../store-contract.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('SQLite store', () => {
  let dir: string;
  let files = 0;
  const newPath = () => join(dir, `db-${++files}`, 'state.sqlite');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-sqlite-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('meets the store contract', () => {
    defineStoreContract(async () => {
      const path = newPath();
      return { open: () => openSqliteStore({ path, log: silentLogger() }) };
    });
  });

  it('creates the folder of its file and uses write-ahead logging with a busy timeout', async () => {
    const path = newPath();
    const store = await openSqliteStore({ path, log: silentLogger(), busyTimeoutMs: 1234 });
    await store.documents.create('alerts', 'a', {});
    assert.equal(store.describe(), `sqlite:${path}`);
    assert.ok(existsSync(path));
    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
    await store.close();
  });

  it('refuses a file written by a newer schema', async () => {
    const newer = newPath();
    await (await openSqliteStore({ path: newer, log: silentLogger() })).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 99');
    raw.close();
    await rejectsWith(openSqliteStore({ path: newer, log: silentLogger() }), 'STORE_UNAVAILABLE');
  });

  describe('tells the truth about its file at open', () => {
    /** A store with real state: 8 audit records and enough documents to span dozens of pages. */
    async function storeWithState(path: string): Promise<void> {
      const store = await openSqliteStore({ path, log: silentLogger() });
      for (let i = 0; i < 120; i++)
        await store.documents.create('fix-requests', `fr-${i}`, { status: 'pending', note: `password=hunter2 ${'x'.repeat(400)}` });
      for (let i = 0; i < 8; i++) await store.audit.append({ at: `2025-03-14T09:00:0${i}.000Z`, action: 'fix.requested', result: 'ok' });
      await store.close();
    }

    /** The refusal, checked for what every refusal must say: SQLite's problem with this file, no secret, no storage account. */
    async function refusal(opening: Promise<Store>, path: string): Promise<{ message: string; advice: string }> {
      let caught: unknown;
      await assert.rejects(opening, (error: unknown) => ((caught = error), true));
      const advice = describeError(caught);
      assert.equal(advice.code, 'STORE_UNAVAILABLE');
      assert.ok(advice.message.includes(path), advice.message);
      assert.match(advice.advice, /local SQLite file/);
      assert.doesNotMatch(advice.advice, /storage account/);
      assert.doesNotMatch(`${advice.message} ${advice.advice}`, /hunter2/);
      return advice;
    }

    it('logs the creation of a new empty store loudly, once, and leaves a marker beside it', async () => {
      const path = newPath();
      const sink = memorySink();
      await (await openSqliteStore({ path, log: createLogger({ sink }) })).close();
      await (await openSqliteStore({ path, log: createLogger({ sink }) })).close();
      const created = sink.records.filter((r) => r.msg === `created a new empty store at ${path}`);
      assert.deepEqual(
        created.map((r) => r.level),
        ['warn'],
      );
      assert.match(readFileSync(`${path}.created`, 'utf8'), /refuses to start without state\.sqlite/);
    });

    it('refuses a zero-length file instead of starting with an empty store, and leaves the file as it found it', async () => {
      const path = newPath();
      await storeWithState(path);
      truncateSync(path, 0);
      const { message } = await refusal(openSqliteStore({ path, log: silentLogger() }), path);
      assert.match(message, /is an empty file \(0 bytes\)/);
      assert.equal(readFileSync(path).length, 0);
    });

    it('refuses a file with random bytes in a middle page, quoting SQLite, and changes nothing in it', async () => {
      const path = newPath();
      await storeWithState(path);
      const raw = new Database(path, { readonly: true });
      const pageSize = raw.pragma('page_size', { simple: true }) as number;
      const pages = raw.pragma('page_count', { simple: true }) as number;
      raw.close();
      assert.ok(pages >= 20, `only ${pages} pages`);
      // Deterministic "random" bytes (SHA-256 in counter mode), so the test is the same on every run.
      const noise = Buffer.concat(Array.from({ length: pageSize / 32 }, (_, i) => createHash('sha256').update(`page noise ${i}`).digest()));
      const bytes = readFileSync(path);
      noise.copy(bytes, Math.floor(pages / 2) * pageSize);
      writeFileSync(path, bytes);

      const { message } = await refusal(openSqliteStore({ path, log: silentLogger() }), path);
      // SQLite's own words: quick_check's findings, or the error it raised reading the page.
      assert.match(message, /quick_check says "[^"]+"|malformed/);
      assert.ok(readFileSync(path).equals(bytes), 'the damaged file was changed');
    });

    it('refuses a file that is not a database, quoting SQLite', async () => {
      const path = newPath();
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, 'this is not an SQLite file, just text that is long enough to have a header page');
      const { message } = await refusal(openSqliteStore({ path, log: silentLogger() }), path);
      assert.match(message, /SQLite says "file is not a database" \(SQLITE_NOTADB\)/);
    });

    it('refuses to recreate a store whose database is missing while its marker is there, and starts over only once the marker is moved away', async () => {
      const path = newPath();
      await storeWithState(path);
      unlinkSync(path);
      const { message, advice } = await refusal(openSqliteStore({ path, log: silentLogger() }), path);
      assert.match(message, /is missing, but state\.sqlite\.created beside it shows that a store was kept there/);
      assert.match(advice, /Restore .* from a backup/);
      assert.equal(existsSync(path), false);

      unlinkSync(`${path}.created`);
      const sink = memorySink();
      const fresh = await openSqliteStore({ path, log: createLogger({ sink }) });
      assert.deepEqual(await fresh.audit.list(), []);
      await fresh.close();
      assert.equal(sink.records.filter((r) => r.level === 'warn' && r.msg === `created a new empty store at ${path}`).length, 1);
    });

    it('refuses a missing database whose write-ahead log is still there (a crash left it)', async () => {
      const path = newPath();
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}-wal`, Buffer.alloc(32));
      const { message } = await refusal(openSqliteStore({ path, log: silentLogger() }), path);
      assert.match(message, /state\.sqlite-wal beside it shows that a store was kept there/);
      assert.equal(existsSync(path), false);
    });

    it('gives a database from before the marker its marker, keeping what it holds', async () => {
      const path = newPath();
      await storeWithState(path);
      unlinkSync(`${path}.created`);
      const store = await openSqliteStore({ path, log: silentLogger() });
      assert.equal((await store.audit.list()).length, 8);
      await store.close();
      assert.ok(existsSync(`${path}.created`));
    });
  });

  it('fails with STORE_UNAVAILABLE when another connection holds the write lock past the busy timeout, and works once it is released', async () => {
    const path = newPath();
    const store = await openSqliteStore({ path, log: silentLogger(), busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await assert.rejects(
        store.documents.create('alerts', 'a', {}),
        (error: Error & { code?: string; facts?: Record<string, unknown> }) => {
          assert.equal(error.code, 'STORE_UNAVAILABLE');
          assert.equal(error.facts?.sqliteCode, 'SQLITE_BUSY');
          return true;
        },
      );
      // Readers are not blocked by a writer in WAL mode.
      assert.equal(await store.documents.get('alerts', 'a'), null);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    await store.documents.create('alerts', 'a', {});
    await store.close();
  });

  it('lets separate processes sharing the file race: one winner per request, no lost increment', async function () {
    this.timeout(60_000);
    const path = newPath();
    const requests = 20;
    const increments = 25;
    const setup = await openSqliteStore({ path, log: silentLogger() });
    for (let i = 0; i < requests; i++) await setup.documents.create('fix-requests', `fr-${i}`, { status: 'pending' });
    await setup.close();

    const names = ['replica-a', 'replica-b', 'replica-c'];
    const replicas = names.map((name) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(here, 'sqlite-replica-process.ts'), path, name, String(requests), String(increments)],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const ready = new Promise<void>((resolve, reject) => {
        const check = () => (stdout.includes('ready\n') ? resolve() : undefined);
        child.stdout.on('data', check);
        child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready: ${stderr}`)));
      });
      const finished = new Promise<{ name: string; won: string[]; increments: number }>((resolve, reject) => {
        child.once('exit', (code) => {
          if (code !== 0) return reject(new Error(`${name} exited with ${code}: ${stderr}`));
          resolve(JSON.parse(stdout.trim().split('\n').pop()!));
        });
      });
      ready.catch(() => undefined);
      return { child, ready, finished };
    });
    try {
      await Promise.all(replicas.map((r) => r.ready));
      for (const r of replicas) r.child.stdin.end('go\n');
      const results = await Promise.all(replicas.map((r) => r.finished));

      const winners = new Map<string, string[]>();
      for (const result of results) for (const id of result.won) winners.set(id, [...(winners.get(id) ?? []), result.name]);
      const store = await openSqliteStore({ path, log: silentLogger() });
      for (let i = 0; i < requests; i++) {
        const id = `fr-${i}`;
        assert.equal(winners.get(id)?.length, 1, `${id} won by ${winners.get(id)?.join(', ') ?? 'nobody'}`);
        assert.deepEqual((await store.documents.get('fix-requests', id))?.value, { status: 'approved', approvedBy: winners.get(id)![0] });
      }
      assert.deepEqual(
        results.map((r) => r.increments),
        [increments, increments, increments],
      );
      assert.deepEqual((await store.documents.get('counters', 'shared'))?.value, { count: increments * names.length });
      await store.close();
    } finally {
      for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    }
  });
});
