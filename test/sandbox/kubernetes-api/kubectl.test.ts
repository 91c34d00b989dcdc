import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import {
  startFakeKubernetesApi,
  payloads,
  type FakeKubernetesApi,
  type KubeconfigOptions,
} from '../../../src/sandbox/kubernetes-api/index.js';
import { testTls } from '../../support/tls.js';

const run = promisify(execFile);
const TOKEN = 'kubectl-test-token-9a8b7c6d';

function findKubectl(): string | undefined {
  for (const dir of ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

describe('the real kubectl against the fake Kubernetes API', function () {
  const kubectl = findKubectl();
  let fake: FakeKubernetesApi;
  let dir: string;

  before(function () {
    if (!kubectl) {
      console.warn('    kubectl is not installed (CI installs it): skipping the kubectl compatibility tests');
      this.skip();
    }
  });

  beforeEach(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
      auth: { bearerTokens: [{ token: TOKEN, user: 'system:serviceaccount:pulldoctor:pulldoctor' }], clientCa: tls.ca },
    });
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-kubectl-'));
  });
  afterEach(async () => {
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs kubectl with a kubeconfig for the fake; resolves with exit code, stdout and stderr. */
  async function kubectlRun(args: string[], kubeconfig: KubeconfigOptions = { token: TOKEN }) {
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, fake.kubeconfig(kubeconfig), { mode: 0o600 });
    try {
      const { stdout, stderr } = await run(kubectl!, [...args, '--request-timeout=10s', `--cache-dir=${join(dir, 'cache')}`], {
        env: { KUBECONFIG: path, HOME: dir, PATH: process.env.PATH ?? '/usr/bin' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  it('gets a pod as JSON exactly as the fake holds it', async () => {
    const pod = fake.upsertPod(
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        image: 'shopacr.azurecr.io/web:1.4.2',
        ownerDeployment: 'web',
        pullError: payloads.pullErrors.anonymousUnauthorized('shopacr.azurecr.io/web:1.4.2'),
      }),
    );
    const name = pod.metadata!.name!;
    const result = await kubectlRun(['get', 'pod', name, '-n', 'shop', '-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), fake.getPod('shop', name));
  });

  it('gets the events of one pod with a field selector', async () => {
    const web = fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
    const api = fake.upsertPod(payloads.crashLoopBackOffPod({ namespace: 'shop', name: 'api-1', image: 'shopacr.azurecr.io/api:1' }));
    for (const e of payloads.imagePullEvents(web)) fake.addEvent(e);
    for (const e of payloads.crashLoopEvents(api)) fake.addEvent(e);
    const result = await kubectlRun([
      'get',
      'events',
      '-n',
      'shop',
      '--field-selector',
      'involvedObject.name=web-1,involvedObject.kind=Pod',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const byName = (a: { metadata?: { name?: string } }, b: { metadata?: { name?: string } }) =>
      a.metadata!.name! < b.metadata!.name! ? -1 : 1;
    const expected = fake
      .list('v1', 'Event', 'shop')
      .filter((e) => (e as { involvedObject: { name: string } }).involvedObject.name === 'web-1');
    const got = JSON.parse(result.stdout).items as Array<{ metadata?: { name?: string } }>;
    assert.equal(got.length, expected.length);
    assert.deepEqual([...got].sort(byName), [...expected].sort(byName));
  });

  it('prints the events table with reasons and messages', async () => {
    const web = fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
    for (const e of payloads.imagePullEvents(web)) fake.addEvent(e);
    const result = await kubectlRun(['get', 'events', '-n', 'shop', '--field-selector', 'involvedObject.name=web-1']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0]!, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.ok(
      lines.some((l) =>
        /Warning\s+Failed\s+pod\/web-1\s+Failed to pull image "shopacr.azurecr.io\/web:1": rpc error: code = NotFound/.test(l),
      ),
      result.stdout,
    );
    assert.ok(
      lines.some((l) => /Normal\s+BackOff\s+pod\/web-1\s+Back-off pulling image/.test(l)),
      result.stdout,
    );
  });

  it('lists secrets and reads a pull secret the fake holds', async () => {
    const secret = fake.upsertSecret(
      payloads.dockerConfigJsonSecret({
        namespace: 'shop',
        name: 'acr-pull',
        auths: { 'shopacr.azurecr.io': { username: '00000000-0000-0000-0000-000000000000', password: 'not-a-real-password' } },
      }),
    );
    fake.upsertSecret(payloads.opaqueSecret({ namespace: 'shop', name: 'settings', data: { a: '1', b: '2' } }));
    const table = await kubectlRun(['get', 'secret', '-n', 'shop']);
    assert.equal(table.code, 0, table.stderr);
    assert.deepEqual(
      table.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 3)),
      [
        ['NAME', 'TYPE', 'DATA'],
        ['acr-pull', 'kubernetes.io/dockerconfigjson', '1'],
        ['settings', 'Opaque', '2'],
      ],
    );
    const data = await kubectlRun(['get', 'secret', 'acr-pull', '-n', 'shop', '-o', 'jsonpath={.data.\\.dockerconfigjson}']);
    assert.equal(data.stdout, secret.data!['.dockerconfigjson']);
  });

  it('shows the pod statuses kubectl users know', async () => {
    fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'a-pull', image: 'shopacr.azurecr.io/web:1' }));
    fake.upsertPod(payloads.errImagePullPod({ namespace: 'shop', name: 'b-err', image: 'shopacr.azurecr.io/web:1' }));
    fake.upsertPod(
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        name: 'c-init',
        image: 'shopacr.azurecr.io/web:1',
        initContainers: [{ name: 'migrate', image: 'shopacr.azurecr.io/migrate:7' }],
        failingContainer: 'migrate',
      }),
    );
    fake.upsertPod(payloads.crashLoopBackOffPod({ namespace: 'shop', name: 'd-oom', image: 'shopacr.azurecr.io/web:1' }));
    fake.upsertPod(payloads.unschedulablePod({ namespace: 'shop', name: 'e-pending', image: 'shopacr.azurecr.io/web:1' }));
    fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'f-ok', image: 'shopacr.azurecr.io/web:1' }));
    fake.upsertPod(payloads.invalidImageNamePod({ namespace: 'shop', name: 'g-bad', image: 'shopacr.azurecr.io/Web:1' }));
    const result = await kubectlRun(['get', 'pods', '-n', 'shop', '--no-headers']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 3)),
      [
        ['a-pull', '0/1', 'ImagePullBackOff'],
        ['b-err', '0/1', 'ErrImagePull'],
        ['c-init', '0/1', 'Init:ImagePullBackOff'],
        ['d-oom', '0/1', 'CrashLoopBackOff'],
        ['e-pending', '0/1', 'Pending'],
        ['f-ok', '1/1', 'Running'],
        ['g-bad', '0/1', 'InvalidImageName'],
      ],
    );
  });

  it('authenticates with a client certificate', async () => {
    const tls = testTls();
    fake.addNamespace('shop');
    const result = await kubectlRun(['get', 'namespace', 'shop', '-o', 'jsonpath={.status.phase}'], {
      clientCert: tls.clientCert,
      clientKey: tls.clientKey,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Active');
    assert.ok(fake.requests.some((r) => r.user === 'client' && r.resource === 'namespaces'));
  });

  it("reports the fake's 401, 403 and 404 the way it reports a real cluster's", async () => {
    const unauthorized = await kubectlRun(['get', 'pods', '-n', 'shop'], { token: 'wrong-token' });
    assert.notEqual(unauthorized.code, 0);
    // what kubectl 1.32 prints for a real API server's 401 too
    assert.match(
      unauthorized.stderr,
      /error: You must be logged in to the server \(the server has asked for the client to provide credentials\)/,
    );

    fake.setAuthorizationRules([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    const forbidden = await kubectlRun(['get', 'secret', 'acr-pull', '-n', 'shop']);
    assert.match(
      forbidden.stderr,
      /Error from server \(Forbidden\): secrets "acr-pull" is forbidden: User "system:serviceaccount:pulldoctor:pulldoctor" cannot get resource "secrets" in API group "" in the namespace "shop"/,
    );

    const missing = await kubectlRun(['get', 'pod', 'nope', '-n', 'shop']);
    assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);
  });
});
