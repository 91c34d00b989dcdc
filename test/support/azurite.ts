import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testTls } from './tls.js';

/** Azurite's well-known development account (public, documented; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /**
   * Serve HTTPS with the test CA's server certificate and accept OAuth bearer tokens (`--oauth basic`:
   * Azurite checks issuer, audience and lifetime, not the signature), for TokenCredential tests.
   */
  oauth?: boolean;
}

export interface RunningAzurite {
  /** Shared-key connection string for the well-known account. */
  connectionString: string;
  /** `http(s)://127.0.0.1:<port>/devstoreaccount1`, the account URL. */
  blobUrl: string;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Starts Azurite's Blob service from node_modules with the node binary running the tests, on 127.0.0.1 and a
 * port the OS picks, in memory, without telemetry and with outgoing connections blocked (azurite-no-egress.cjs).
 * `close()` stops it and removes its working folder; it fails if Azurite ever tried to reach another host.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const workDir = mkdtempSync(join(tmpdir(), 'pulldoctor-azurite-'));
  const main = join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const args = [
    '-r',
    join(here, 'azurite-no-egress.cjs'),
    main,
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    '0',
    '--silent',
    '--skipApiVersionCheck',
    '--inMemoryPersistence',
    '--extentMemoryLimit',
    '256',
    '--disableTelemetry',
  ];
  if (options.oauth) {
    const tls = testTls();
    writeFileSync(join(workDir, 'cert.pem'), tls.cert);
    writeFileSync(join(workDir, 'key.pem'), tls.key);
    args.push('--oauth', 'basic', '--cert', join(workDir, 'cert.pem'), '--key', join(workDir, 'key.pem'));
  }
  const child = spawn(process.execPath, args, {
    cwd: workDir,
    // A minimal environment: no proxies, no Application Insights settings, nothing inherited by accident.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let origin: string;
  try {
    origin = await listeningOrigin(child, output);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await stop(child);
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  const blobUrl = `${origin}/${AZURITE_ACCOUNT}`;
  const protocol = origin.startsWith('https:') ? 'https' : 'http';
  return {
    connectionString: `DefaultEndpointsProtocol=${protocol};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobUrl};`,
    blobUrl,
    async close() {
      process.removeListener('exit', killOnExit);
      await stop(child);
      rmSync(workDir, { recursive: true, force: true });
      if (output.stderr.includes('azurite-no-egress: blocked')) {
        throw new Error(`Azurite tried to reach a host other than 127.0.0.1:\n${output.stderr}`);
      }
    },
  };
}

function listeningOrigin(child: ChildProcess, output: { stdout: string; stderr: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`Azurite did not start within 15 s:\n${output.stdout}\n${output.stderr}`)), 15_000);
    const onData = () => {
      const match = /successfully listens on (https?:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout);
      if (match) done(() => resolve(match[1]!));
    };
    const onExit = (code: number | null) =>
      fail(new Error(`Azurite exited with ${code} before listening:\n${output.stdout}\n${output.stderr}`));
    const done = (then: () => void) => {
      clearTimeout(timer);
      child.stdout!.removeListener('data', onData);
      child.removeListener('exit', onExit);
      then();
    };
    const fail = (error: Error) => done(() => reject(error));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
