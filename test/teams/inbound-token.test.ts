import assert from 'node:assert/strict';
import { MAX_AUTHORIZATION_CHARS, screenInboundToken } from '../../src/teams/bot-endpoint.js';

const APP_ID = '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c';
const TENANT_ID = '72C1E5A9-4B3D-4F8E-9A6C-1D2E3F4A5B6C';
const AUTH = { mode: 'UserAssignedMsi', appId: APP_ID, tenantId: TENANT_ID } as const;

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** The signature is not checked here (the library checks it): any bytes will do. */
const token = (
  claims: object,
  header: object = { alg: 'RS256', kid: 'ZyGh1GbBL8xd1kOxRYchc1VPSQQ', x5t: 'ZyGh1GbBL8xd1kOxRYchc1VPSQQ', typ: 'JWT' },
) => `Bearer ${b64url(header)}.${b64url(claims)}.${Buffer.from('signature-bytes').toString('base64url')}`;

/** What the Bot Connector service sends for Teams: issuer api.botframework.com, the bot's app id, no tid. */
const CONNECTOR_CLAIMS = {
  serviceurl: 'https://smba.trafficmanager.net/emea/',
  nbf: 1762329459,
  exp: 1762333059,
  iss: 'https://api.botframework.com',
  aud: APP_ID,
};

describe('screening an inbound token before the Bot Framework library sees it', () => {
  it("lets the Bot Connector service's tokens through (no tid), for the library to validate", () => {
    assert.equal(screenInboundToken(token(CONNECTOR_CLAIMS), AUTH), undefined);
  });

  it("lets Entra tokens of the bot's own tenant through, as configured or in lower case, and those of the tenants the library lists", () => {
    const entra = (tid: string) => ({
      aud: APP_ID,
      iss: `https://login.microsoftonline.com/${tid}/v2.0`,
      tid,
      azp: APP_ID,
      ver: '2.0',
      exp: 1762333059,
    });
    assert.equal(screenInboundToken(token(entra(TENANT_ID.toLowerCase())), AUTH), undefined);
    assert.equal(screenInboundToken(token(entra(TENANT_ID)), AUTH), undefined);
    assert.equal(screenInboundToken(token(entra('d6d49420-f39b-4df7-a1dc-d59a935871db')), AUTH), undefined, 'botframework.com');
  });

  it('refuses a token of any other tenant, even a case variant of its own (each would grow the library issuer list)', () => {
    assert.equal(screenInboundToken(token({ ...CONNECTOR_CLAIMS, tid: '0b5e8f2a-9c1d-4e7b-8a3f-6d2c1b0a9e8f' }), AUTH), 'foreign-tenant');
    assert.equal(screenInboundToken(token({ ...CONNECTOR_CLAIMS, tid: '72c1E5A9-4b3d-4f8e-9a6c-1d2e3f4a5b6c' }), AUTH), 'foreign-tenant');
  });

  it('refuses a tid that is not a GUID', () => {
    for (const tid of ['', 'contoso.onmicrosoft.com', 'x'.repeat(5000), 42, ['72c1e5a9-4b3d-4f8e-9a6c-1d2e3f4a5b6c'], null]) {
      assert.equal(screenInboundToken(token({ ...CONNECTOR_CLAIMS, tid }), AUTH), 'tenant-not-a-guid', JSON.stringify(tid).slice(0, 40));
    }
  });

  it('refuses a missing, oversized, malformed or unsigned token', () => {
    assert.equal(screenInboundToken(undefined, AUTH), 'missing');
    assert.equal(screenInboundToken('  ', AUTH), 'missing');
    assert.equal(screenInboundToken(token({ ...CONNECTOR_CLAIMS, pad: 'p'.repeat(MAX_AUTHORIZATION_CHARS) }), AUTH), 'oversized');
    assert.equal(screenInboundToken(`Basic ${Buffer.from('bot:secret').toString('base64')}`, AUTH), 'malformed');
    assert.equal(screenInboundToken('Bearer not-a-jwt', AUTH), 'malformed');
    assert.equal(screenInboundToken(`Bearer ${b64url({ alg: 'RS256' })}.bm90IGpzb24.c2ln`, AUTH), 'malformed');
    assert.equal(screenInboundToken(token(CONNECTOR_CLAIMS, { alg: 'none', typ: 'JWT' }), AUTH), 'unsigned');
    assert.equal(screenInboundToken(token(CONNECTOR_CLAIMS, { alg: 'HS256', typ: 'JWT' }), AUTH), 'unsigned');
    assert.equal(screenInboundToken(token(CONNECTOR_CLAIMS).replace(/\.[^.]+$/, '.'), AUTH), 'unsigned');
  });
});
