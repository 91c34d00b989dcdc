import assert from 'node:assert/strict';
import { SendRateLimiter, TEAMS_PER_CONVERSATION_LIMITS } from '../../src/alerts/sending.js';
import { ManualClock } from '../support/manual-clock.js';

describe('SendRateLimiter', () => {
  it('uses the documented Teams per-thread limits', () => {
    assert.deepEqual(
      TEAMS_PER_CONVERSATION_LIMITS.map((w) => [w.periodMs / 1000, w.max]),
      [
        [1, 7],
        [2, 8],
        [30, 60],
        [3600, 1800],
      ],
    );
  });

  it('lets 7 operations through in the first second, the 8th within 2 s, and then waits', () => {
    const clock = new ManualClock();
    const limiter = new SendRateLimiter({ clock });
    const c = '19:ops@thread.tacv2';
    for (let i = 0; i < 7; i++) {
      assert.equal(limiter.waitMs(c), 0);
      void limiter.acquire(c);
    }
    assert.equal(limiter.waitMs(c), 1000, 'the 8th waits for the first second to pass');
    assert.equal(limiter.waitMs('19:other@thread.tacv2'), 0, 'another conversation is not held up');
  });

  it('never lets more than 60 operations into any 30 s, whatever the pace', async () => {
    const clock = new ManualClock();
    const limiter = new SendRateLimiter({ clock });
    const times: number[] = [];
    const start = clock.now();
    const run = (async () => {
      for (let i = 0; i < 130; i++) {
        await limiter.acquire('c');
        times.push(clock.now() - start);
      }
    })();
    await clock.runUntil('130 operations', () => times.length === 130, 250, { realMs: 0 });
    await run;
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((x) => x >= times[i]! && x < times[i]! + 30_000).length;
      assert.ok(inWindow <= 60, `${inWindow} operations in the 30 s from ${times[i]} ms`);
      const inSecond = times.filter((x) => x >= times[i]! && x < times[i]! + 1000).length;
      assert.ok(inSecond <= 7);
    }
  });

  it('holds a conversation back for a Retry-After', () => {
    const clock = new ManualClock();
    const limiter = new SendRateLimiter({ clock });
    limiter.pause('c', 5000);
    assert.equal(limiter.waitMs('c'), 5000);
    assert.equal(limiter.waitMs('d'), 0);
  });
});
