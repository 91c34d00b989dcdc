import assert from 'node:assert/strict';
import { createLogger, memorySink, ThrottledLog } from '../../src/logging/index.js';

describe('a throttled log (lines outsiders can cause)', () => {
  it('writes the first lines of a window, counts the rest, and says how many it left out when the next window starts', () => {
    const sink = memorySink();
    let now = 0;
    const log = new ThrottledLog(createLogger({ sink }), { limit: 3, windowMs: 60_000, summary: 'more requests refused', now: () => now });
    for (let i = 0; i < 1000; i++) log.write('request refused', { reason: 'foreign-tenant', i });
    assert.deepEqual(sink.records.map((r) => [r.msg, r.i]), [
      ['request refused', 0],
      ['request refused', 1],
      ['request refused', 2],
    ]);
    now = 60_000;
    log.write('request refused', { reason: 'missing', i: 1000 });
    assert.deepEqual(sink.records.slice(3).map((r) => [r.msg, r.count ?? r.i]), [
      ['more requests refused', 997],
      ['request refused', 1000],
    ]);
    assert.equal(sink.records[3]!.level, 'warn');
  });

  it('says how many it left out at the end of the window even when nothing follows', async () => {
    const sink = memorySink();
    const log = new ThrottledLog(createLogger({ sink }), { limit: 1, windowMs: 20, summary: 'more requests refused' });
    log.write('request refused');
    log.write('request refused');
    log.write('request refused');
    for (let i = 0; i < 100 && sink.records.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(sink.records.map((r) => [r.msg, r.count]), [
      ['request refused', undefined],
      ['more requests refused', 2],
    ]);
  });
});
