import assert from 'node:assert/strict';
import { assertAuditRecord, type AuditRecord } from '../../src/store/index.js';
import { isPullDoctorError } from '../../src/errors/index.js';

const valid: AuditRecord = {
  at: '2025-01-31T09:15:00.000Z',
  action: 'fix.applied',
  actor: { id: '29:1f2e3d4c-aaaa-bbbb-cccc-0123456789ab', name: 'Ada Lovelace' },
  target: {
    cluster:
      '/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod',
    registry: 'contoso.azurecr.io',
    image: 'contoso.azurecr.io/shop/web@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
    fixRequestId: 'fr-01J9Z8',
  },
  result: 'ok',
  reason: 'AcrPull granted to the kubelet identity',
  requestId: '5b0f3c1e-9d7a-4e0b-8a43-2f1d6c7b9e10',
  details: { roleAssignmentId: 'e3b0c442-98fc-1c14-9afb-f4c8996fb924', attempt: 1, dryRun: false, tokenCount: 2 },
};

function refusal(record: unknown): string {
  try {
    assertAuditRecord(record as AuditRecord);
  } catch (error) {
    assert.ok(isPullDoctorError(error));
    assert.equal(error.code, 'INVALID_INPUT');
    return error.message;
  }
  assert.fail('expected the record to be refused');
}

describe('assertAuditRecord', () => {
  it('accepts a realistic record of an applied fix, ids and digests included', () => {
    assert.doesNotThrow(() => assertAuditRecord(valid));
    assert.doesNotThrow(() => assertAuditRecord({ at: '2025-01-31T09:15:00.000Z', action: 'fix.requested', result: 'ok' }));
  });

  it('refuses secret-looking values and names the field, never the value', () => {
    const secrets: Array<[string, Partial<AuditRecord>]> = [
      [
        'reason',
        { reason: 'called ARM with Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.sig' },
      ],
      ['details.header', { details: { header: 'Basic dXNlcjpodW50ZXIyaHVudGVyMg==' } }],
      ['target.jwt', { target: { jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrdWJlbGV0In0.c2lnbmF0dXJl' } }],
      ['details.dockerconfig', { details: { dockerconfig: '{"auths":{"contoso.azurecr.io":{"auth":"dXNlcjpodW50ZXIy"}}}' } }],
      ['target.registryUrl', { target: { registryUrl: 'https://puller:hunter2@contoso.azurecr.io/v2/' } }],
      ['details.query', { details: { query: 'grant_type=refresh_token&refresh_token=0.AX0A...' } }],
      ['details.password', { details: { password: 'hunter2hunter2' } }],
      ['details.clientSecret', { details: { clientSecret: 'Q~8Q~abcdefghijklmnopqrstuvwxyz' } }],
      ['target.connection', { target: { connection: 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc123==;' } }],
      ['details.url', { details: { url: 'https://st.blob.core.windows.net/c/b?sv=2022-11-02&sig=abcdefghijklmnop%3D' } }],
    ];
    for (const [field, change] of secrets) {
      const message = refusal({ ...valid, ...change });
      assert.match(message, new RegExp(`"${field.replace('.', '\\.')}" looks like it holds a secret`), field);
      assert.doesNotMatch(message, /hunter2|eyJ|AccountKey=abc|sig=abc|Q~8Q|dXNlcjpod/);
    }
  });

  it('allows numbers and booleans under secret-sounding keys, which cannot hold a credential', () => {
    assert.doesNotThrow(() => assertAuditRecord({ ...valid, details: { tokenCount: 3, passwordRotated: true } }));
  });

  it('refuses malformed records: missing fields, wrong types, unknown fields and non-canonical times', () => {
    assert.match(refusal({ ...valid, action: '' }), /"action" must be a non-empty string/);
    assert.match(refusal({ ...valid, result: undefined }), /"result" must be a non-empty string/);
    assert.match(refusal({ ...valid, actor: { name: 'no id' } }), /"actor.id"/);
    assert.match(refusal({ ...valid, target: { pod: 7 } }), /"target.pod" has a value of the wrong type/);
    assert.match(refusal({ ...valid, details: { nested: { deep: true } } }), /"details.nested" has a value of the wrong type/);
    assert.match(refusal({ ...valid, details: { ratio: Number.POSITIVE_INFINITY } }), /"details.ratio"/);
    assert.match(refusal({ ...valid, pullSecret: 'x' }), /unknown field "pullSecret"/);
    assert.match(refusal({ ...valid, at: '2025-01-31T09:15:00Z' }), /UTC ISO-8601 time/);
    assert.match(refusal({ ...valid, at: '2025-02-30T09:15:00.000Z' }), /UTC ISO-8601 time/);
    assert.match(refusal(null), /must be an object/);
    assert.match(refusal({ ...valid, reason: 'x'.repeat(70_000) }), /at most 65536 bytes/);
  });
});
