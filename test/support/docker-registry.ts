import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { testTls } from './tls.js';

export const DOCKER_REGISTRY_BINARY = '/usr/bin/docker-registry';
const HTPASSWD_BINARY = 'htpasswd';

export interface RunningDockerRegistry {
  /** Where it listens: always 127.0.0.1. Its certificate (testTls) also covers localhost and *.example.com. */
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Why the real registry cannot run here, or undefined when it can. */
export function dockerRegistryUnavailable(): string | undefined {
  if (!existsSync(DOCKER_REGISTRY_BINARY))
    return `${DOCKER_REGISTRY_BINARY} is missing (apt-get install docker-registry; .ci/run installs it)`;
  try {
    execFileSync(HTPASSWD_BINARY, ['-h'], { stdio: 'ignore' });
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 'htpasswd is missing (apt-get install apache2-utils; .ci/run installs it)';
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts Debian's docker-registry (distribution 2.8) on 127.0.0.1 with TLS from testTls(), filesystem storage in
 * a temporary directory and, when asked, htpasswd (bcrypt) Basic auth with realm "Registry Realm". Resolves once
 * `GET /v2/` answers; `close()` stops the process and removes the directory.
 */
export async function startDockerRegistry(options: { htpasswd?: { user: string; password: string } } = {}): Promise<RunningDockerRegistry> {
  const unavailable = dockerRegistryUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-registry-'));
  const tls = testTls();
  writeFileSync(join(dir, 'cert.pem'), tls.cert);
  writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o600 });
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: `127.0.0.1:${port}`,
      secret: randomBytes(16).toString('hex'),
      tls: { certificate: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
      headers: { 'X-Content-Type-Options': ['nosniff'] },
    },
  };
  if (options.htpasswd) {
    const line = execFileSync(HTPASSWD_BINARY, ['-Bbn', options.htpasswd.user, options.htpasswd.password], { encoding: 'utf8' });
    writeFileSync(join(dir, 'htpasswd'), line.trim() + '\n', { mode: 0o600 });
    config.auth = { htpasswd: { realm: 'Registry Realm', path: join(dir, 'htpasswd') } };
  }
  writeFileSync(join(dir, 'config.yml'), stringify(config));

  // A clean environment: REGISTRY_* variables would override the configuration file.
  const child = spawn(DOCKER_REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const cleanup = async () => {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(port, child, () => stderr);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { host: '127.0.0.1', port, close: cleanup };
}

async function waitUntilAnswering(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr()}`);
    const status = await new Promise<number | undefined>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, servername: 'localhost', path: '/v2/', method: 'GET', agent: false, timeout: 1000 },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', () => resolve(undefined));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (status === 200 || status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on 127.0.0.1:${port} within 15 s: ${stderr()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
