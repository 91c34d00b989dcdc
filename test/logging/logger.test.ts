import assert from 'node:assert/strict';
import { createLogger, memorySink } from '../../src/logging/index.js';

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
    assert.deepEqual(sink.records.map((r) => r.msg), ['loud']);
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
