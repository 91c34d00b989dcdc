import assert from 'node:assert/strict';
import { MemoryCardActionStore } from '../../src/teams/memory-card-action-store.js';
import type { CardAction } from '../../src/teams/card-action-store.js';

const rerun: CardAction = { verb: 'rerun', conversationId: 'a:1', target: { pod: 'web-7d4c9', namespace: 'shop' }, run: 1 };

describe('MemoryCardActionStore', () => {
  it('gives each action a new opaque id that is hard to guess and returns the action for it', async () => {
    const store = new MemoryCardActionStore();
    const first = await store.put(rerun);
    const second = await store.put(rerun);
    assert.notEqual(first, second);
    assert.match(first, /^[A-Za-z0-9_-]{22}$/, '128 random bits, base64url');
    assert.deepEqual(await store.get(first), rerun);
  });

  it('knows nothing of ids it did not issue', async () => {
    assert.equal(await new MemoryCardActionStore().get('made-up'), undefined);
  });

  it('forgets an action once its time to live has passed', async () => {
    let now = 1_000;
    const store = new MemoryCardActionStore({ ttlMs: 60_000, now: () => now });
    const id = await store.put(rerun);
    now += 59_999;
    assert.ok(await store.get(id));
    now += 1;
    assert.equal(await store.get(id), undefined);
  });

  it('keeps at most maxEntries actions, dropping the oldest first', async () => {
    const store = new MemoryCardActionStore({ maxEntries: 2 });
    const a = await store.put(rerun);
    const b = await store.put(rerun);
    const c = await store.put(rerun);
    assert.equal(await store.get(a), undefined);
    assert.ok(await store.get(b));
    assert.ok(await store.get(c));
  });

  it('stores a copy, as a persistent store would: later changes to either side do not leak', async () => {
    const store = new MemoryCardActionStore();
    const action = structuredClone(rerun);
    const id = await store.put(action);
    action.target.pod = 'changed';
    const read = await store.get(id);
    assert.equal(read?.target.pod, 'web-7d4c9');
    read!.target.pod = 'changed again';
    assert.equal((await store.get(id))?.target.pod, 'web-7d4c9');
  });
});
