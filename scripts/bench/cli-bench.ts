// `npm run bench` (CLI part): how fast the `pulldoctor` CLI starts and how much memory a diagnosis takes, measured on
// real processes. It measures; it asserts nothing (the tests assert what loads, not how long it takes).
//
// - Start-up: the median wall time of `--help` and of `classify MESSAGE`, over many runs, as a ratio to a bare
//   `node -e 0`, for the CLI bundled as bin/pulldoctor.js runs it and for the same code with node_modules unbundled.
// - diagnose: the sandbox world runs in this process; the CLI runs in its own (sandbox-cli-process.ts: runCli with the
//   sandbox's identity and host names, as `npm run sandbox` does), both ways. Time to first request: from the spawn
//   to the first request any fake server sees. Peak memory: the CLI process's maxRSS at the end of the diagnosis.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startSandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { cliBundleOptions } from '../build-cli.js';

const tlsDir = process.env.PULLDOCTOR_TEST_TLS_DIR;
if (!tlsDir) throw new Error('run through `npm run bench` (it prepares the test CA)');
const ROOT = process.cwd();
const RUNS = Number(process.env.PULLDOCTOR_BENCH_RUNS ?? 15);
const POD = 'web-7d4c9b6f5-x2k8p';
const MESSAGE = 'Failed to pull image "shopacr.azurecr.io/web:1.4.2": failed to authorize: 401 Unauthorized';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Exit {
  code: number | null;
  ms: number;
  stderr: string;
}

/** Runs `node ...args` to its end; the wall time from the spawn to the exit. */
function run(args: string[], env: NodeJS.ProcessEnv = process.env, onSpawn?: (at: bigint) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    onSpawn?.(started);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, stderr }));
  });
}

async function medianMs(args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const exit = await run(args);
    if (exit.code !== 0) throw new Error(`node ${args.join(' ')} exited ${exit.code}: ${exit.stderr}`);
    times.push(exit.ms);
  }
  return median(times);
}

// Both ways from the same sources, built here (no dependence on a stale dist/): the bundle bin/pulldoctor.js runs
// (scripts/build-cli.ts's options), and the same code with node_modules left unbundled (lazy loading alone).
// They live in the project (dist/), where their external packages resolve from node_modules.
mkdirSync(join(ROOT, 'dist'), { recursive: true });
const out = mkdtempSync(join(ROOT, 'dist', 'bench-cli-'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
const entries = {
  bin: join(ROOT, 'src', 'cli', 'bin.ts'),
  'sandbox-cli-process': join(ROOT, 'scripts', 'bench', 'sandbox-cli-process.ts'),
};
await build(cliBundleOptions(entries, join(out, 'bundled')));
await build({ ...cliBundleOptions(entries, join(out, 'unbundled')), packages: 'external' });
const VARIANTS = [
  ['bundled', 'bundled (what bin/pulldoctor.js runs)'],
  ['unbundled', 'unbundled (commands loaded lazily)'],
] as const;

console.log(`CLI start-up, median of ${RUNS} runs (wall time from spawn to exit):\n`);
const bare = await medianMs(['-e', '0']);
console.log(`  node -e 0                                ${bare.toFixed(0).padStart(5)} ms`);
for (const [variant, label] of VARIANTS) {
  const bin = join(out, variant, 'bin.js');
  const help = await medianMs([bin, '--help']);
  const classify = await medianMs([bin, 'classify', MESSAGE]);
  console.log(`  ${label}`);
  console.log(`    --help                                 ${help.toFixed(0).padStart(5)} ms  ${(help / bare).toFixed(1)} × node -e 0`);
  console.log(
    `    classify MESSAGE                       ${classify.toFixed(0).padStart(5)} ms  ${(classify / bare).toFixed(1)} × node -e 0`,
  );
}

const read = (f: string) => readFileSync(join(tlsDir, f), 'utf8');
const world = await startSandboxWorld({ tls: { cert: read('server.pem'), key: read('server-key.pem'), ca: read('ca.pem') } });
const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-cli-bench-'));
try {
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, world.kubeconfigYaml, { mode: 0o600 });
  const rssFile = join(dir, 'rss');
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
    ...world.env,
    KUBECONFIG: kubeconfig,
    AZURE_CREDENTIAL: 'cli',
    PULLDOCTOR_BENCH_HOSTS: JSON.stringify(world.registries.hostMap()),
    PULLDOCTOR_BENCH_RSS_FILE: rssFile,
  };
  const requestCount = () => world.kube.requests.length + world.arm.requests.length + world.registries.requests.length;

  console.log(`\ndiagnose ${POD} -n shop on the sandbox (world in this process, CLI in its own), median of ${RUNS} runs:\n`);
  for (const [variant] of VARIANTS) {
    const firstRequest: number[] = [];
    const total: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = requestCount();
      let first: number | undefined;
      let spawned = 0n;
      // The fakes record a request as they read it, on this process's event loop: poll each millisecond.
      const poll = setInterval(() => {
        if (first === undefined && requestCount() > before) first = Number(process.hrtime.bigint() - spawned) / 1e6;
      }, 1);
      const exit = await run([join(out, variant, 'sandbox-cli-process.js'), 'diagnose', POD, '-n', 'shop', '-o', 'json'], env, (at) => {
        spawned = at;
      });
      clearInterval(poll);
      if (exit.code !== 0) throw new Error(`the ${variant} CLI exited ${exit.code}: ${exit.stderr}`);
      if (first === undefined) throw new Error('no request reached the sandbox');
      firstRequest.push(first);
      total.push(exit.ms);
      rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
    }
    console.log(
      `  ${variant.padEnd(10)} first request ${median(firstRequest).toFixed(0).padStart(5)} ms after start, ` +
        `diagnosis done ${median(total).toFixed(0).padStart(5)} ms, peak memory ${median(rss).toFixed(0)} MB RSS`,
    );
  }
} finally {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
}
