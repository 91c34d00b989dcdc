import assert from 'node:assert/strict';
import { parseWwwAuthenticate } from '../../../src/clients/registry/www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads the Bearer challenge Azure Container Registry sends from /v2/', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer realm="https://contosoregistry.azurecr.io/oauth2/token",service="contosoregistry.azurecr.io"',
    );
    assert.deepEqual(challenge, {
      scheme: 'Bearer',
      realm: 'https://contosoregistry.azurecr.io/oauth2/token',
      service: 'contosoregistry.azurecr.io',
      params: { realm: 'https://contosoregistry.azurecr.io/oauth2/token', service: 'contosoregistry.azurecr.io' },
    });
  });

  it("reads Docker Hub's insufficient_scope challenge with its scope and error", () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:acme/private:pull",error="insufficient_scope"',
    );
    assert.equal(challenge?.scope, 'repository:acme/private:pull');
    assert.equal(challenge?.error, 'insufficient_scope');
  });

  it('reads the Basic realm of an htpasswd-protected registry', () => {
    assert.deepEqual(parseWwwAuthenticate('Basic realm="Registry Realm"'), [
      { scheme: 'Basic', realm: 'Registry Realm', params: { realm: 'Registry Realm' } },
    ]);
  });

  it('keeps commas and escaped quotes inside quoted strings', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer realm="https://r.example.com/t?a=1,b=2",scope="repository:a/b:pull,push",note="say \\"hi\\""',
    );
    assert.equal(challenge?.realm, 'https://r.example.com/t?a=1,b=2');
    assert.equal(challenge?.scope, 'repository:a/b:pull,push');
    assert.equal(challenge?.params.note, 'say "hi"');
  });

  it('separates several challenges in one header and across header lines, scheme names case-insensitive', () => {
    const challenges = parseWwwAuthenticate(['Negotiate abc==, bearer realm="https://a.example.com/token" , Basic realm=x', 'NTLM']);
    assert.deepEqual(
      challenges.map((c) => [c.scheme, c.realm]),
      [
        ['Negotiate', undefined],
        ['Bearer', 'https://a.example.com/token'],
        ['Basic', 'x'],
        ['NTLM', undefined],
      ],
    );
  });

  it('accepts spaces around "=" and lower-cases parameter names', () => {
    const [challenge] = parseWwwAuthenticate('Bearer Realm = "https://a.example.com/token" , SERVICE=a.example.com');
    assert.equal(challenge?.realm, 'https://a.example.com/token');
    assert.equal(challenge?.service, 'a.example.com');
  });

  it('keeps what it understood from malformed or hostile headers and never throws', () => {
    assert.deepEqual(parseWwwAuthenticate('Bearer realm="unterminated'), [{ scheme: 'Bearer', params: {} }]);
    assert.deepEqual(parseWwwAuthenticate(''), []);
    assert.deepEqual(parseWwwAuthenticate('=== ,,,'), []);
    const [proto] = parseWwwAuthenticate('Bearer __proto__="x",realm="r"');
    assert.equal(Object.getPrototypeOf(proto?.params), Object.prototype);
    assert.equal(proto?.realm, 'r');
    const huge = parseWwwAuthenticate(`Bearer realm="${'a'.repeat(100_000)}"`);
    assert.equal(huge.length, 1);
  });

  it('uses the first value of a parameter that is repeated', () => {
    assert.equal(
      parseWwwAuthenticate('Bearer realm="https://first.example.com",realm="https://second.example.com"')[0]?.realm,
      'https://first.example.com',
    );
  });
});
