import assert from 'node:assert/strict';
import { parseRegistryErrors } from '../../../src/clients/registry/registry-errors.js';

describe('parseRegistryErrors', () => {
  it('summarises the distribution errors body, dropping details', () => {
    const body = '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v9"}}]}';
    assert.deepEqual(parseRegistryErrors(body), [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }]);
  });

  it("keeps ACR's firewall denial with the client IP it names", () => {
    const body = `{"errors":[{"code":"DENIED","message":"client with IP '203.0.113.7' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}`;
    assert.deepEqual(parseRegistryErrors(body), [
      { code: 'DENIED', message: "client with IP '203.0.113.7' is not allowed access. Refer https://aka.ms/acr/firewall to grant access." },
    ]);
  });

  it("reads OAuth2 and Docker Hub token endpoint error shapes", () => {
    assert.deepEqual(parseRegistryErrors('{"error":"invalid_grant","error_description":"refresh token expired"}'), [
      { code: 'invalid_grant', message: 'refresh token expired' },
    ]);
    assert.deepEqual(parseRegistryErrors('{"details":"incorrect username or password"}'), [{ code: 'UNKNOWN', message: 'incorrect username or password' }]);
  });

  it('yields nothing for HTML, truncated JSON or unexpected shapes', () => {
    assert.deepEqual(parseRegistryErrors('<html><body>502 Bad Gateway</body></html>'), []);
    assert.deepEqual(parseRegistryErrors('{"errors":[{"code":"DEN'), []);
    assert.deepEqual(parseRegistryErrors('{"errors":"nope"}'), []);
    assert.deepEqual(parseRegistryErrors('[1,2]'), []);
    assert.deepEqual(parseRegistryErrors('{"errors":[null, 5, {"code": 7, "message": {"x": 1}}]}'), [{ code: 'UNKNOWN', message: '' }]);
  });

  it('caps the number of entries, truncates long text and scrubs tokens echoed back', () => {
    const many = JSON.stringify({ errors: Array.from({ length: 50 }, () => ({ code: 'X'.repeat(500), message: 'm'.repeat(5000) })) });
    const out = parseRegistryErrors(many);
    assert.equal(out.length, 10);
    assert.ok(out[0]!.code.length <= 64 && out[0]!.message.length <= 300);
    const echoed = parseRegistryErrors('{"errors":[{"code":"UNAUTHORIZED","message":"bad token Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}]}');
    assert.ok(!JSON.stringify(echoed).includes('eyJzdWIiOiJ4In0'));
  });

  it('scrubs a credential a registry echoes back in the error code, not only in the message', () => {
    // A registry (or a proxy in front of it) that repeats the Authorization header it was sent — the pull secret's
    // Basic credentials — in the code: the code reaches the CLI report and the card like the message does.
    const basic = 'cHVsbGVyOmh1bnRlcjItcHVsbC1zZWNyZXQ=';
    const echoed = parseRegistryErrors(JSON.stringify({ errors: [{ code: `Basic ${basic}`, message: 'denied' }] }));
    assert.ok(!JSON.stringify(echoed).includes(basic), JSON.stringify(echoed));
    const oauth = parseRegistryErrors(JSON.stringify({ error: `invalid_grant refresh_token=${basic}`, error_description: 'x' }));
    assert.ok(!JSON.stringify(oauth).includes(basic), JSON.stringify(oauth));
  });
});
