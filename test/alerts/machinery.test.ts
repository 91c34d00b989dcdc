import assert from 'node:assert/strict';
import { Backoff } from '../../src/alerts/machinery.js';

describe('Backoff', () => {
  it('grows exponentially with jitter between half and all of the step, up to the bound, and starts over after reset', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 8000, random: () => 0 });
    assert.deepEqual([low.next(), low.next(), low.next(), low.next(), low.next()], [500, 1000, 2000, 4000, 4000]);
    const high = new Backoff({ initialMs: 1000, maxMs: 8000, random: () => 0.999999 });
    assert.deepEqual([high.next(), high.next(), high.next(), high.next(), high.next()], [1000, 2000, 4000, 8000, 8000]);
    high.reset();
    assert.equal(high.next(), 1000);
  });
});
