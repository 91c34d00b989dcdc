import assert from 'node:assert/strict';
import { activeSummary, withAllocation, withClaim, withSent, withoutClaim, type DeliveryState } from '../../src/alerts/delivery-state.js';

const rule = { threshold: 3, floodWindowMs: 60_000 };
const t = (seconds: number) => new Date(Date.parse('2026-03-02T09:00:00.000Z') + seconds * 1000).toISOString();

function allocate(state: DeliveryState | null, key: string, seconds: number, generation = 1): DeliveryState {
  return withAllocation(state, '19:ops@thread.tacv2', { key, generation }, t(seconds), rule, `s-${seconds}`) ?? state!;
}

describe('delivery state: the flood rule', () => {
  it('gives the first alerts of a window a message of their own', () => {
    let s = allocate(null, 'a', 0);
    s = allocate(s, 'b', 1);
    s = allocate(s, 'c', 2);
    assert.deepEqual(
      Object.values(s.cards).map((c) => c.mode),
      ['card', 'card', 'card'],
    );
    assert.equal(s.activeSummaryId, undefined);
  });

  it('opens one summary once the threshold is reached, listing the alerts already posted, and puts every later alert in it', () => {
    let s: DeliveryState | null = null;
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) s = allocate(s, key, i);
    const summary = activeSummary(s!, t(6), rule)!;
    assert.deepEqual(summary.alertKeys, ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.deepEqual(
      Object.values(s!.cards).map((c) => c.mode),
      ['card', 'card', 'card', 'summary', 'summary', 'summary'],
    );
    assert.equal(Object.keys(s!.summaries).length, 1);
  });

  it('keeps the summary open while alerts keep coming, and posts on their own again after a quiet minute', () => {
    let s: DeliveryState | null = null;
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) s = allocate(s, key, i);
    s = allocate(s, 'e', 50);
    s = allocate(s, 'f', 100);
    assert.equal(s.cards.f!.mode, 'summary', 'joined 50 s after the previous one: still the same incident');
    s = allocate(s, 'g', 161);
    assert.equal(s.cards.g!.mode, 'card');
  });

  it('never allocates the same generation twice, and allocates a higher one anew', () => {
    const s = allocate(null, 'a', 0);
    assert.equal(withAllocation(s, '19:ops@thread.tacv2', { key: 'a', generation: 1 }, t(1), rule, 'x'), undefined);
    assert.equal(allocate(s, 'a', 1, 2).cards.a!.generation, 2);
  });

  it("remembers the previous generation's message when the alert is due a new one, so that it can be finished", () => {
    const posted = withSent(allocate(null, 'a', 0), { kind: 'card', key: 'a' }, { messageId: 'm-1', renderedHash: 'resolved', at: t(1) })!;
    const again = allocate(posted, 'a', 90, 2);
    assert.equal(again.cards.a!.generation, 2);
    assert.equal(again.cards.a!.messageId, undefined, 'the new generation has no message yet: it is posted');
    assert.deepEqual(again.cards.a!.previousMessage, { generation: 1, messageId: 'm-1', renderedHash: 'resolved' });
    const finished = withSent(again, { kind: 'previous', key: 'a' }, { renderedHash: 'final', at: t(91) })!;
    assert.equal(finished.cards.a!.previousMessage!.renderedHash, 'final');
    assert.equal(finished.cards.a!.previousMessage!.messageId, 'm-1');
    assert.equal(
      withClaim(finished, { kind: 'previous', key: 'a' }, 'replica-1', t(92), 60_000),
      undefined,
      'an old message is never posted',
    );
  });

  it('has no previous message to finish when the earlier generation went into a summary', () => {
    let s: DeliveryState | null = null;
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) s = allocate(s, key, i);
    assert.equal(s!.cards.d!.mode, 'summary');
    const again = allocate(s, 'd', 200, 2);
    assert.equal(again.cards.d!.mode, 'card');
    assert.equal(again.cards.d!.previousMessage, undefined);
  });

  it('records which generation of each alert a summary lists', () => {
    let s: DeliveryState | null = null;
    s = allocate(s, 'a', 0, 3);
    for (const [i, key] of ['b', 'c', 'd', 'e'].entries()) s = allocate(s, key, i + 1);
    const summary = activeSummary(s, t(5), rule)!;
    assert.deepEqual(summary.generations, { a: 3, b: 1, c: 1, d: 1, e: 1 });
    s = allocate(s, 'b', 10, 2);
    assert.equal(
      activeSummary(s, t(10), rule)!.generations!.b,
      2,
      'the same alert failing again during the incident: its newest generation',
    );
  });

  it('lets one instance claim a message, refuses another until the claim is stale, and records the message id', () => {
    const s = allocate(null, 'a', 0);
    const claimed = withClaim(s, { kind: 'card', key: 'a' }, 'replica-1', t(1), 60_000)!;
    assert.equal(withClaim(claimed, { kind: 'card', key: 'a' }, 'replica-2', t(30), 60_000), undefined);
    assert.ok(withClaim(claimed, { kind: 'card', key: 'a' }, 'replica-2', t(62), 60_000));
    const sent = withSent(claimed, { kind: 'card', key: 'a' }, { messageId: 'm-1', renderedHash: 'h', at: t(2) })!;
    assert.equal(sent.cards.a!.messageId, 'm-1');
    assert.equal(sent.cards.a!.claim, undefined);
    assert.equal(
      withClaim(sent, { kind: 'card', key: 'a' }, 'replica-1', t(3), 60_000),
      undefined,
      'a posted message is never posted again',
    );
    assert.equal(withoutClaim(claimed, { kind: 'card', key: 'a' }, 'replica-1')!.cards.a!.claim, undefined);
  });
});
