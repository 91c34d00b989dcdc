import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { messageActivity, personalChat } from '../support/teams-activities.js';

const MAIN = join(process.cwd(), 'src', 'server', 'main.ts');
const LOOPBACK_ONLY = join(process.cwd(), 'src', 'sandbox', 'loopback-only.cjs');

const APP_ID = '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c';
const TENANT_ID = '72c1e5a9-4b3d-4f8e-9a6c-1d2e3f4a5b6c';
const MIB = 1024 * 1024;

/** The production configuration: an app id, its tenant and type. Microsoft's key endpoint is unreachable (loopback only). */
const PRODUCTION = { NODE_ENV: 'production', MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMsi', MicrosoftAppTenantId: TENANT_ID };

interface Entry {
  child: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
}

/** The real server entry, in production configuration, in its own process: only loopback reachable, TMPDIR its own. */
async function startEntry(dir: string, tmp: string): Promise<Entry> {
  const child = spawn(process.execPath, ['--require', LOOPBACK_ONLY, '--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, HOME: dir, TMPDIR: tmp, PORT: '0', STORE_SQLITE_PATH: join(dir, 'state.sqlite'), ...PRODUCTION },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  for (let i = 0; i < 600; i++) {
    const listening = records(stdout).find((r) => r.msg === 'listening');
    if (listening) return { child, port: listening.port as number, stdout: () => stdout, stderr: () => stderr };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  assert.fail(`the server did not start: ${stdout}${stderr}`);
}

function records(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(kb, 'VmRSS in /proc/PID/status');
  return Number(kb[1]) * 1024;
}

type Outcome = { status: number; body: string } | { closed: string };

/**
 * POSTs `body` to the entry as an attacker would (any headers, any size), and tells what came back: the answer, or
 * that the server closed the connection first.
 */
function post(port: number, path: string, headers: Record<string, string>, body: Buffer | string): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-length': String(payload.length), ...headers }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ closed: error.code ?? error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ closed: error.code ?? error.message }));
    req.end(payload);
  });
}

const b64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A key Microsoft never published: whatever it signs is forged. */
const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });

function jwt(header: object, claims: object, signed = true): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return signed ? `${input}.${sign('sha256', Buffer.from(input), forger.privateKey).toString('base64url')}` : `${input}.`;
}

const now = () => Math.floor(Date.now() / 1000);
/** Claims shaped like the Bot Connector service's tokens (issuer api.botframework.com, no tid). */
const connectorClaims = (more: object = {}) => ({
  serviceurl: 'https://smba.trafficmanager.net/emea/',
  nbf: now() - 60,
  exp: now() + 3600,
  iss: 'https://api.botframework.com',
  aud: APP_ID,
  ...more,
});
const RS256 = { alg: 'RS256', typ: 'JWT', kid: 'k1-forged' };

const activity = (serviceUrl = 'https://smba.trafficmanager.net/emea/') =>
  JSON.stringify(messageActivity(serviceUrl, personalChat(), 'why is pod web failing in shop'));
const bearer = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

/** A gzip of a JSON string of `mib` MiB of "a": gzip members, one per MiB, concatenated (a valid gzip stream). */
function gzipBomb(mib: number): Buffer {
  const megabyte = gzipSync(Buffer.alloc(MIB, 'a'), { level: 9 });
  return Buffer.concat([gzipSync('"'), ...Array.from({ length: mib }, () => megabyte), gzipSync('"')]);
}

