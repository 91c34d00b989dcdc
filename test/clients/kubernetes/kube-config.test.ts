import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubernetesReader } from '../../../src/clients/kubernetes/kubernetes-reader.js';
import { loadKubeConfig, kubeConfigForServer, refreshingToken } from '../../../src/clients/kubernetes/kube-config.js';
import { describeError, PullDoctorError } from '../../../src/errors/index.js';
import { startFakeKubernetesApi, payloads, type FakeKubernetesApi } from '../../../src/sandbox/kubernetes-api/index.js';
import { testTls } from '../../support/tls.js';

const TOKEN = 'kubeconfig-test-token-77aa88bb';

function kubeconfig(options: {
  cluster: string;
  server: string;
  context?: string;
  current?: string;
  extra?: string;
  caPath?: string;
  token?: string;
}): string {
  const context = options.context ?? options.cluster;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${options.cluster}`,
    '  cluster:',
    `    server: ${options.server}`,
    ...(options.caPath ? [`    certificate-authority: ${options.caPath}`] : []),
    'users:',
    `- name: ${options.cluster}-user`,
    '  user:',
    `    token: ${options.token ?? TOKEN}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${options.cluster}`,
    `    user: ${options.cluster}-user`,
    ...(options.current === '' ? [] : [`current-context: ${options.current ?? context}`]),
    options.extra ?? '',
  ].join('\n');
}

function invalidKubeconfig(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PullDoctorError);
    assert.equal(error.code, 'KUBECONFIG_INVALID');
    assert.match(error.message, pattern);
    return true;
  };
}

describe('loadKubeConfig', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-kubeconfig-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads YAML given directly and switches to the requested context', () => {
    const yaml = kubeconfig({ cluster: 'a', server: 'https://a.example.com' }).replace(
      'contexts:',
      'contexts:\n- name: other\n  context:\n    cluster: a\n    user: a-user',
    );
    const config = loadKubeConfig({ kubeconfigYaml: yaml, context: 'other' });
    assert.equal(config.getCurrentContext(), 'other');
    assert.equal(config.getCurrentCluster()?.server, 'https://a.example.com');
  });

  it('merges the files of KUBECONFIG like kubectl: the first current-context and the first entry of a name win', () => {
    const first = file('one.yaml', kubeconfig({ cluster: 'prod', server: 'https://prod.example.com' }));
    const second = file(
      'two.yaml',
      kubeconfig({ cluster: 'prod', server: 'https://impostor.example.com', context: 'staging', current: 'staging' }),
    );
    const config = loadKubeConfig({}, { KUBECONFIG: `${first}:${join(dir, 'missing.yaml')}:${second}` });
    assert.equal(config.getCurrentContext(), 'prod');
    assert.equal(config.getCurrentCluster()?.server, 'https://prod.example.com');
    assert.deepEqual(
      config
        .getContexts()
        .map((c) => c.name)
        .sort(),
      ['prod', 'staging'],
    );
  });

  it('prefers an explicit path over KUBECONFIG, and KUBECONFIG over ~/.kube/config', () => {
    const explicit = file('explicit.yaml', kubeconfig({ cluster: 'explicit', server: 'https://explicit.example.com' }));
    const fromEnv = file('env.yaml', kubeconfig({ cluster: 'env', server: 'https://env.example.com' }));
    file('home/.kube/config', kubeconfig({ cluster: 'home', server: 'https://home.example.com' }));
    const env = { KUBECONFIG: fromEnv, HOME: join(dir, 'home') };
    assert.equal(loadKubeConfig({ kubeconfigPath: explicit }, env).getCurrentContext(), 'explicit');
    assert.equal(loadKubeConfig({}, env).getCurrentContext(), 'env');
    assert.equal(loadKubeConfig({}, { HOME: join(dir, 'home') }).getCurrentContext(), 'home');
  });

  it('resolves a relative certificate-authority path against the kubeconfig file, and refuses a missing one', () => {
    file('certs/ca.pem', testTls().ca);
    const path = file('config.yaml', kubeconfig({ cluster: 'a', server: 'https://a.example.com', caPath: 'certs/ca.pem' }));
    assert.equal(loadKubeConfig({ kubeconfigPath: path }).getCurrentCluster()?.caFile, join(dir, 'certs/ca.pem'));
    const broken = file('broken.yaml', kubeconfig({ cluster: 'a', server: 'https://a.example.com', caPath: 'certs/nope.pem' }));
    assert.throws(
      () => loadKubeConfig({ kubeconfigPath: broken }),
      invalidKubeconfig(/certificate-authority file .*certs\/nope\.pem named in the kubeconfig .* does not exist/),
    );
  });

  it('explains what it looked at when there is no kubeconfig at all', () => {
    assert.throws(
      () => loadKubeConfig({}, { HOME: dir }, { serviceAccountDir: join(dir, 'sa') }),
      invalidKubeconfig(
        new RegExp(
          `No kubeconfig found: KUBECONFIG is not set, ${join(dir, '.kube', 'config')} does not exist, and Pull Doctor is not running in a pod`,
        ),
      ),
    );
    assert.throws(() => loadKubeConfig({ kubeconfigPath: join(dir, 'nope.yaml') }), invalidKubeconfig(/nope\.yaml .* does not exist/));
    assert.match(describeError(new PullDoctorError('KUBECONFIG_INVALID', 'x')).advice, /az aks get-credentials/);
  });

  it('describes unparsable YAML by position, without quoting the file (which may hold a token)', () => {
    const path = file('bad.yaml', `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: sk-secret-token-abcdef\n   bad: [\n`);
    assert.throws(
      () => loadKubeConfig({ kubeconfigPath: path }),
      (error: unknown) => {
        assert.ok(error instanceof PullDoctorError);
        assert.match(error.message, /is not valid YAML \(.+ at line \d+, column \d+\)/);
        assert.ok(!error.message.includes('sk-secret-token-abcdef'));
        return true;
      },
    );
  });

  it('refuses a cluster entry without a server, a missing context, and an unknown requested context', () => {
    const noServer = 'apiVersion: v1\nclusters:\n- name: a\n  cluster:\n    certificate-authority-data: eA==\ncontexts: []\nusers: []\n';
    assert.throws(() => loadKubeConfig({ kubeconfigYaml: noServer }), invalidKubeconfig(/clusters\[0\]\.cluster\.server is missing/));
    const noCurrent = kubeconfig({ cluster: 'a', server: 'https://a.example.com', current: '' });
    assert.throws(() => loadKubeConfig({ kubeconfigYaml: noCurrent }), invalidKubeconfig(/has no usable current context; it has: a/));
    assert.throws(
      () => loadKubeConfig({ kubeconfigYaml: noCurrent, context: 'b' }),
      invalidKubeconfig(/The context "b" is not in the kubeconfig .*; it has: a/),
    );
  });

  describe('in a pod', () => {
    let fake: FakeKubernetesApi;
    let serviceAccountDir: string;

    beforeEach(async () => {
      const tls = testTls();
      fake = await startFakeKubernetesApi({
        tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
        auth: { bearerTokens: [{ token: TOKEN, user: 'system:serviceaccount:pulldoctor:pulldoctor' }] },
      });
      serviceAccountDir = join(dir, 'serviceaccount');
      file('serviceaccount/token', TOKEN);
      file('serviceaccount/ca.crt', tls.ca);
      file('serviceaccount/namespace', 'pulldoctor');
    });
    afterEach(async () => {
      await fake.close();
    });

    it('uses the mounted service account token and CA to reach KUBERNETES_SERVICE_HOST', async () => {
      fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
      const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(fake.port) };
      const config = loadKubeConfig({ inCluster: true }, env, { serviceAccountDir });
      assert.equal(config.getContextObject(config.getCurrentContext())?.namespace, 'pulldoctor');
      const pod = await createKubernetesReader(config).readPod('shop', 'web-1');
      assert.equal(pod?.metadata?.name, 'web-1');
      assert.equal(fake.requests.at(-1)!.user, 'system:serviceaccount:pulldoctor:pulldoctor');
    });

    it('falls back to the service account when nothing else is configured and it runs in a pod', () => {
      const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443', HOME: dir };
      assert.equal(loadKubeConfig({}, env, { serviceAccountDir }).getCurrentCluster()?.server, 'https://[fd00::1]:443');
    });

    it('refuses in-cluster mode outside a pod', () => {
      assert.throws(
        () => loadKubeConfig({ inCluster: true }, {}, { serviceAccountDir }),
        invalidKubeconfig(/KUBERNETES_SERVICE_HOST is not set/),
      );
    });
  });
});

describe('kubeConfigForServer', () => {
  let fake: FakeKubernetesApi;

  beforeEach(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
      auth: {
        bearerTokens: [
          { token: 'entra-token-1', user: 'aad:oncall@contoso.com' },
          { token: 'entra-token-2', user: 'aad:oncall@contoso.com' },
        ],
        clientCa: tls.ca,
      },
    });
    fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
  });
  afterEach(async () => {
    await fake.close();
  });

  it('reaches a server with a static token and the CA as PEM', async () => {
    const config = kubeConfigForServer({ server: fake.url, caData: testTls().ca, token: 'entra-token-1', name: 'shop-aks' });
    const reader = createKubernetesReader(config);
    assert.equal(reader.clusterName, 'shop-aks');
    assert.equal((await reader.readPod('shop', 'web-1'))?.metadata?.name, 'web-1');
  });

  it('accepts the CA and client certificate base64-encoded, as ARM and kubeconfig files carry them', async () => {
    const tls = testTls();
    const b64 = (pem: string) => Buffer.from(pem).toString('base64');
    const config = kubeConfigForServer({
      server: fake.url,
      caData: b64(tls.ca),
      clientCert: b64(tls.clientCert),
      clientKey: b64(tls.clientKey),
    });
    assert.equal((await createKubernetesReader(config).readPod('shop', 'web-1'))?.metadata?.name, 'web-1');
    assert.equal(fake.requests.at(-1)!.user, 'client');
  });

  it('asks the token provider before each request, so a refreshed token is used', async () => {
    let token = 'entra-token-1';
    let calls = 0;
    const config = kubeConfigForServer({
      server: fake.url,
      caData: testTls().ca,
      token: async () => {
        calls++;
        return token;
      },
    });
    const reader = createKubernetesReader(config);
    await reader.readPod('shop', 'web-1');
    token = 'entra-token-2';
    await reader.readPod('shop', 'web-1');
    assert.equal(calls, 2);
    token = 'revoked-token';
    await assert.rejects(reader.readPod('shop', 'web-1'), (e: unknown) => e instanceof PullDoctorError && e.code === 'KUBE_UNAUTHORIZED');
  });

  it('refuses a server address that is not an https URL, and a certificate without its key', () => {
    const invalid = (e: unknown) => e instanceof PullDoctorError && e.code === 'KUBECONFIG_INVALID';
    assert.throws(() => kubeConfigForServer({ server: 'shop-aks.hcp.westeurope.azmk8s.io' }), invalid);
    assert.throws(() => kubeConfigForServer({ server: 'http://shop-aks.hcp.westeurope.azmk8s.io' }), invalid);
    assert.throws(() => kubeConfigForServer({ server: fake.url, clientCert: testTls().clientCert }), invalid);
  });
});

describe('refreshingToken', () => {
  let fake: FakeKubernetesApi;

  beforeEach(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
      auth: {
        bearerTokens: [
          { token: 'entra-token-1', user: 'aad:oncall@contoso.com' },
          { token: 'entra-token-2', user: 'aad:oncall@contoso.com' },
        ],
      },
    });
    fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
  });
  afterEach(async () => {
    await fake.close();
  });

  it('refreshes an expiring token shortly before it expires, with one fetch for concurrent requests', async () => {
    let now = 1_000_000;
    const issued: string[] = [];
    const provider = refreshingToken(
      async () => {
        const token = `entra-token-${issued.length + 1}`;
        issued.push(token);
        return { token, expiresOnTimestamp: now + 60 * 60_000 };
      },
      { now: () => now, refreshBeforeMs: 5 * 60_000 },
    );
    const reader = createKubernetesReader(kubeConfigForServer({ server: fake.url, caData: testTls().ca, token: provider }));
    await Promise.all([reader.readPod('shop', 'web-1'), reader.listPods('shop'), reader.namespaceExists('shop')]);
    assert.deepEqual(issued, ['entra-token-1']);
    now += 54 * 60_000;
    await reader.readPod('shop', 'web-1');
    assert.deepEqual(issued, ['entra-token-1']);
    now += 2 * 60_000;
    await reader.readPod('shop', 'web-1');
    assert.deepEqual(issued, ['entra-token-1', 'entra-token-2']);
    assert.ok(fake.requests.every((r) => r.status === 200 || r.status === 404));
  });

  it("reports a source that yields no token as KUBE_UNAUTHORIZED, and a failing source's own error unchanged", async () => {
    const empty = createKubernetesReader(
      kubeConfigForServer({ server: fake.url, caData: testTls().ca, token: refreshingToken(async () => null) }),
    );
    await assert.rejects(empty.readPod('shop', 'web-1'), (e: unknown) => e instanceof PullDoctorError && e.code === 'KUBE_UNAUTHORIZED');
    const failing = createKubernetesReader(
      kubeConfigForServer({
        server: fake.url,
        caData: testTls().ca,
        token: refreshingToken(async () => {
          throw new PullDoctorError('AZURE_CREDENTIAL_UNAVAILABLE', 'Managed identity is not available.');
        }),
      }),
    );
    await assert.rejects(
      failing.readPod('shop', 'web-1'),
      (e: unknown) => e instanceof PullDoctorError && e.code === 'AZURE_CREDENTIAL_UNAVAILABLE',
    );
    assert.deepEqual(fake.requests, []);
  });
});
