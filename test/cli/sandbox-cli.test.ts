import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run sandbox -- …` as a user types it (without npm's banner): the wrapper script in its own process. */
function sandboxCli(argv: string[], home: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // No KUBECONFIG, Azure login or cluster file of this machine: HOME is empty and nothing else is passed on.
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sandbox-cli.ts', ...argv], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

describe('npm run sandbox: the pulldoctor CLI on the bundled sandbox', function () {
  this.timeout(60_000);
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'pulldoctor-sandbox-cli-test-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('diagnoses a sandbox pod with no cluster, kubeconfig or Azure login on the machine, and says it is the sandbox', async () => {
    const run = await sandboxCli(['diagnose', 'web-7d4c9b6f5-x2k8p', '-n', 'shop', '--output', 'json'], home);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { verdict: string; cause: string; fix: { principalId: string; scope: string } | null };
    assert.equal(report.verdict, 'problem');
    assert.equal(report.cause, 'unauthorized');
    assert.match(report.fix!.scope, /\/registries\/shopacr$/);
    assert.match(run.stderr, /^Sandbox: the bundled demo cluster shop-aks/);
  });

  it('answers a pod that is not in the sandbox with exit code 2, like the real CLI', async () => {
    const run = await sandboxCli(['diagnose', 'no-such-pod', '-n', 'shop'], home);
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /no-such-pod/);
  });
});
