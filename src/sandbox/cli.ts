// The process entry point of `npm run sandbox -- <command> …`: the `pulldoctor` CLI against the bundled sandbox (a fake
// AKS cluster, Azure Resource Manager and registries started in this process), for trying the CLI without a cluster.
// Started by scripts/sandbox-cli.ts, which makes the sandbox's certificates and trusts their CA (NODE_EXTRA_CA_CERTS).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/main.js';
import { startSandboxWorld } from './sandbox-world.js';

const [flag, tlsDir, ...argv] = process.argv.slice(2);
if (flag !== '--sandbox-tls-dir' || tlsDir === undefined) {
  process.stderr.write('usage: sandbox/cli --sandbox-tls-dir DIR <pulldoctor command> …\n');
  process.exit(2);
}
const read = (name: string) => readFileSync(join(tlsDir, name), 'utf8');
const world = await startSandboxWorld({ tls: { cert: read('server.pem'), key: read('server-key.pem'), ca: read('ca.pem') } });
const home = mkdtempSync(join(tmpdir(), 'pulldoctor-sandbox-cli-'));
try {
  const kubeconfig = join(home, 'kubeconfig');
  writeFileSync(kubeconfig, world.kubeconfigYaml, { mode: 0o600 });
  process.stderr.write('Sandbox: the bundled demo cluster shop-aks (namespace shop), not a real one.\n');
  process.exitCode = await runCli(argv, {
    // Only the sandbox's settings: nothing from this machine's kubeconfig, Azure login or cluster file is used.
    env: {
      ...world.env,
      KUBECONFIG: kubeconfig,
      HOME: home,
      AZURE_CREDENTIAL: 'cli',
      ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
    },
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    // The sandbox's identity and registries stand in for the Azure CLI login and the network.
    overrides: { azureCredential: world.credential, registryNetwork: world.network },
  });
} finally {
  await world.close();
  rmSync(home, { recursive: true, force: true });
}
