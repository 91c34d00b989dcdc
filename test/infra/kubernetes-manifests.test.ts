import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { parseAllDocuments } from 'yaml';
import { parseBicep } from '../support/infra/bicep-declarations.js';
import { stringsIn } from '../support/infra/bicep-source.js';
import { filesUnder, fromRoot, INFRA_DIR } from '../support/infra/infra-files.js';
import {
  AKS_RBAC_READER_DATA_ACTIONS,
  azureDataActions,
  BOT_NAMESPACE,
  botKubernetesCalls,
  comparePermissions,
  grantedPermissions,
  permissionKey,
  requiredPermissions,
} from '../support/kubernetes-permissions.js';

interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: Array<{ apiGroup?: string; kind: string; name: string }>;
}

/** The kinds the manifests may contain, with their apiVersion and @kubernetes/client-node model. */
const KINDS: Record<string, { apiVersion: string; model: string; namespaced: boolean }> = {
  Namespace: { apiVersion: 'v1', model: 'V1Namespace', namespaced: false },
  ClusterRole: { apiVersion: 'rbac.authorization.k8s.io/v1', model: 'V1ClusterRole', namespaced: false },
  ClusterRoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', model: 'V1ClusterRoleBinding', namespaced: false },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', model: 'V1Role', namespaced: true },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', model: 'V1RoleBinding', namespaced: true },
};

const BOT_SUBJECT = { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: '${PULLDOCTOR_PRINCIPAL_ID}' };
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function loadManifests(): Array<{ file: string; object: ManifestObject }> {
  return filesUnder(join(INFRA_DIR, 'k8s')).flatMap((file) => {
    const documents = parseAllDocuments(readFileSync(file, 'utf8'));
    return documents.map((document, index) => {
      assert.deepEqual(document.errors, [], `${fromRoot(file)} document ${index + 1} is not valid YAML`);
      const object = document.toJS() as ManifestObject | null;
      assert.ok(object && typeof object === 'object', `${fromRoot(file)} document ${index + 1} is empty`);
      return { file: fromRoot(file), object };
    });
  });
}

/** Through the generated models: a field the Kubernetes API does not know would not survive. */
function throughClientModels(object: ManifestObject, model: string): unknown {
  return JSON.parse(
    JSON.stringify(ObjectSerializer.serialize(ObjectSerializer.deserialize(structuredClone(object), model, ''), model, '')),
  );
}

