import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parse, stringify } from 'yaml';
import { runCli, type CliIo } from '../../src/cli/main.js';
import { writeFakeAz } from '../support/fake-az.js';
import { SANDBOX_IDS } from '../../src/sandbox/sandbox-identity.js';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

async function cli(argv: string[], io: Partial<CliIo> & { env: CliIo['env'] }, stdinText = ''): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await runCli(argv, { stdin: Readable.from([stdinText]), stdout, stderr, ...io });
  return { code, stdout: out(), stderr: err() };
}

/** Runs the real `pulldoctor` entry point in a child process (through tsx, so without a build). */
function subprocess(argv: string[], env: Record<string, string>, stdinText = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...argv], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdinText);
  });
}

describe('pulldoctor CLI', function () {
  this.timeout(30_000);
  let h: SandboxHarness;
  before(async () => {
    h = await startSandboxHarness();
  });
  after(async () => {
    await h?.close();
  });
  const overrides = () => ({ azureCredential: h.world.credential, registryNetwork: h.world.network });

  describe('diagnose --output json', () => {
    it('prints exactly the contract: pod, namespace, verdict, cause, findings with contract keys only, the fix, the headline and the remedy', async () => {
      const run = await cli(['diagnose', 'web-7d4c9b6f5-x2k8p', '-n', 'shop', '--output', 'json'], { env: h.env, overrides: overrides() });
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(report), ['pod', 'namespace', 'verdict', 'cause', 'findings', 'fix', 'headline', 'remedy']);
      assert.equal(report.headline, 'Kubelet identity of shop-aks has no AcrPull on shopacr');
      assert.deepEqual(Object.keys(report.remedy as object), ['text', 'commands']);
      assert.equal(report.pod, 'web-7d4c9b6f5-x2k8p');
      assert.equal(report.namespace, 'shop');
      assert.equal(report.verdict, 'problem');
      assert.equal(report.cause, 'unauthorized');
      for (const f of report.findings as Array<Record<string, unknown>>) {
        for (const key of Object.keys(f))
          assert.ok(['check', 'status', 'summary', 'detail', 'remediation', 'commands'].includes(key), `unexpected key ${key}`);
        assert.ok(['pass', 'fail', 'warn', 'skip', 'error'].includes(f.status as string));
      }
      assert.deepEqual(Object.keys(report.fix as object), ['kind', 'principalId', 'scope', 'roleDefinitionId']);
    });

    it('prints fix: null for a healthy pod and exits 0', async () => {
      const run = await cli(['diagnose', 'storefront-7b8c9d0e1-h2i3j', '--namespace=shop', '-o', 'json'], {
        env: h.env,
        overrides: overrides(),
      });
      assert.equal(run.code, 0);
      const report = JSON.parse(run.stdout) as { verdict: string; cause: unknown; fix: unknown };
      assert.deepEqual([report.verdict, report.cause, report.fix], ['healthy', null, null]);
    });

    it('authenticates to Azure with AZURE_CREDENTIAL=cli through the az CLI on PATH', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-az-'));
      const az = await writeFakeAz({
        directory: dir,
        tenantId: SANDBOX_IDS.tenantId,
        subscriptionId: SANDBOX_IDS.subscriptionId,
        objectId: SANDBOX_IDS.pullDoctorObjectId,
      });
      const savedPath = process.env.PATH;
      process.env.PATH = `${az.binDirectory}:${savedPath ?? ''}`; // AzureCliCredential runs `az` with the process environment
      try {
        const run = await cli(['diagnose', 'web-7d4c9b6f5-x2k8p', '-n', 'shop', '-o', 'json'], {
          env: h.env,
          overrides: { registryNetwork: h.world.network },
        });
        assert.equal(run.code, 0, run.stderr);
        assert.equal((JSON.parse(run.stdout) as { fix: { principalId: string } }).fix.principalId, SANDBOX_IDS.kubeletObjectId);
        assert.ok((await az.invocations()).some((i) => i.join(' ').includes('account get-access-token')));
      } finally {
        process.env.PATH = savedPath;
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('diagnose --context', () => {
    it('uses the named kubeconfig context instead of the current one', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-ctx-'));
      const config = parse(h.world.kubeconfigYaml) as {
        clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
        contexts: Array<{ name: string; context: Record<string, unknown> }>;
        'current-context': string;
      };
      const good = config.contexts[0]!;
      config.clusters.push({ name: 'decommissioned', cluster: { ...config.clusters[0]!.cluster, server: 'https://127.0.0.1:9' } });
      config.contexts.push({ name: 'decommissioned', context: { ...good.context, cluster: 'decommissioned' } });
      config['current-context'] = 'decommissioned';
      const kubeconfig = join(dir, 'config');
      writeFileSync(kubeconfig, stringify(config));
      try {
        const env = { ...h.env, KUBECONFIG: kubeconfig };
        const current = await cli(['diagnose', 'storefront-7b8c9d0e1-h2i3j', '-n', 'shop'], { env, overrides: overrides() });
        assert.equal(current.code, 1, 'the current context points at a dead server');
        const chosen = await cli(['diagnose', 'storefront-7b8c9d0e1-h2i3j', '-n', 'shop', '--context', good.name, '-o', 'json'], {
          env,
          overrides: overrides(),
        });
        assert.equal(chosen.code, 0, chosen.stderr);
        assert.equal((JSON.parse(chosen.stdout) as { verdict: string }).verdict, 'healthy');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('diagnose (text)', () => {
    it('reports, in order, the verdict, the cause, the evidence, the checks and what to do, with the exact fix', async () => {
      const run = await cli(['diagnose', 'web-7d4c9b6f5-x2k8p', '-n', 'shop'], { env: h.env, overrides: overrides() });
      assert.equal(run.code, 0, run.stderr);
      const order = ['FAILING', 'Cause: ', 'Evidence', 'Checks', 'What to do', 'Proposed fix'].map((s) => run.stdout.indexOf(s));
      assert.ok(
        order.every((i) => i >= 0),
        run.stdout,
      );
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
      );
      assert.match(run.stdout, /assign role AcrPull/);
      assert.match(run.stdout, new RegExp(`to principal ${SANDBOX_IDS.kubeletObjectId}`));
      assert.match(run.stdout, /on scope +\/subscriptions\/.*\/registries\/shopacr/);
    });
  });

  describe('bad input', () => {
    it('exits 2 with a clear message when the pod does not exist, naming similar pods', async () => {
      const run = await cli(['diagnose', 'web-7d4c9c', '-n', 'shop'], { env: h.env, overrides: overrides() });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /No pod "web-7d4c9c" in namespace "shop"\. Did you mean: web-7d4c9b6f5-x2k8p/);
    });

    it("diagnoses the pod a Deployment's name or the start of a pod's name means", async () => {
      for (const name of ['web', 'web-7d4c9']) {
        const run = await cli(['diagnose', name, '-n', 'shop', '-o', 'json'], { env: h.env, overrides: overrides() });
        assert.equal(run.code, 0, run.stderr);
        assert.equal((JSON.parse(run.stdout) as { pod: string }).pod, 'web-7d4c9b6f5-x2k8p');
      }
    });

    it('exits 2 for an invalid pod name, an unknown option, a missing pod name or an unknown output format', async () => {
      for (const argv of [
        ['diagnose', 'Web_1'],
        ['diagnose', 'web', '--bogus'],
        ['diagnose'],
        ['diagnose', 'web', '-o', 'yaml'],
        ['frobnicate'],
      ]) {
        const run = await cli(argv, { env: h.env, overrides: overrides() });
        assert.equal(run.code, 2, `${argv.join(' ')}: ${run.stderr}`);
        assert.ok(run.stderr.length > 0);
      }
    });

    it('exits 2 and lists every configuration problem at once', async () => {
      const run = await cli(['diagnose', 'web', '-n', 'shop'], {
        env: { ...h.env, AZURE_CREDENTIAL: 'magic', AZURE_SUBSCRIPTION_ID: 'nope' },
      });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /AZURE_CREDENTIAL must be one of/);
      assert.match(run.stderr, /AZURE_SUBSCRIPTION_ID must be a GUID/);
    });

    it('tells the story of a pod a rollout deleted from its remaining events: GONE and its events on stdout, exit 2', async () => {
      const run = await cli(['diagnose', 'web-5c8d7b9f4-q4w5e', '-n', 'shop'], { env: h.env, overrides: overrides() });
      assert.equal(run.code, 2);
      const lines = run.stdout.split('\n');
      assert.match(
        lines[0]!,
        /^Pod shop\/web-5c8d7b9f4-q4w5e: GONE \(it no longer exists; last seen \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/,
      );
      assert.equal(
        lines[1],
        'Its events said: it could not pull its image shopacr.azurecr.io/shop/web:2.4.0: the image or tag does not exist in the registry (image-not-found).',
      );
      assert.ok(lines.includes('Events (newest first)'));
      assert.ok(
        lines.some((l) =>
          /^ {2}\d{4}-.* UTC {2}Warning Failed \(x4\): Failed to pull image "shopacr\.azurecr\.io\/shop\/web:2\.4\.0"/.test(l),
        ),
      );
      assert.doesNotMatch(run.stdout, /1970/);
      assert.match(run.stderr, /Pod not found: Pod "web-5c8d7b9f4-q4w5e" no longer exists in namespace "shop"/);
    });

    it("adds the gone pod's story to the JSON error object as `gone`, the error itself unchanged", async () => {
      const run = await cli(['diagnose', 'web-5c8d7b9f4-q4w5e', '-n', 'shop', '-o', 'json'], { env: h.env, overrides: overrides() });
      assert.equal(run.code, 2);
      const out = JSON.parse(run.stdout) as { error: Record<string, unknown>; gone: Record<string, unknown> };
      assert.deepEqual(Object.keys(out), ['error', 'gone']);
      assert.deepEqual(Object.keys(out.error), ['code', 'title', 'message', 'advice']);
      assert.equal(out.error.code, 'POD_NOT_FOUND');
      assert.deepEqual(Object.keys(out.gone), ['pod', 'namespace', 'lastSeen', 'image', 'cause', 'said', 'events']);
      assert.equal(out.gone.cause, 'image-not-found');
      assert.equal(out.gone.image, 'shopacr.azurecr.io/shop/web:2.4.0');
      // A pod that never existed has no story: the error object alone, as before.
      const never = await cli(['diagnose', 'nope', '-n', 'shop', '-o', 'json'], { env: h.env, overrides: overrides() });
      assert.deepEqual(Object.keys(JSON.parse(never.stdout) as object), ['error']);
    });

    it('prints an error object on stdout in JSON mode', async () => {
      const run = await cli(['diagnose', 'nope', '-n', 'shop', '-o', 'json'], { env: h.env, overrides: overrides() });
      assert.equal(run.code, 2);
      assert.equal((JSON.parse(run.stdout) as { error: { code: string } }).error.code, 'POD_NOT_FOUND');
    });
  });

  describe('classify', () => {
    it('classifies one message given as an argument', async () => {
      const run = await cli(['classify', 'dial tcp: lookup myacr.azurecr.io on 10.0.0.10:53: no such host'], { env: {} });
      assert.equal(run.code, 0);
      assert.deepEqual(JSON.parse(run.stdout), {
        message: 'dial tcp: lookup myacr.azurecr.io on 10.0.0.10:53: no such host',
        cause: 'dns',
      });
    });

    it('classifies one message per stdin line, one JSON line each, skipping blank lines', async () => {
      const input = [
        'toomanyrequests: You have reached your pull rate limit.',
        '',
        'x509: certificate signed by unknown authority',
        'manifest unknown',
      ].join('\n');
      const run = await cli(['classify'], { env: {} }, input);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { cause: string });
      assert.deepEqual(
        lines.map((l) => l.cause),
        ['rate-limited', 'tls', 'image-not-found'],
      );
    });

    it('prints the message redacted, like every other output, and classifies it as given', async () => {
      const withPassword =
        'Failed to pull image "registry.example.com/shop/web:2.4.1": rpc error: code = Unknown desc = failed to pull and unpack image ' +
        '"registry.example.com/shop/web:2.4.1": failed to resolve reference "registry.example.com/shop/web:2.4.1": failed to do request: ' +
        'Head "https://robot:S3cr3t-Pa55word@registry.example.com/v2/shop/web/manifests/2.4.1": dial tcp: lookup registry.example.com: no such host';
      const run = await cli(['classify', withPassword], { env: {} });
      assert.equal(run.code, 0);
      assert.ok(!run.stdout.includes('S3cr3t-Pa55word'), run.stdout);
      const line = JSON.parse(run.stdout) as { message: string; cause: string };
      assert.equal(line.cause, 'dns');
      assert.match(line.message, /https:\/\/robot:\[redacted\]@registry\.example\.com\/v2\//);

      const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyb2JvdCJ9.c2lnbmF0dXJlLXZhbHVl';
      const piped = await cli(['classify'], { env: {} }, `unexpected status code 401 Unauthorized (Authorization: Bearer ${token})\n`);
      assert.ok(!piped.stdout.includes(token) && !piped.stdout.includes('c2lnbmF0dXJlLXZhbHVl'), piped.stdout);
      assert.equal((JSON.parse(piped.stdout) as { cause: string }).cause, 'unauthorized');
    });
  });

  describe('as a process', () => {
    it('reads stdin and exits 0 for classify', async () => {
      const run = await subprocess(['classify'], {}, 'no match for platform in manifest: not found\n');
      assert.equal(run.code, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as { cause: string }).cause, 'platform-mismatch');
    });

    it('diagnoses from KUBECONFIG alone, without any Azure configuration', async () => {
      // A crash-looping pod: no registry check runs, so nothing resolves a registry name through the system DNS.
      const run = await subprocess(['diagnose', 'orders-6f7a8b9c0-o1p2q', '-n', 'shop', '-o', 'json'], {
        KUBECONFIG: h.env.KUBECONFIG!,
        HOME: h.env.HOME!,
      });
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as {
        verdict: string;
        cause: unknown;
        findings: Array<{ check: string; status: string; summary: string }>;
      };
      assert.equal(report.verdict, 'problem');
      assert.equal(report.cause, null);
      assert.match(report.findings[0]?.summary ?? '', /killed for using too much memory/);
    });

    it('exits 1 when the cluster cannot be reached', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-kc-'));
      const kubeconfig = join(dir, 'config');
      writeFileSync(kubeconfig, h.world.kubeconfigYaml.replace(/https:\/\/127\.0\.0\.1:\d+/, 'https://127.0.0.1:9'));
      try {
        const run = await subprocess(['diagnose', 'web', '-n', 'shop'], { KUBECONFIG: kubeconfig, HOME: dir });
        assert.equal(run.code, 1);
        assert.match(run.stderr, /cannot be reached/i);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
