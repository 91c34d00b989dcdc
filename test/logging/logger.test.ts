import assert from 'node:assert/strict';
import { createLogger, memorySink, routeConsole, ThrottledLog } from '../../src/logging/index.js';

describe('logger', () => {
  it('writes one structured record per call with the child fields bound', () => {
    const sink = memorySink();
    const log = createLogger({ sink, now: () => new Date('2026-11-26T10:00:00Z') }).child({ turn: 't-1' });
    log.info('diagnosing', { pod: 'web-7d4c9' });
    assert.deepEqual(sink.records, [{ turn: 't-1', pod: 'web-7d4c9', time: '2026-11-26T10:00:00.000Z', level: 'info', msg: 'diagnosing' }]);
  });

  it('drops records below the configured level', () => {
    const sink = memorySink();
    const log = createLogger({ sink, level: 'warn' });
    log.info('quiet');
    log.warn('loud');
    assert.deepEqual(
      sink.records.map((r) => r.msg),
      ['loud'],
    );
  });

  it('never writes secret-named fields, bearer tokens, JWTs or docker auth blobs', () => {
    const sink = memorySink();
    const log = createLogger({ sink });
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    log.error('registry said no to Bearer abcdefghijklmnop', {
      password: 'hunter2',
      headers: { Authorization: 'Basic dXNlcjpwYXNz' },
      body: `{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}`,
      token: jwt,
      note: `got ${jwt} back`,
      url: 'https://user:s3cret@registry.example.com/v2/',
    });
    const text = JSON.stringify(sink.records);
    for (const secret of ['hunter2', 'dXNlcjpwYXNz', jwt, 's3cret', 'abcdefghijklmnop']) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
  });
});

describe('a throttled log (lines outsiders can cause)', () => {
  it('writes the first lines of a window, counts the rest, and says how many it left out when the next window starts', () => {
    const sink = memorySink();
    let now = 0;
    const log = new ThrottledLog(createLogger({ sink }), { limit: 3, windowMs: 60_000, summary: 'more requests refused', now: () => now });
    for (let i = 0; i < 1000; i++) log.write('request refused', { reason: 'foreign-tenant', i });
    assert.deepEqual(
      sink.records.map((r) => [r.msg, r.i]),
      [
        ['request refused', 0],
        ['request refused', 1],
        ['request refused', 2],
      ],
    );
    now = 60_000;
    log.write('request refused', { reason: 'missing', i: 1000 });
    assert.deepEqual(
      sink.records.slice(3).map((r) => [r.msg, r.count ?? r.i]),
      [
        ['more requests refused', 997],
        ['request refused', 1000],
      ],
    );
    assert.equal(sink.records[3]!.level, 'warn');
  });

  it('says how many it left out at the end of the window even when nothing follows', async () => {
    const sink = memorySink();
    const log = new ThrottledLog(createLogger({ sink }), { limit: 1, windowMs: 20, summary: 'more requests refused' });
    log.write('request refused');
    log.write('request refused');
    log.write('request refused');
    for (let i = 0; i < 100 && sink.records.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      sink.records.map((r) => [r.msg, r.count]),
      [
        ['request refused', undefined],
        ['more requests refused', 2],
      ],
    );
  });
});

describe("routing libraries' console output to the logger", () => {
  it('turns each console call into one debug line: the first line of the output, bounded, redacted, never a stack', () => {
    const sink = memorySink();
    const restore = routeConsole(createLogger({ sink, level: 'debug' }));
    try {
      const expired = Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' });
      console.error(expired);
      console.error(`Error finding key for token. Available keys: ${'-----BEGIN PUBLIC KEY-----\nMIIBIjANBg'.padEnd(2000, 'A')}`);
      console.warn('BadRequest: Missing activity or activity type.');
      console.log('token %s', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    } finally {
      restore();
    }
    assert.deepEqual(
      sink.records.map((r) => [r.level, r.source, r.method, r.text]),
      [
        ['debug', 'console', 'error', 'TokenExpiredError: jwt expired'],
        ['debug', 'console', 'error', 'Error finding key for token. Available keys: -----BEGIN PUBLIC KEY-----'],
        ['debug', 'console', 'warn', 'BadRequest: Missing activity or activity type.'],
        ['debug', 'console', 'log', 'token Bearer [redacted]'],
      ],
    );
    assert.ok(!JSON.stringify(sink.records).includes('    at '), 'no stack trace');
  });

  it('keeps a flood of console output to a few lines, and puts the console back', () => {
    const sink = memorySink();
    const original = console.error;
    const restore = routeConsole(createLogger({ sink, level: 'debug' }));
    try {
      for (let i = 0; i < 12_000; i++) console.error(new Error('invalid signature'));
    } finally {
      restore();
    }
    assert.equal(console.error, original);
    assert.equal(sink.records.length, 20);
  });

  it('writes nothing at the default level: the endpoint logs each refusal itself, with the reason', () => {
    const sink = memorySink();
    const restore = routeConsole(createLogger({ sink }));
    try {
      console.error(new Error('invalid signature'));
    } finally {
      restore();
    }
    assert.deepEqual(sink.records, []);
  });
});
