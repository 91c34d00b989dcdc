// The `pulldoctor` CLI in a process of its own, on a sandbox world that runs in another process (cli-bench.ts
// bundles this file as the CLI is bundled and starts it): runCli as src/cli/bin.ts calls it, with the sandbox's
// identity and registry host names in place of an Azure login and DNS, as `npm run sandbox` does. At exit it writes
// the process's peak resident memory (getrusage's maxRSS) to PULLDOCTOR_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';
import { runCli } from '../../src/cli/main.js';
import { staticRegistryNetwork, type StaticHostMap } from '../../src/clients/registry/registry-network.js';
import { sandboxCredential } from '../../src/sandbox/sandbox-identity.js';

const hosts = JSON.parse(process.env.PULLDOCTOR_BENCH_HOSTS ?? '{}') as StaticHostMap;
const rssFile = process.env.PULLDOCTOR_BENCH_RSS_FILE;
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  overrides: { azureCredential: sandboxCredential(), registryNetwork: staticRegistryNetwork(hosts) },
});
if (rssFile) writeFileSync(rssFile, String(process.resourceUsage().maxRSS));
