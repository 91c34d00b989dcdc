import assert from 'node:assert/strict';
import { isPullDoctorError, type ErrorCode } from '../../src/errors/index.js';
import type { AuditRecord, DocumentStore, Store, StoredDocument } from '../../src/store/index.js';
import { MAX_DOCUMENT_BYTES, updateWithRetry } from '../../src/store/index.js';

/**
 * The behaviour every Store implementation must have, defined once and run against each backend.
 *
 * A backing is one place where state lives (an SQLite file, a Blob container). `open()` may be called several
 * times on the same backing: each call is another client, as a restarted process or a second replica would
 * have. Every test gets a fresh, empty backing; the suite closes the stores it opened.
 */
export interface StoreBacking {
  open(): Promise<Store>;
}

export function defineStoreContract(newBacking: () => Promise<StoreBacking>): void {
  let backing: StoreBacking;
  let opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const store = await backing.open();
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    backing = await newBacking();
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
    opened = [];
  });

  describe('documents', () => {
    it('creates a document and reads it back with its etag', async () => {
      const { documents } = await open();
      const etag = await documents.create('fix-requests', 'fr-1', { status: 'pending', pod: 'web-7d9' });
      assert.equal(typeof etag, 'string');
      assert.ok(etag.length > 0);
      assert.deepEqual(await documents.get('fix-requests', 'fr-1'), { value: { status: 'pending', pod: 'web-7d9' }, etag });
    });

    it('answers null for a document that does not exist', async () => {
      const { documents } = await open();
      assert.equal(await documents.get('fix-requests', 'nothing-here'), null);
    });

    it('refuses to create an id that exists, and keeps the first value', async () => {
      const { documents } = await open();
      const etag = await documents.create('fix-requests', 'fr-1', { n: 1 });
      await rejectsWith(documents.create('fix-requests', 'fr-1', { n: 2 }), 'STORE_CONFLICT');
      assert.deepEqual(await documents.get('fix-requests', 'fr-1'), { value: { n: 1 }, etag });
    });

    it('replaces a document given its current etag, and gives it a new etag', async () => {
      const { documents } = await open();
      const first = await documents.create('fix-requests', 'fr-1', { status: 'pending' });
      const second = await documents.replace('fix-requests', 'fr-1', { status: 'approved' }, first);
      assert.notEqual(second, first);
      assert.deepEqual(await documents.get('fix-requests', 'fr-1'), { value: { status: 'approved' }, etag: second });
    });

    it('refuses a replace with a stale etag and leaves the document as it was', async () => {
      const { documents } = await open();
      const stale = await documents.create('fix-requests', 'fr-1', { v: 1 });
      const current = await documents.replace('fix-requests', 'fr-1', { v: 2 }, stale);
      await rejectsWith(documents.replace('fix-requests', 'fr-1', { v: 3 }, stale), 'STORE_CONFLICT');
      assert.deepEqual(await documents.get('fix-requests', 'fr-1'), { value: { v: 2 }, etag: current });
    });

    it('treats a made-up etag as a conflict, and refuses "*" (any version) or an empty etag as invalid', async () => {
      const { documents } = await open();
      const etag = await documents.create('fix-requests', 'fr-1', { v: 1 });
      for (const madeUp of ['"0x8DD4F2A1B2C3D4E"', 'not-quoted', 'W/"weak"']) {
        await rejectsWith(documents.replace('fix-requests', 'fr-1', { v: 2 }, madeUp), 'STORE_CONFLICT');
        await rejectsWith(documents.delete('fix-requests', 'fr-1', madeUp), 'STORE_CONFLICT');
      }
      for (const invalid of ['*', ' * ', '', 'line\nbreak', 'ü']) {
        await rejectsWith(documents.replace('fix-requests', 'fr-1', { v: 3 }, invalid), 'INVALID_INPUT');
        await rejectsWith(documents.delete('fix-requests', 'fr-1', invalid), 'INVALID_INPUT');
      }
      assert.deepEqual(await documents.get('fix-requests', 'fr-1'), { value: { v: 1 }, etag });
    });

    it('refuses to replace a document that does not exist, whatever the etag', async () => {
      const { documents } = await open();
      const etag = await documents.create('fix-requests', 'other', {});
      await rejectsWith(documents.replace('fix-requests', 'missing', { v: 1 }, etag), 'STORE_CONFLICT');
      assert.equal(await documents.get('fix-requests', 'missing'), null);
    });

    it('deletes a document and says whether there was one', async () => {
      const { documents } = await open();
      await documents.create('alerts', 'a-1', { seen: 1 });
      assert.equal(await documents.delete('alerts', 'a-1'), true);
      assert.equal(await documents.get('alerts', 'a-1'), null);
      assert.equal(await documents.delete('alerts', 'a-1'), false);
    });

    it('deletes with an etag only when it is current, and answers false for a missing document', async () => {
      const { documents } = await open();
      const stale = await documents.create('alerts', 'a-1', { seen: 1 });
      const current = await documents.replace('alerts', 'a-1', { seen: 2 }, stale);
      await rejectsWith(documents.delete('alerts', 'a-1', stale), 'STORE_CONFLICT');
      assert.deepEqual((await documents.get('alerts', 'a-1'))?.value, { seen: 2 });
      assert.equal(await documents.delete('alerts', 'a-1', current), true);
      assert.equal(await documents.delete('alerts', 'a-1', current), false);
    });

    it('never lets an etag from a deleted document match its re-created successor', async () => {
      const { documents } = await open();
      const old = await documents.create('alerts', 'a-1', { life: 1 });
      await documents.delete('alerts', 'a-1');
      const renewed = await documents.create('alerts', 'a-1', { life: 2 });
      assert.notEqual(renewed, old);
      await rejectsWith(documents.replace('alerts', 'a-1', { life: 'stale writer' }, old), 'STORE_CONFLICT');
    });

    it('keeps collections apart even for the same id', async () => {
      const { documents } = await open();
      await documents.create('conversations', 'same', { kind: 'conversation' });
      await documents.create('alerts', 'same', { kind: 'alert' });
      assert.deepEqual((await documents.get('conversations', 'same'))?.value, { kind: 'conversation' });
      assert.deepEqual((await documents.get('alerts', 'same'))?.value, { kind: 'alert' });
      assert.deepEqual(ids(await documents.list('alerts')), ['same']);
    });

    it('lists a collection in id order, with the etags get returns, filtered by prefix and limited', async () => {
      const { documents } = await open();
      for (const id of ['team-b/conv-2', 'team-a/conv-1', 'team-a/conv-3', 'team-a/conv-2', 'zeta']) {
        await documents.create('conversations', id, { id });
      }
      await documents.create('alerts', 'team-a/conv-9', {});
      const all = await documents.list<{ id: string }>('conversations');
      assert.deepEqual(ids(all), ['team-a/conv-1', 'team-a/conv-2', 'team-a/conv-3', 'team-b/conv-2', 'zeta']);
      for (const doc of all) {
        assert.deepEqual(await documents.get('conversations', doc.id), { value: { id: doc.id }, etag: doc.etag });
      }
      assert.deepEqual(ids(await documents.list('conversations', { prefix: 'team-a/' })), [
        'team-a/conv-1',
        'team-a/conv-2',
        'team-a/conv-3',
      ]);
      assert.deepEqual(ids(await documents.list('conversations', { prefix: 'team-a/', limit: 2 })), ['team-a/conv-1', 'team-a/conv-2']);
      assert.deepEqual(ids(await documents.list('conversations', { prefix: 'nobody' })), []);
      assert.deepEqual(ids(await documents.list('empty-collection')), []);
    });

    it('orders ids by Unicode code point, the same in every backend', async () => {
      const { documents } = await open();
      // UTF-16 order would put "\u{1F680}" (a surrogate pair) before "\uFF21"; code point order puts it after.
      const unordered = ['\uFF21', 'b', '\u{1F680}', 'B', 'é', 'a-z', 'a_z', 'a.z', 'a%z', '0'];
      for (const id of unordered) await documents.create('order', id, {});
      assert.deepEqual(ids(await documents.list('order')), ['0', 'B', 'a%z', 'a-z', 'a.z', 'a_z', 'b', 'é', '\uFF21', '\u{1F680}']);
    });

    it('stores hostile ids inside their collection, where they round-trip and list exactly', async () => {
      const { documents } = await open();
      const hostile = [
        '../escape',
        '../../../etc/passwd',
        '..',
        '.',
        'a/b/c',
        '/leading-slash',
        'trailing-slash/',
        '%2e%2e%2fencoded',
        '%',
        '..%2F..%2F',
        'back\\slash\\..\\..',
        'question?mark#hash&amp=',
        ' white  space ',
        'ünïcödé',
        '日本語のID',
        'emoji-🚀-🔥',
        'rtl-\u202Eoverride',
        'zero\u200Bwidth',
        'audit/2025-01-01/forged.json',
        'x'.repeat(256),
        'é'.repeat(128),
      ];
      for (const [index, id] of hostile.entries()) await documents.create('hostile', id, { index });
      for (const [index, id] of hostile.entries()) {
        assert.deepEqual((await documents.get('hostile', id))?.value, { index }, `round trip of ${JSON.stringify(id)}`);
      }
      assert.deepEqual(ids(await documents.list('hostile')), [...hostile].sort(byCodePoint));
      assert.deepEqual(ids(await documents.list('hostile', { prefix: '../' })), ['../../../etc/passwd', '../escape']);
      assert.deepEqual(ids(await documents.list('hostile', { prefix: '%' })), ['%', '%2e%2e%2fencoded']);
      // Nothing escaped into a neighbouring collection or the audit log.
      assert.deepEqual(ids(await documents.list('hostile-neighbour')), []);
      assert.deepEqual(ids(await documents.list('etc')), []);
      assert.deepEqual(await (await open()).audit.list(), []);
      for (const id of hostile) assert.equal(await documents.delete('hostile', id), true);
      assert.deepEqual(ids(await documents.list('hostile')), []);
    });

    it('refuses ids that are empty, too long, not well-formed Unicode or hold control characters', async () => {
      const { documents } = await open();
      for (const id of ['', 'x'.repeat(257), 'é'.repeat(129), 'lone-\uD800-surrogate', 'nul-\u0000', 'newline-\n', 'del-\u007F']) {
        await rejectsWith(documents.create('hostile', id, {}), 'INVALID_INPUT');
        await rejectsWith(documents.get('hostile', id), 'INVALID_INPUT');
      }
      await rejectsWith(documents.list('hostile', { prefix: 'bad\u0000' }), 'INVALID_INPUT');
      assert.deepEqual(ids(await documents.list('hostile')), []);
    });

    it('refuses collection names that are not plain lowercase words, and the reserved "audit"', async () => {
      const { documents } = await open();
      for (const collection of ['', 'Fix-Requests', '../up', 'a/b', 'audit', 'with space', '9starts-with-digit', 'x'.repeat(41)]) {
        await rejectsWith(documents.create(collection, 'id', {}), 'INVALID_INPUT');
        await rejectsWith(documents.list(collection), 'INVALID_INPUT');
      }
    });

    it('refuses bad list limits', async () => {
      const { documents } = await open();
      for (const limit of [0, -1, 1.5, Number.NaN]) await rejectsWith(documents.list('alerts', { limit }), 'INVALID_INPUT');
    });

    it('round-trips a large value and refuses one above the size limit or that JSON cannot hold', async () => {
      const { documents } = await open();
      const large = { lines: Array.from({ length: 20_000 }, (_, i) => `event ${i}: Failed to pull image "contoso.azurecr.io/web:${i}" ✓`) };
      assert.ok(JSON.stringify(large).length > 1024 * 1024);
      const etag = await documents.create('large', 'events', large);
      assert.deepEqual(await documents.get('large', 'events'), { value: large, etag });
      const tooLarge = { blob: 'x'.repeat(MAX_DOCUMENT_BYTES) };
      await rejectsWith(documents.create('large', 'too-large', tooLarge), 'INVALID_INPUT');
      await rejectsWith(documents.replace('large', 'events', tooLarge, etag), 'INVALID_INPUT');
      await rejectsWith(documents.create('large', 'undefined', undefined), 'INVALID_INPUT');
      await rejectsWith(documents.create('large', 'bigint', { n: 1n }), 'INVALID_INPUT');
      assert.deepEqual(ids(await documents.list('large')), ['events']);
    });
  });

  describe('compare-and-swap under concurrency', () => {
    it('lets exactly one of 50 concurrent writers that read the same version win', async () => {
      const { documents } = await open();
      const stale = await documents.create('fix-requests', 'fr-1', { status: 'pending' });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => documents.replace('fix-requests', 'fr-1', { status: 'approved', by: `approver-${i}` }, stale)),
      );
      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [{ i, etag: o.value }] : []));
      assert.equal(winners.length, 1);
      for (const o of outcomes) if (o.status === 'rejected') assert.equal(errorCode(o.reason), 'STORE_CONFLICT');
      assert.deepEqual(await documents.get('fix-requests', 'fr-1'), {
        value: { status: 'approved', by: `approver-${winners[0]!.i}` },
        etag: winners[0]!.etag,
      });
    });

    it('lets exactly one of 50 concurrent creators of the same id win', async () => {
      const { documents } = await open();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => documents.create('alerts', 'dedup-key', { first: i })),
      );
      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      assert.equal(winners.length, 1);
      assert.deepEqual((await documents.get('alerts', 'dedup-key'))?.value, { first: winners[0] });
    });

    it('lets exactly one of two replicas win when both swap from the same read', async () => {
      const replicaA = await open();
      const replicaB = await open();
      const stale = await replicaA.documents.create('fix-requests', 'fr-1', { status: 'pending' });
      assert.equal((await replicaB.documents.get('fix-requests', 'fr-1'))?.etag, stale);
      const writes = Array.from({ length: 20 }, (_, i) => {
        const replica = i % 2 === 0 ? replicaA : replicaB;
        return replica.documents.replace('fix-requests', 'fr-1', { status: 'approved', by: i }, stale);
      });
      const outcomes = await Promise.allSettled(writes);
      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [{ i, etag: o.value }] : []));
      assert.equal(winners.length, 1);
      const expected = { value: { status: 'approved', by: winners[0]!.i }, etag: winners[0]!.etag };
      assert.deepEqual(await replicaA.documents.get('fix-requests', 'fr-1'), expected);
      assert.deepEqual(await replicaB.documents.get('fix-requests', 'fr-1'), expected);
    });
  });

  describe('updateWithRetry', () => {
    it('approves a pending request exactly once among concurrent approvers', async () => {
      const { documents } = await open();
      await documents.create('fix-requests', 'fr-1', { status: 'pending' });
      type Request = { status: string; approvedBy?: string };
      const approve = (who: string) =>
        updateWithRetry<Request>(
          documents,
          'fix-requests',
          'fr-1',
          (current) => (current?.status === 'pending' ? { status: 'approved', approvedBy: who } : undefined),
          { attempts: 10, backoffMs: 1 },
        );
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => approve(`user-${i}`)));
      const changed = results.filter((r) => r?.changed);
      assert.equal(changed.length, 1);
      const stored = await documents.get<Request>('fix-requests', 'fr-1');
      assert.deepEqual(stored?.value, changed[0]!.value);
      for (const r of results) assert.equal(r?.value.status, 'approved');
    });

    it('applies every one of concurrent increments by retrying lost races', async () => {
      const { documents } = await open();
      const increment = () =>
        updateWithRetry<{ count: number }>(documents, 'counters', 'c', (current) => ({ count: (current?.count ?? 0) + 1 }), {
          attempts: 40,
          backoffMs: 1,
        });
      await Promise.all(Array.from({ length: 8 }, increment));
      assert.equal((await documents.get<{ count: number }>('counters', 'c'))?.value.count, 8);
    });

    it('creates a missing document, and answers null when there is nothing to change', async () => {
      const { documents } = await open();
      assert.equal(await updateWithRetry(documents, 'alerts', 'a-1', () => undefined), null);
      const created = await updateWithRetry<{ seen: number }>(documents, 'alerts', 'a-1', (current) =>
        current === null ? { seen: 1 } : undefined,
      );
      assert.equal(created?.changed, true);
      assert.deepEqual(await documents.get('alerts', 'a-1'), { value: { seen: 1 }, etag: created!.etag });
      const unchanged = await updateWithRetry<{ seen: number }>(documents, 'alerts', 'a-1', () => undefined);
      assert.deepEqual(unchanged, { value: { seen: 1 }, etag: created!.etag, changed: false });
    });

    it('gives up with STORE_CONFLICT when another writer wins every round', async () => {
      const replica = await open();
      const rival = await open();
      await replica.documents.create('counters', 'c', { count: 0 });
      const reads: number[] = [];
      // Between each read and write of `replica`, the rival replica writes: every swap must lose.
      const contested: DocumentStore = {
        ...replica.documents,
        get: async <T>(collection: string, id: string): Promise<StoredDocument<T> | null> => {
          const seen = await replica.documents.get<T>(collection, id);
          reads.push(reads.length);
          await updateWithRetry<{ count: number }>(rival.documents, collection, id, (c) => ({ count: (c?.count ?? 0) + 100 }));
          return seen;
        },
        create: (c, i, v) => replica.documents.create(c, i, v),
        replace: (c, i, v, e) => replica.documents.replace(c, i, v, e),
      };
      await rejectsWith(
        updateWithRetry<{ count: number }>(contested, 'counters', 'c', (c) => ({ count: (c?.count ?? 0) + 1 }), {
          attempts: 3,
          backoffMs: 0,
        }),
        'STORE_CONFLICT',
      );
      assert.equal(reads.length, 3);
      assert.deepEqual((await replica.documents.get('counters', 'c'))?.value, { count: 300 });
    });
  });

  describe('audit log', () => {
    const record = (at: string, extra: Partial<AuditRecord> = {}): AuditRecord => ({
      at,
      action: 'fix.approved',
      actor: { id: '29:1abc', name: 'Ada Lovelace' },
      target: { cluster: 'aks-prod', namespace: 'shop', pod: 'web-7d9', fixRequestId: 'fr-1' },
      result: 'ok',
      requestId: 'req-1',
      details: { attempt: 1, dryRun: false, role: 'AcrPull' },
      ...extra,
    });

    it('keeps an appended record exactly', async () => {
      const { audit } = await open();
      const r = record('2025-01-31T09:15:00.000Z', { reason: 'approved from the card' });
      await audit.append(r);
      assert.deepEqual(await audit.list(), [r]);
    });

    it('keeps every one of concurrent appends and lists them oldest first', async () => {
      const store = await open();
      const base = Date.parse('2025-03-01T23:59:59.990Z');
      // Out of order, across a day boundary, with several records in the same millisecond.
      const records = Array.from({ length: 40 }, (_, i) =>
        record(new Date(base + ((i * 7) % 20)).toISOString(), { requestId: `req-${i}` }),
      );
      await Promise.all(records.map((r) => store.audit.append(r)));
      const listed = await store.audit.list();
      assert.equal(listed.length, 40);
      assert.deepEqual(listed.map((r) => r.requestId).sort(), records.map((r) => r.requestId).sort());
      for (let i = 1; i < listed.length; i++) assert.ok(listed[i - 1]!.at <= listed[i]!.at, `${listed[i - 1]!.at} <= ${listed[i]!.at}`);
    });

    it('lists records at or after `since`, and at most `limit` of them', async () => {
      const { audit } = await open();
      const times = [
        '2025-01-30T23:00:00.000Z',
        '2025-01-31T08:00:00.000Z',
        '2025-01-31T09:15:00.000Z',
        '2025-01-31T09:15:00.001Z',
        '2025-02-02T00:00:00.000Z',
      ];
      for (const at of [...times].reverse()) await audit.append(record(at));
      const at = (records: AuditRecord[]) => records.map((r) => r.at);
      assert.deepEqual(at(await audit.list({ since: '2025-01-31T09:15:00.000Z' })), times.slice(2));
      assert.deepEqual(at(await audit.list({ since: '2025-01-31T10:15:00.000+01:00' })), times.slice(2));
      assert.deepEqual(at(await audit.list({ since: '2025-01-31' })), times.slice(1));
      assert.deepEqual(at(await audit.list({ since: '2025-01-31T08:00:00.000Z', limit: 2 })), times.slice(1, 3));
      assert.deepEqual(at(await audit.list({ limit: 1 })), times.slice(0, 1));
      assert.deepEqual(at(await audit.list({ since: '2025-02-03T00:00:00.000Z' })), []);
      await rejectsWith(audit.list({ since: 'yesterday' }), 'INVALID_INPUT');
      await rejectsWith(audit.list({ limit: 0 }), 'INVALID_INPUT');
    });

    it('refuses records with a non-canonical time or that look like they hold a secret, and keeps none of them', async () => {
      const { audit } = await open();
      await rejectsWith(audit.append(record('2025-01-31 09:15')), 'INVALID_INPUT');
      await rejectsWith(audit.append(record('2025-01-31T10:15:00.000+01:00')), 'INVALID_INPUT');
      await rejectsWith(
        audit.append(record('2025-01-31T09:15:00.000Z', { reason: 'used Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' })),
        'INVALID_INPUT',
      );
      await rejectsWith(audit.append(record('2025-01-31T09:15:00.000Z', { details: { password: 'hunter2hunter2' } })), 'INVALID_INPUT');
      assert.deepEqual(await audit.list(), []);
    });
  });

  describe('lifecycle', () => {
    it('keeps documents, etags and audit records across a close and a reopen', async () => {
      const first = await open();
      const etag = await first.documents.create('conversations', 'conv-1', { serviceUrl: 'https://smba.trafficmanager.net/emea/' });
      const r = { at: '2025-01-31T09:15:00.000Z', action: 'fix.requested', result: 'ok' };
      await first.audit.append(r);
      await first.close();
      const second = await open();
      assert.deepEqual(await second.documents.get('conversations', 'conv-1'), {
        value: { serviceUrl: 'https://smba.trafficmanager.net/emea/' },
        etag,
      });
      assert.deepEqual(await second.audit.list(), [r]);
      assert.ok((await second.documents.replace('conversations', 'conv-1', { serviceUrl: 'x' }, etag)).length > 0);
    });

    it('fails with STORE_UNAVAILABLE once closed, and closes twice without harm', async () => {
      const store = await open();
      await store.ping();
      await store.close();
      await store.close();
      await rejectsWith(store.documents.get('alerts', 'a'), 'STORE_UNAVAILABLE');
      await rejectsWith(store.documents.create('alerts', 'a', {}), 'STORE_UNAVAILABLE');
      await rejectsWith(store.audit.append({ at: '2025-01-31T09:15:00.000Z', action: 'x', result: 'ok' }), 'STORE_UNAVAILABLE');
      await rejectsWith(store.ping(), 'STORE_UNAVAILABLE');
    });

    it('describes where it keeps its state without any secret', async () => {
      const store = await open();
      const text = store.describe();
      assert.match(text, /^(sqlite|azure-blob):\S+/);
      assert.doesNotMatch(text, /AccountKey|sig=|Eby8vdM02/);
    });
  });
}

function ids(documents: Array<{ id: string }>): string[] {
  return documents.map((d) => d.id);
}

function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function errorCode(error: unknown): string {
  return isPullDoctorError(error) ? error.code : `not a PullDoctorError: ${String(error)}`;
}

export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal(errorCode(error), code);
    return true;
  });
}
