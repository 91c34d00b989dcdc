// `npm run sandbox -- diagnose web-7d4c9b6f5-x2k8p -n shop`: the pulldoctor CLI against the bundled sandbox.
// Node trusts an extra CA only through NODE_EXTRA_CA_CERTS at start-up, so the CLI runs in a child process that has it.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSandboxCertificates } from './lib/dev-certificates.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { dir, caFile } = ensureSandboxCertificates(join(root, 'data', 'sandbox-tls'));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'src', 'sandbox', 'cli.ts'), '--sandbox-tls-dir', dir, ...process.argv.slice(2)],
  {
    cwd: root,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
    stdio: 'inherit',
  },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
