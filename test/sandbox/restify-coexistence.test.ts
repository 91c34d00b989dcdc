import assert from 'node:assert/strict';
import restify from 'restify';
import { startSandboxHarness } from '../support/sandbox.js';

// In local sandbox mode the fake servers run in the bot's process, where restify patches Node's ServerResponse
// (its writeHead returns nothing). The fakes must keep answering there.
describe('the sandbox fakes in a process that has loaded restify', function () {
  this.timeout(30_000);
  it('still answer: a whole diagnosis through the fake Kubernetes API, ARM and registries succeeds', async () => {
    const server = restify.createServer();
    const h = await startSandboxHarness();
    try {
      const d = await h.diagnose('web-7d4c9b6f5-x2k8p');
      assert.equal(d.cause, 'unauthorized');
      assert.ok(!d.findings.some((f) => f.status === 'error'), JSON.stringify(d.findings.filter((f) => f.status === 'error')));
      assert.notEqual(d.fix, null);
    } finally {
      await h.close();
      server.close();
    }
  });
});
