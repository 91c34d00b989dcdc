import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { defineStoreContract, rejectsWith } from './store-contract.js';

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

  it('refuses a file written by a newer schema, and one that is not a database', async () => {
    const newer = newPath();
    await (await openSqliteStore({ path: newer, log: silentLogger() })).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 99');
    raw.close();
    await rejectsWith(openSqliteStore({ path: newer, log: silentLogger() }), 'STORE_UNAVAILABLE');

    const garbage = newPath();
    mkdirSync(dirname(garbage), { recursive: true });
    writeFileSync(garbage, 'this is not an SQLite file, just text that is long enough to have a header page');
    await rejectsWith(openSqliteStore({ path: garbage, log: silentLogger() }), 'STORE_UNAVAILABLE');
  });

  it('fails with STORE_UNAVAILABLE when another connection holds the write lock past the busy timeout, and works once it is released', async () => {
    const path = newPath();
    const store = await openSqliteStore({ path, log: silentLogger(), busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await assert.rejects(store.documents.create('alerts', 'a', {}), (error: Error & { code?: string; facts?: Record<string, unknown> }) => {
        assert.equal(error.code, 'STORE_UNAVAILABLE');
        assert.equal(error.facts?.sqliteCode, 'SQLITE_BUSY');
        return true;
      });
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
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'sqlite-replica-process.ts'), path, name, String(requests), String(increments)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
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
      assert.deepEqual(results.map((r) => r.increments), [increments, increments, increments]);
      assert.deepEqual((await store.documents.get('counters', 'shared'))?.value, { count: increments * names.length });
      await store.close();
    } finally {
      for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    }
  });
});
