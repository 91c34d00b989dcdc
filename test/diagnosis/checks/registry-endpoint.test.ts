import assert from 'node:assert/strict';
import type { AuthChallenge, PingResult } from '../../../src/clients/registry/registry-client.js';
import { registryEndpointCheck } from '../../../src/diagnosis/checks/registry-endpoint.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const pod = () =>
  payloads.imagePullBackOffPod({
    namespace: 'shop',
    name: 'web-7d4c9b6f5-x2k8p',
    container: 'web',
    image: 'shopacr.azurecr.io/shop/web:2.4.1',
    now,
  });
const RESOLVES = { 'shopacr.azurecr.io': { ok: true as const, addresses: ['20.50.7.38'] } };
/** What `GET /v2/` answered, as the registry client reports it. */
function answer(status: number, challenge?: AuthChallenge): PingResult {
  const result: PingResult = { ok: true, host: 'shopacr.azurecr.io', status, challenges: challenge ? [challenge] : [], errors: [] };
  if (challenge) result.challenge = challenge;
  return result;
}
const run = (ping: PingResult) => registryEndpointCheck.run(checkContext(pod(), { dns: RESOLVES, ping: { 'shopacr.azurecr.io': ping } }));

describe('the registry-endpoint check', () => {
  it('passes a registry that answers 401 with its Bearer challenge, naming the realm and service', async () => {
    const bearer = { scheme: 'Bearer', realm: 'https://shopacr.azurecr.io/oauth2/token', service: 'shopacr.azurecr.io', params: {} };
    assert.deepEqual(await run(answer(401, bearer)), [
      {
        check: 'registry-endpoint',
        status: 'pass',
        summary:
          'https://shopacr.azurecr.io/v2/ answers HTTP 401 and asks for a token from its token service (realm https://shopacr.azurecr.io/oauth2/token, service shopacr.azurecr.io).',
      },
    ]);
  });

  it('passes a registry open to anonymous clients, and one asking for Basic credentials', async () => {
    assert.equal((await run(answer(200)))[0]?.summary, 'https://shopacr.azurecr.io/v2/ answers HTTP 200 and allows anonymous access.');
    assert.equal(
      (await run(answer(401, { scheme: 'Basic', realm: 'Registry Realm', params: {} })))[0]?.summary,
      'https://shopacr.azurecr.io/v2/ answers HTTP 401 and asks for Basic credentials (realm Registry Realm).',
    );
  });

  it('warns about an answer a registry should not give, such as a firewall 403', async () => {
    const [f] = await run(answer(403));
    assert.equal(f?.status, 'warn');
    assert.equal(f?.summary, 'https://shopacr.azurecr.io/v2/ answers HTTP 403 and does not ask for credentials.');
  });

  it('fails a registry it cannot reach, saying how the connection failed and what usually causes it', async () => {
    const [tls] = await run({
      ok: false,
      kind: 'tls',
      phase: 'tls',
      code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      host: 'shopacr.azurecr.io',
      message: 'unable to get local issuer certificate',
    });
    assert.equal(tls?.status, 'fail');
    assert.equal(
      tls?.summary,
      'https://shopacr.azurecr.io/v2/ is not reachable: the TLS handshake failed (UNABLE_TO_GET_ISSUER_CERT_LOCALLY).',
    );
    assert.equal(tls?.detail, 'unable to get local issuer certificate');
    assert.match(tls?.remediation ?? '', /private CA, install it on the nodes/);
    const [timeout] = await run({
      ok: false,
      kind: 'timeout',
      phase: 'connect',
      code: 'ETIMEDOUT',
      host: 'shopacr.azurecr.io',
      message: 'no answer from shopacr.azurecr.io within 5000 ms (while connecting)',
    });
    assert.match(timeout?.remediation ?? '', /NSG, route table or proxy drops the traffic/);
  });

  it('skips a registry whose name does not resolve: the DNS finding says why', async () => {
    const ctx = checkContext(pod(), {
      dns: { 'shopacr.azurecr.io': { ok: false, code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND shopacr.azurecr.io' } },
    });
    assert.deepEqual(await registryEndpointCheck.run(ctx), [
      { check: 'registry-endpoint', status: 'skip', summary: 'Not tried: shopacr.azurecr.io does not resolve.' },
    ]);
  });
});
