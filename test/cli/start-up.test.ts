import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { cliBundleOptions } from '../../scripts/build-cli.js';
import { runCli } from '../../src/cli/main.js';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox.js';

const ROOT = process.cwd();
const RECORDER = pathToFileURL(join(ROOT, 'test', 'support', 'record-loaded-modules.mjs')).href;
const MESSAGE = 'Failed to pull image "shopacr.azurecr.io/web:1.4.2": failed to authorize: 401 Unauthorized';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[], env: Record<string, string | undefined>, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The packages (by name) whose modules the CLI process resolved while running `argv` from its sources. */
async function packagesLoaded(argv: string[], env: Record<string, string> = {}, stdin = ''): Promise<{ run: Run; packages: Set<string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-start-up-'));
  try {
    const file = join(dir, 'loaded-modules.txt');
    const run = await node(
      ['--import', 'tsx', '--import', RECORDER, 'src/cli/bin.ts', ...argv],
      {
        HOME: dir,
        LOADED_MODULES_FILE: file,
        NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
        ...env,
      },
      stdin,
    );
    const urls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.ok(
      urls.some((u) => u.endsWith('/src/cli/main.ts')),
      'the recorder saw the CLI load',
    );
    const packages = new Set(
      urls.flatMap((u) => {
        const path = u.split('/node_modules/').slice(1).pop();
        if (path === undefined) return [];
        const [scope, name] = path.split('/');
        return [scope!.startsWith('@') ? `${scope}/${name}` : scope!];
      }),
    );
    return { run, packages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SDK = /^@azure\/|^@kubernetes\//;
const sdks = (packages: Set<string>) => [...packages].filter((p) => SDK.test(p));

describe('pulldoctor starts at once: each command loads only what it needs', function () {
  this.timeout(60_000);

  it('--help prints the commands without loading any Azure or Kubernetes SDK module', async () => {
    const { run, packages } = await packagesLoaded(['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /pulldoctor diagnose POD/);
    assert.deepEqual(sdks(packages), []);
  });

  it('classify with a message, and classify reading stdin, load no Azure or Kubernetes SDK module either', async () => {
    const given = await packagesLoaded(['classify', MESSAGE]);
    assert.equal(given.run.code, 0, given.run.stderr);
    assert.equal((JSON.parse(given.run.stdout) as { cause: string }).cause, 'unauthorized');
    assert.deepEqual(sdks(given.packages), []);

    const piped = await packagesLoaded(['classify'], {}, `${MESSAGE}\nError response from daemon: manifest for nginx:1.99 not found\n`);
    assert.equal(piped.run.code, 0, piped.run.stderr);
    assert.deepEqual(
      piped.run.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { cause: string }).cause),
      ['unauthorized', 'image-not-found'],
    );
    assert.deepEqual(sdks(piped.packages), []);
  });

  it('an unknown command is answered without loading the SDKs of a diagnosis it never starts', async () => {
    const unknown = await packagesLoaded(['diagnoze', 'web-1']);
    assert.equal(unknown.run.code, 2);
    assert.match(unknown.run.stderr, /unknown command "diagnoze"/);
    assert.deepEqual(sdks(unknown.packages), []);
  });

  describe('diagnose, from its sources', () => {
    let h: SandboxHarness;
    before(async () => {
      h = await startSandboxHarness();
    });
    after(async () => h?.close());

    it('loads the Kubernetes SDK but no Azure SDK when Azure is not configured (AZURE_CREDENTIAL=none): Azure loads on its first call', async () => {
      const { run, packages } = await packagesLoaded(['diagnose', 'web-7d4c9b6f5-x2k8p', '-n', 'shop', '-o', 'json'], {
        ...h.env,
        AZURE_CREDENTIAL: 'none',
      });
      // The registry's host does not resolve outside the sandbox: the diagnosis still ends, with the pod's story.
      assert.equal(run.code, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as { verdict: string }).verdict, 'problem');
      assert.ok(packages.has('@kubernetes/client-node'));
      assert.deepEqual(
        [...packages].filter((p) => p.startsWith('@azure/')),
        [],
      );
    });
  });
});

describe('the bundled CLI (scripts/build-cli.ts, what bin/pulldoctor.js runs)', function () {
  this.timeout(120_000);
  let h: SandboxHarness;
  let out: string;
  before(async () => {
    h = await startSandboxHarness();
    // In the project, where the bundle's external packages (better-sqlite3) resolve from node_modules.
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    out = mkdtempSync(join(ROOT, 'dist', 'test-bundle-'));
    await build(
      cliBundleOptions(
        { bin: join(ROOT, 'src', 'cli', 'bin.ts'), 'sandbox-cli-process': join(ROOT, 'scripts', 'bench', 'sandbox-cli-process.ts') },
        out,
      ),
    );
  });
  after(async () => {
    await h?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  async function inProcess(argv: string[]): Promise<Run> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let text = '';
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runCli(argv, {
      env: h.env,
      stdin: Readable.from(['']),
      stdout,
      stderr,
      overrides: { azureCredential: h.world.credential, registryNetwork: h.world.network },
    });
    return { code, stdout: text, stderr: '' };
  }

  const bundled = (argv: string[], env: Record<string, string> = {}) =>
    node([join(out, 'sandbox-cli-process.js'), ...argv], {
      ...h.env,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
      PULLDOCTOR_BENCH_HOSTS: JSON.stringify(h.world.registries.hostMap()),
      ...env,
    });

  it('diagnoses in its own process with the same report as the CLI run from its sources, in JSON and in text', async () => {
    for (const output of ['json', 'text']) {
      const argv = ['diagnose', 'web-7d4c9b6f5-x2k8p', '-n', 'shop', '-o', output];
      const [expected, actual] = [await inProcess(argv), await bundled(argv)];
      assert.equal(actual.code, 0, actual.stderr);
      assert.equal(actual.stdout, expected.stdout);
    }
    const report = JSON.parse((await bundled(['diagnose', 'web-7d4c9b6f5-x2k8p', '-n', 'shop', '-o', 'json'])).stdout) as { cause: string };
    assert.equal(report.cause, 'unauthorized');
  });

  it('runs --help, classify and audit (whose SQLite addon stays outside the bundle) from the bundle', async () => {
    const bin = join(out, 'bin.js');
    const help = await node([bin, '--help'], {});
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /pulldoctor classify/);
    const classify = await node([bin, 'classify', MESSAGE], {});
    assert.equal((JSON.parse(classify.stdout) as { cause: string }).cause, 'unauthorized');
    const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-bundle-audit-'));
    try {
      const audit = await node([bin, 'audit'], { HOME: dir, STORE_SQLITE_PATH: join(dir, 'state.sqlite') });
      assert.equal(audit.code, 0, audit.stderr);
      assert.equal(audit.stdout.trim(), 'No audit records.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
