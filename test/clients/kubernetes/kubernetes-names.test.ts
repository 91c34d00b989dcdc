import assert from 'node:assert/strict';
import { invalidNameReason } from '../../../src/clients/kubernetes/kubernetes-names.js';

describe('invalidNameReason', () => {
  it('accepts DNS-1123 subdomains as pod names and labels as namespaces', () => {
    for (const pod of ['web-7d4c9', 'a', '0', 'kube-proxy.node-1', 'x'.repeat(253)]) assert.equal(invalidNameReason('pod', pod), undefined, pod);
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
