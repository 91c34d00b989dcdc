import assert from 'node:assert/strict';
import {
  auditBlobName,
  decodeId,
  documentBlobName,
  documentNamePrefix,
  encodeId,
  idFromDocumentBlobName,
} from '../../../src/store/blob/blob-names.js';

describe('blob names', () => {
  it('keeps letters, digits, "_" and "-" and percent-encodes every other UTF-8 byte', () => {
    assert.equal(encodeId('fr-01J9Z8_a'), 'fr-01J9Z8_a');
    assert.equal(encodeId('../etc/passwd'), '%2E%2E%2Fetc%2Fpasswd');
    assert.equal(encodeId('%2e'), '%252e');
    assert.equal(encodeId('ü🚀'), '%C3%BC%F0%9F%9A%80');
    assert.equal(encodeId('a b'), 'a%20b');
  });

  it('decodes exactly what it encodes and nothing else', () => {
    for (const id of ['../x', 'a/b', '%', 'ü🚀', '19:abc@thread.tacv2', ' ']) assert.equal(decodeId(encodeId(id)), id);
    // Not canonical: lower-case hex, encoded bytes that would have been kept, stray characters, broken UTF-8.
    for (const name of ['%c3%bc', '%41', 'a.b', 'a/b', '%', '%G0', '%C3', '%FF', '']) assert.equal(decodeId(name), undefined, name);
  });

  it('names documents one level under their collection, whatever the id', () => {
    assert.equal(documentBlobName('fix-requests', 'fr-1'), 'fix-requests/fr-1.json');
    assert.equal(documentBlobName('hostile', '../../audit/x'), 'hostile/%2E%2E%2F%2E%2E%2Faudit%2Fx.json');
    assert.equal(idFromDocumentBlobName('hostile', 'hostile/%2E%2E%2F%2E%2E%2Faudit%2Fx.json'), '../../audit/x');
    assert.equal(idFromDocumentBlobName('hostile', 'other/abc.json'), undefined);
    assert.equal(idFromDocumentBlobName('hostile', 'hostile/sub/abc.json'), undefined);
    assert.equal(idFromDocumentBlobName('hostile', 'hostile/abc.txt'), undefined);
  });

  it('turns an id prefix into a name prefix of the ids that start with it', () => {
    for (const [prefix, id] of [
      ['team-a/', 'team-a/conv-1'],
      ['ü', 'über'],
      ['', 'x'],
      ['%', '%2e'],
    ]) {
      assert.ok(documentBlobName('c', id!).startsWith(documentNamePrefix('c', prefix)), `${prefix} / ${id}`);
    }
    assert.ok(!documentBlobName('c', 'team-b/x').startsWith(documentNamePrefix('c', 'team-a/')));
  });

  it('files audit records under their UTC day, in an order that follows their time', () => {
    assert.equal(
      auditBlobName('2025-01-31T09:15:00.000Z', '0123456789abcdef'),
      'audit/2025-01-31/2025-01-31T09:15:00.000Z-0123456789abcdef.json',
    );
    const names = ['2025-01-31T23:59:59.999Z', '2025-01-31T09:15:00.000Z', '2025-02-01T00:00:00.000Z'].map((at) =>
      auditBlobName(at, 'ffffffffffffffff'),
    );
    assert.deepEqual([...names].sort(), [names[1], names[0], names[2]]);
  });
});
