import assert from 'node:assert/strict';
import { registryDnsCheck } from '../../../src/diagnosis/checks/registry-dns.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext, pullErrorOf } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const pulling = (image: string) =>
  payloads.imagePullBackOffPod({ namespace: 'shop', name: 'frontend-9c8b7a6f5-f6g7h', container: 'frontend', image, now });
const NXDOMAIN = { ok: false as const, code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND shopacrr.azurecr.io' };

describe('the registry-dns check', () => {
  it('applies to a failing pull from a registry, and not to a pod whose image name is invalid', () => {
    assert.equal(registryDnsCheck.applies(checkContext(pulling('shopacr.azurecr.io/shop/frontend:1.8'))), true);
    const invalid = payloads.invalidImageNamePod({
      namespace: 'shop',
      name: 'search-1c2d3e4f5-s6t7u',
      image: 'shopacr.azurecr.io/Shop/Search:1.0',
      now,
    });
    assert.equal(registryDnsCheck.applies(checkContext(invalid)), false);
  });

  it('passes a host that resolves, showing at most three addresses', async () => {
    const ctx = checkContext(pulling('shopacr.azurecr.io/shop/frontend:1.8'), {
      dns: { 'shopacr.azurecr.io': { ok: true, addresses: ['20.50.7.38', '20.50.7.39', '20.50.7.40', '20.50.7.41'] } },
    });
    assert.deepEqual(await registryDnsCheck.run(ctx), [
      { check: 'registry-dns', status: 'pass', summary: 'shopacr.azurecr.io resolves to 20.50.7.38, 20.50.7.39, 20.50.7.40.' },
    ]);
  });

  it('asks Docker Hub about the host its API lives on', async () => {
    const ctx = checkContext(pulling('nginx:1.27'), { dns: { 'docker.io': { ok: true, addresses: ['54.227.20.253'] } } });
    assert.equal((await registryDnsCheck.run(ctx))[0]?.summary, 'registry-1.docker.io resolves to 54.227.20.253.');
  });

  it('fails an ACR host that does not resolve, pointing at the registry names and the private DNS zone', async () => {
    const [f] = await registryDnsCheck.run(
      checkContext(pulling('shopacrr.azurecr.io/shop/frontend:1.8'), { dns: { 'shopacrr.azurecr.io': NXDOMAIN } }),
    );
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, 'shopacrr.azurecr.io does not resolve (ENOTFOUND).');
    assert.equal(f?.detail, 'getaddrinfo ENOTFOUND shopacrr.azurecr.io');
    assert.equal(f?.headline, 'Registry shopacrr.azurecr.io does not resolve');
    assert.match(f?.remediation ?? '', /registries that exist.*privatelink\.azurecr\.io/);
    assert.deepEqual(f?.commands, ['az acr list --query "[].loginServer" -o tsv']);
  });

  it('does not call a lookup that fails from here the root cause when the kubelet reached the registry (it answered 401)', async () => {
    const pod = pulling('shopacr.azurecr.io/shop/web:2.4.1');
    const [reached] = await registryDnsCheck.run(
      checkContext(pod, { dns: { 'shopacr.azurecr.io': NXDOMAIN }, pullError: pullErrorOf(pod, 'unauthorized') }),
    );
    assert.equal(reached?.status, 'fail', 'still reported: Pull Doctor cannot check the registry from here');
    assert.equal(reached?.headline, undefined);
    const [lookupFailed] = await registryDnsCheck.run(
      checkContext(pod, { dns: { 'shopacr.azurecr.io': NXDOMAIN }, pullError: pullErrorOf(pod, 'dns') }),
    );
    assert.equal(lookupFailed?.headline, 'Registry shopacr.azurecr.io does not resolve');
  });

  it("fails another registry that does not resolve with advice about typos and the nodes' DNS", async () => {
    const [f] = await registryDnsCheck.run(
      checkContext(pulling('registry.contoso.example/shop/frontend:1.8'), {
        dns: { 'registry.contoso.example': { ...NXDOMAIN, code: 'EAI_AGAIN' } },
      }),
    );
    assert.equal(f?.summary, 'registry.contoso.example does not resolve (EAI_AGAIN).');
    assert.match(f?.remediation ?? '', /^Check the registry host in the image for typos/);
  });
});