function multipart(fileBytes: number): { type: string; body: Buffer } {
  const boundary = `----pulldoctor${randomUUID().replace(/-/g, '')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="core.dump"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([Buffer.from(head), Buffer.alloc(fileBytes, 0x41), Buffer.from(`\r\n--${boundary}--\r\n`)]),
  };
}

/** Runs `count` calls of `task`, `concurrency` at a time. */
async function flood<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

const UNAUTHORIZED_BODY = JSON.stringify({ error: 'unauthorized' });
const refusalLines = (entry: Entry) => records(entry.stdout()).filter((r) => r.msg === 'request refused: not authenticated');

describe('the server entry in production under hostile traffic (loopback only, offline)', function () {
  this.timeout(60_000);
  let dir: string;
  let tmp: string;
  let entry: Entry;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-hostile-'));
    tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    entry = await startEntry(dir, tmp);
    // Warm up (with requests it does not log): the first requests load code and grow the heap to its working size.
    await flood(300, 8, () => post(entry.port, '/api/messages', { 'content-type': 'text/plain' }, activity()));
  });

  after(async () => {
    if (entry && entry.child.exitCode === null) {
      entry.child.kill('SIGTERM');
      await once(entry.child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every refused token 401 with the same body, logging one line each with its reason and no stack trace', async () => {
    const before = refusalLines(entry).length;
    const tokens: Array<[string, Record<string, string>]> = [
      ['no token', { 'content-type': 'application/json' }],
      ['unsigned', bearer(jwt({ alg: 'none', typ: 'JWT' }, connectorClaims(), false))],
      ['forged signature', bearer(jwt(RS256, connectorClaims()))],
      ['expired', bearer(jwt(RS256, connectorClaims({ nbf: now() - 7200, exp: now() - 3600 })))],
      ['foreign tid', bearer(jwt(RS256, connectorClaims({ tid: '0b5e8f2a-9c1d-4e7b-8a3f-6d2c1b0a9e8f' })))],
      ['own tid, forged', bearer(jwt(RS256, connectorClaims({ tid: TENANT_ID })))],
      ['tid not a GUID', bearer(jwt(RS256, connectorClaims({ tid: `x${'0'.repeat(500)}` })))],
      ['oversized header', bearer(jwt(RS256, connectorClaims({ pad: 'p'.repeat(10_000) })))],
    ];
    for (const [what, headers] of tokens) {
      const outcome = await post(entry.port, '/api/messages', headers, activity());
      assert.deepEqual(outcome, { status: 401, body: UNAUTHORIZED_BODY }, what);
    }
    // The log comes through another pipe than the answers: wait for it.
    for (let i = 0; i < 200 && refusalLines(entry).length - before < tokens.length; i++) await new Promise((r) => setTimeout(r, 10));
    const lines = refusalLines(entry).slice(before);
    assert.equal(lines.length, tokens.length, 'one log line per refusal');
    assert.deepEqual(
      lines.map((l) => l.reason),
      [
        'missing',
        'unsigned',
        'refused by the Bot Framework',
        'refused by the Bot Framework',
        'foreign-tenant',
        'refused by the Bot Framework',
        'tenant-not-a-guid',
        'oversized',
      ],
    );
    assert.ok(!entry.stderr().includes('    at '), `no stack trace on stderr: ${entry.stderr()}`);
    assert.ok(!entry.stdout().includes('    at '), 'no stack trace in the log');
  });

  it('refuses a gzip bomb (Content-Encoding) with 415 and keeps its memory', async () => {
    const bomb = gzipBomb(500);
    assert.ok(bomb.length < 540_000, `the bomb is ${bomb.length} bytes`);
    const start = rss(entry.child.pid!);
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, () =>
        post(
          entry.port,
          '/api/messages',
          { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: 'Bearer x' },
          bomb,
        ),
      ),
    );
    for (const outcome of outcomes) assert.equal('status' in outcome && outcome.status, 415, JSON.stringify(outcome));
    const growth = rss(entry.child.pid!) - start;
    assert.ok(growth < 50 * MIB, `resident memory grew by ${(growth / MIB).toFixed(1)} MiB`);
    assert.equal((await fetch(`http://127.0.0.1:${entry.port}/healthz`)).status, 200);
  });

  it('refuses multipart uploads (415) without writing anything to the temp folder or keeping them in memory', async () => {
    const small = multipart(10_000);
    assert.deepEqual(await post(entry.port, '/api/messages', { 'content-type': small.type }, small.body), {
      status: 415,
      body: JSON.stringify({ error: 'Send application/json.' }),
    });
    const large = multipart(50 * 1000 * 1000);
    // The folder holds what tsx (which runs the entry here) caches; nothing may join it.
    const cached = readdirSync(tmp);
    const start = rss(entry.child.pid!);
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, () => post(entry.port, '/api/messages', { 'content-type': large.type }, large.body)),
    );
    for (const outcome of outcomes) {
      // Answered 415 at once; the rest of a body that large is not read, so the client may see the connection close.
      assert.ok(('status' in outcome && outcome.status === 415) || 'closed' in outcome, JSON.stringify(outcome));
    }
    const growth = rss(entry.child.pid!) - start;
    assert.ok(growth < 50 * MIB, `resident memory grew by ${(growth / MIB).toFixed(1)} MiB`);
    assert.deepEqual(readdirSync(tmp), cached, 'nothing written to the temp folder');
    assert.deepEqual(
      cached.filter((name) => !name.startsWith('tsx-')),
      [],
    );
    assert.equal((await fetch(`http://127.0.0.1:${entry.port}/healthz`)).status, 200);
  });

  it('answers 413 past 512 KiB, 415 to another media type and 400 to a body that is not JSON, before validating the token', async () => {
    const token = bearer(jwt(RS256, connectorClaims()));
    const status = async (headers: Record<string, string>, body: string) => {
      const outcome = await post(entry.port, '/api/messages', headers, body);
      return 'status' in outcome ? outcome.status : outcome.closed;
    };
    assert.equal(await status(token, JSON.stringify({ type: 'message', text: 'a'.repeat(600 * 1024) })), 413);
    assert.equal(await status({ ...token, 'content-type': 'text/plain' }, activity()), 415);
    assert.equal(await status(token, '{"type": "message", "text": '), 400);
    assert.equal(await status(token, '["message"]'), 400);
  });

  it('refuses 5,000 tokens of distinct tenants without growing its memory, and logs them in a few lines', async () => {
    const before = records(entry.stdout()).length;
    const start = rss(entry.child.pid!);
    const outcomes = await flood(5000, 16, () => {
      const tid = randomUUID();
      return post(
        entry.port,
        '/api/messages',
        bearer(jwt(RS256, connectorClaims({ tid, iss: `https://sts.windows.net/${tid}/` }))),
        activity(),
      );
    });
    assert.ok(
      outcomes.every((o) => 'status' in o && o.status === 401 && o.body === UNAUTHORIZED_BODY),
      JSON.stringify(outcomes.find((o) => !('status' in o) || o.status !== 401)),
    );
    const growth = rss(entry.child.pid!) - start;
    assert.ok(growth < 50 * MIB, `resident memory grew by ${(growth / MIB).toFixed(1)} MiB`);
    const lines = records(entry.stdout()).slice(before);
    assert.ok(lines.length <= 25, `${lines.length} log lines for 5,000 refusals`);
    assert.ok(!entry.stderr().includes('    at '), 'no stack trace on stderr');
  });
});
