import assert from 'node:assert/strict';
import { parseClustersFile } from '../../src/clusters/clusters-file.js';
import { isPullDoctorError } from '../../src/errors/index.js';

const PROD =
  '/subscriptions/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/prod-aks';

function problemsOf(text: string): string {
  try {
    parseClustersFile(text, 'clusters.yaml');
  } catch (e) {
    assert.ok(isPullDoctorError(e) && e.code === 'CONFIG_INVALID');
    return e.message;
  }
  assert.fail('expected CONFIG_INVALID');
}

describe('the cluster file (PULLDOCTOR_CONFIG)', () => {
  it('reads clusters by AKS resource id or kubeconfig context, with namespaces to watch and alert routes', () => {
    const file = parseClustersFile(
      `defaultCluster: staging
clusters:
  - name: prod
    resourceId: ${PROD}
    namespaces: [shop, payments, shop]
    routes:
      "*": "19:0a1b2c3d4e5f@thread.tacv2"
      payments: "19:9f8e7d6c5b4a@thread.tacv2"
  - name: staging
    context: staging-aks
`,
      'clusters.yaml',
    );
    assert.equal(file.defaultCluster, 'staging');
    assert.deepEqual(file.clusters[0], {
      name: 'prod',
      source: { kind: 'aks', resourceId: PROD },
      namespaces: ['shop', 'payments'],
      routes: { '*': '19:0a1b2c3d4e5f@thread.tacv2', payments: '19:9f8e7d6c5b4a@thread.tacv2' },
    });
    assert.deepEqual(file.clusters[1], { name: 'staging', source: { kind: 'context', context: 'staging-aks' }, routes: {} });
  });

  it('reads the same content as JSON, and defaults to the first cluster', () => {
    const file = parseClustersFile(JSON.stringify({ clusters: [{ name: 'prod', resourceId: PROD }] }), 'PULLDOCTOR_CONFIG');
    assert.equal(file.defaultCluster, 'prod');
  });

  it('lists every problem at once, each saying where it is', () => {
    const message = problemsOf(`clusters:
  - name: Prod
    resourceId: /subscriptions/nope
  - name: staging
  - name: staging
    context: a
    resourceId: ${PROD}
    routes: { "Bad_NS": "19:x@thread.tacv2" }
  - name: qa
    context: qa
    colour: blue
defaultCluster: nowhere
surprise: 1
`);
    for (const expected of [
      'unknown key "surprise"',
      'clusters[0].name must be a short lowercase name',
      'resourceId must be an AKS resource id',
      'cluster "staging": give resourceId (an AKS cluster) or context',
      'clusters[2].name "staging" is used twice',
      'give either resourceId or context, not both',
      'routes key "Bad_NS" is not a namespace name',
      'clusters[3]: unknown key "colour"',
      'defaultCluster must be the name of one of the clusters',
    ]) {
      assert.ok(message.includes(expected), `missing "${expected}" in:\n${message}`);
    }
  });

  it('refuses text that is not YAML, and an empty cluster list', () => {
    assert.match(problemsOf('clusters: [unclosed'), /not valid YAML or JSON \(line 1/);
    assert.match(problemsOf('clusters: []'), /"clusters" must be a non-empty list/);
    assert.match(problemsOf('- just\n- a list'), /must be a mapping/);
  });
});
