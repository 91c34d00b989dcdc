import assert from 'node:assert/strict';
import { formatUtc } from '../../src/diagnosis/format-utc.js';

describe('formatUtc', () => {
  it('shows an ISO time, a Date or an offset time as seconds in UTC', () => {
    assert.equal(formatUtc('2026-11-27T04:12:01.734Z'), '2026-11-27 04:12:01 UTC');
    assert.equal(formatUtc(new Date(Date.UTC(2026, 10, 27, 4, 12, 1))), '2026-11-27 04:12:01 UTC');
    assert.equal(formatUtc('2026-11-27T05:12:01+01:00'), '2026-11-27 04:12:01 UTC');
  });

  it('says "an unknown time" for anything else, never the raw input (cards and messages)', () => {
    assert.equal(formatUtc(undefined), 'an unknown time');
    assert.equal(formatUtc('<a href="https://evil.example">soon</a>'), 'an unknown time');
    assert.equal(formatUtc(new Date(Number.NaN)), 'an unknown time');
  });

  it("gives the caller's own text for what is not a time, as the diagnosis keeps what Kubernetes said", () => {
    assert.equal(formatUtc('yesterday-ish', 'yesterday-ish'), 'yesterday-ish');
    assert.equal(formatUtc(undefined, '?'), '?');
  });
});