describe('the Kubernetes RBAC manifests in infra/k8s', () => {
  const manifests = loadManifests();
  const objects = manifests.map((m) => m.object);

  it('parse as YAML, every document of every file', () => {
    assert.deepEqual(manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`).sort(), [
      'ClusterRole/pulldoctor-reader',
      'ClusterRoleBinding/pulldoctor-reader',
      'Namespace/pulldoctor',
      'Role/pulldoctor-leader-election',
      'RoleBinding/pulldoctor-leader-election',
    ]);
  });

  it('use known kinds with their apiVersion, valid names, and only fields the Kubernetes API knows', () => {
    for (const { file, object } of manifests) {
      const kind = KINDS[object.kind];
      assert.ok(kind, `${file}: unexpected kind ${object.kind}`);
      assert.equal(object.apiVersion, kind.apiVersion, `${file}: ${object.kind}`);
      assert.match(object.metadata.name, DNS_SUBDOMAIN, `${file}: ${object.kind} name`);
      assert.equal(
        object.metadata.namespace !== undefined,
        kind.namespaced,
        `${file}: ${object.kind}/${object.metadata.name} ${kind.namespaced ? 'needs' : 'must not have'} a namespace`,
      );
      assert.deepEqual(
        throughClientModels(object, kind.model),
        object,
        `${file}: ${object.kind}/${object.metadata.name} has fields the ${kind.model} model does not know`,
      );
    }
  });

  it("bind every role to the bot's managed identity, a Kubernetes user named by its object id, and to no one else", () => {
    const bindings = objects.filter((o) => o.kind.endsWith('Binding'));
    assert.equal(bindings.length, 2);
    for (const binding of bindings) {
      assert.deepEqual(binding.subjects, [BOT_SUBJECT], `${binding.kind}/${binding.metadata.name}`);
      const role = objects.find((o) => o.kind === binding.roleRef?.kind && o.metadata.name === binding.roleRef.name);
      assert.ok(role, `${binding.kind}/${binding.metadata.name} refers to a role the manifests do not define`);
      assert.equal(binding.roleRef?.apiGroup, 'rbac.authorization.k8s.io');
      if (binding.kind === 'RoleBinding')
        assert.equal(role.metadata.namespace, binding.metadata.namespace, 'a RoleBinding refers to a Role of its own namespace');
    }
  });

  it("keep the leader-election Role in the bot's namespace, the one namespace.yaml creates and the templates use", () => {
    const namespace = objects.find((o) => o.kind === 'Namespace')!;
    assert.equal(namespace.metadata.name, BOT_NAMESPACE);
    for (const object of objects.filter((o) => o.metadata.namespace !== undefined)) assert.equal(object.metadata.namespace, BOT_NAMESPACE);
    for (const template of ['access.bicep', join('modules', 'cluster-access.bicep')]) {
      const bicep = parseBicep(join(INFRA_DIR, template));
      const param = bicep.params.find((p) => p.name === 'botNamespace');
      assert.ok(param?.hasDefault, `${template} declares botNamespace with a default`);
      assert.match(bicep.scanned.source, new RegExp(`param botNamespace string = '${BOT_NAMESPACE}'`), template);
    }
  });

  it('grant the Kubernetes calls the code makes, and nothing more', () => {
    const required = requiredPermissions(botKubernetesCalls());
    const comparison = comparePermissions(required, grantedPermissions(objects, BOT_SUBJECT));
    assert.deepEqual(comparison, { missing: [], excess: [] });
  });

  describe('the comparison of calls and grants', () => {
    const required = requiredPermissions(botKubernetesCalls());
    const mutated = (change: (objects: ManifestObject[]) => void) => {
      const copy = structuredClone(objects);
      change(copy);
      return comparePermissions(required, grantedPermissions(copy, BOT_SUBJECT));
    };
    const clusterRole = (objects: ManifestObject[]) => objects.find((o) => o.kind === 'ClusterRole')!;

    it('reports a permission the code needs and the manifests no longer grant', () => {
      const result = mutated((o) => (clusterRole(o).rules = clusterRole(o).rules!.filter((r) => !r.resources.includes('secrets'))));
      assert.deepEqual(result.missing, [`${permissionKey('', 'secrets', 'get')} (cluster-wide)`]);
    });

    it('reports a verb, a wildcard or a binding in another namespace that the code does not need', () => {
      const result = mutated((o) => {
        clusterRole(o).rules![0]!.verbs.push('delete');
        clusterRole(o).rules!.push({ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] });
        const binding = structuredClone(o.find((x) => x.kind === 'RoleBinding')!);
        binding.metadata.namespace = 'kube-system';
        const role = structuredClone(o.find((x) => x.kind === 'Role')!);
        role.metadata.namespace = 'kube-system';
        o.push(binding, role);
      });
      assert.deepEqual(result.missing, []);
      assert.deepEqual(result.excess, [
        'apps|*|get from ClusterRole/pulldoctor-reader (cluster-wide)',
        'coordination.k8s.io|leases|create from Role/pulldoctor-leader-election (another namespace)',
        'coordination.k8s.io|leases|get from Role/pulldoctor-leader-election (another namespace)',
        'coordination.k8s.io|leases|update from Role/pulldoctor-leader-election (another namespace)',
        '|pods|delete from ClusterRole/pulldoctor-reader (cluster-wide)',
      ]);
    });

    it("needs a ClusterRole for a call outside the bot's namespace even when a Role grants it inside", () => {
      const leaseElsewhere = requiredPermissions([
        ...botKubernetesCalls(),
        {
          method: 'GET',
          path: '/apis/coordination.k8s.io/v1/namespaces/shop/leases/x',
          verb: 'get',
          apiGroup: 'coordination.k8s.io',
          resource: 'leases',
          namespace: 'shop',
          name: 'x',
        },
      ]);
      const result = comparePermissions(leaseElsewhere, grantedPermissions(objects, BOT_SUBJECT));
      assert.deepEqual(result.missing, ['coordination.k8s.io|leases|get (cluster-wide)']);
    });

    it('names a subresource as RBAC does, resource/subresource', () => {
      const withLogs = requiredPermissions([
        ...botKubernetesCalls(),
        {
          method: 'GET',
          path: '/api/v1/namespaces/shop/pods/web-7d4c9/log',
          verb: 'get',
          apiGroup: '',
          resource: 'pods',
          subresource: 'log',
          namespace: 'shop',
          name: 'web-7d4c9',
        },
      ]);
      assert.deepEqual(comparePermissions(withLogs, grantedPermissions(objects, BOT_SUBJECT)).missing, ['|pods/log|get (cluster-wide)']);
    });

    it('ignores grants to subjects other than the bot', () => {
      const result = comparePermissions(required, grantedPermissions(objects, { kind: 'User', name: 'someone-else' }));
      assert.equal(result.excess.length, 0);
      assert.equal(result.missing.length, required.clusterWide.size + required.botNamespace.size);
    });
  });

  describe('the Azure RBAC for Kubernetes alternative (cluster-access.bicep)', () => {
    const clusterAccess = parseBicep(join(INFRA_DIR, 'modules', 'cluster-access.bicep'));
    const required = requiredPermissions(botKubernetesCalls());
    const dataActionsOf = (symbol: string) => {
      const resource = clusterAccess.resources.find((r) => r.symbol === symbol);
      assert.ok(resource, `cluster-access.bicep has no ${symbol}`);
      assert.equal(resource.type, 'Microsoft.Authorization/roleDefinitions');
      return stringsIn(clusterAccess.scanned, resource.statement.start, resource.statement.end)
        .map((s) => s.value)
        .filter((v) => v.startsWith('Microsoft.ContainerService/managedClusters/'))
        .sort();
    };

    it('gives the cluster-wide custom role exactly the data actions of the cluster-wide calls', () => {
      assert.deepEqual(dataActionsOf('kubernetesReaderRole'), [...azureDataActions(required.clusterWide)].sort());
    });

    it("gives the namespace custom role exactly the data actions of the calls in the bot's namespace", () => {
      assert.deepEqual(dataActionsOf('leaderElectionRole'), [...azureDataActions(required.botNamespace)].sort());
    });

    it('cannot use the built-in Azure Kubernetes Service RBAC Reader instead: it does not read secrets (nor leases)', () => {
      const lacking = [...azureDataActions([...required.clusterWide, ...required.botNamespace])]
        .filter((a) => !AKS_RBAC_READER_DATA_ACTIONS.includes(a))
        .sort();
      assert.deepEqual(lacking, [
        'Microsoft.ContainerService/managedClusters/coordination.k8s.io/leases/read',
        'Microsoft.ContainerService/managedClusters/coordination.k8s.io/leases/write',
        'Microsoft.ContainerService/managedClusters/secrets/read',
      ]);
    });
  });
});
