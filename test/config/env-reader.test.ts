import assert from 'node:assert/strict';
import { EnvReader, parseDurationMs } from '../../src/config/index.js';

describe('EnvReader', () => {
  it('refuses to read a key that no config section declares', () => {
    const r = new EnvReader({ SECRET_THING: 'x' }, new Set(['OTHER']));
    assert.throws(() => r.string('SECRET_THING'), /not declared/);
  });

  it('treats blank values as unset', () => {
    const r = new EnvReader({ A: '   ' }, new Set(['A']));
    assert.equal(r.string('A', 'fallback'), 'fallback');
  });

  it('parses lists separated by commas or whitespace', () => {
    const r = new EnvReader({ A: ' a, b  c,,' }, new Set(['A']));
    assert.deepEqual(r.list('A'), ['a', 'b', 'c']);
  });

  it('parses durations with units, or plain seconds', () => {
    assert.equal(parseDurationMs('90s'), 90_000);
    assert.equal(parseDurationMs('15m'), 900_000);
    assert.equal(parseDurationMs('4h'), 14_400_000);
    assert.equal(parseDurationMs('1d'), 86_400_000);
    assert.equal(parseDurationMs('120'), 120_000);
    assert.equal(parseDurationMs('soon'), undefined);
  });

  it('records a problem for an out-of-range integer and keeps the fallback', () => {
    const r = new EnvReader({ N: '0' }, new Set(['N']));
    assert.equal(r.integer('N', 5, { min: 1 }), 5);
    assert.equal(r.problems.length, 1);
  });
});
