import assert from 'node:assert/strict';
import { invalidNameReason, isClusterName, isDnsLabel, isDnsSubdomain } from '../../../src/clients/kubernetes/kubernetes-names.js';

describe('invalidNameReason', () => {
  it('accepts DNS-1123 subdomains as pod names and labels as namespaces', () => {
    for (const pod of ['web-7d4c9', 'a', '0', 'kube-proxy.node-1', 'x'.repeat(253)])
      assert.equal(invalidNameReason('pod', pod), undefined, pod);
    for (const ns of ['shop', 'kube-system', 'a1', 'x'.repeat(63)]) assert.equal(invalidNameReason('namespace', ns), undefined, ns);
    for (const cluster of ['prod', 'prod_eu.2', 'aks-weu-01']) assert.equal(invalidNameReason('cluster', cluster), undefined, cluster);
  });

  it('explains each way a name can be wrong', () => {
    assert.equal(invalidNameReason('pod', ''), 'Pod name is empty.');
    assert.equal(invalidNameReason('namespace', 'x'.repeat(64)), 'Namespace is 64 characters long; Kubernetes allows at most 63.');
    assert.equal(invalidNameReason('pod', 'Web-1'), "Pod name 'Web-1' has capital letters; names are lower case. Did you mean 'web-1'?");
    assert.equal(invalidNameReason('namespace', 'shop.eu'), "Namespace 'shop.eu' may only contain lower-case letters, digits and '-'.");
    assert.equal(invalidNameReason('pod', 'web-'), "Pod name 'web-' must start and end with a letter or a digit.");
    assert.equal(invalidNameReason('pod', 'web..1'), "Pod name 'web..1' has an empty or badly formed part between dots.");
    assert.equal(invalidNameReason('pod', 'web.-1'), "Pod name 'web.-1' has an empty or badly formed part between dots.");
    assert.equal(invalidNameReason('cluster', '_prod'), "Cluster name '_prod' must start and end with a letter or a digit.");
  });

  it('does not echo names made of characters that could carry markup', () => {
    const reason = invalidNameReason('pod', '<b>x</b>');
    assert.equal(reason, "The pod name you gave may only contain lower-case letters, digits, '-' and '.'.");
    assert.equal(invalidNameReason('pod', 'Web<1>'), "The pod name you gave may only contain lower-case letters, digits, '-' and '.'.");
  });
});

describe('the DNS-1123 names the configuration and the Kubernetes reader check', () => {
  it('takes namespaces as DNS labels: 63 characters at most, no dots', () => {
    for (const ok of ['shop', 'kube-system', 'a', '0', 'a'.repeat(63)]) assert.equal(isDnsLabel(ok), true, ok);
    for (const bad of ['', 'Shop', 'shop.prod', '-shop', 'shop-', 'a'.repeat(64), 'shop_prod', 'ünïcode'])
      assert.equal(isDnsLabel(bad), false, bad);
  });

  it('takes pods, secrets and leases as DNS subdomains: dot-separated labels, 253 characters at most', () => {
    for (const ok of ['web-7d4c9b6f5-x2k8p', 'pull-doctor.leader', 'a.b.c', `${'a'.repeat(63)}.${'b'.repeat(189)}`])
      assert.equal(isDnsSubdomain(ok), true, ok);
    for (const bad of ['', 'a..b', 'a.-b', 'a-.b', '.a', 'a.', 'Web', 'a'.repeat(254), 'a b', '../etc'])
      assert.equal(isDnsSubdomain(bad), false, bad);
  });

  it("takes cluster names as Pull Doctor's configuration allows them: '_' and '.' inside, 63 characters at most", () => {
    for (const ok of ['prod-westeurope', 'aks_prod.1', 'a'.repeat(63)]) assert.equal(isClusterName(ok), true, ok);
    for (const bad of ['', '_prod', 'prod.', 'Prod', 'a'.repeat(64)]) assert.equal(isClusterName(bad), false, bad);
  });
});
