import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const MAIN = join(process.cwd(), 'src', 'server', 'main.ts');

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

describe('the server entry point', function () {
  this.timeout(20_000);

  it('refuses to start in production without an app id, with a clear message and exit code 2', async () => {
    const main = startMain({ NODE_ENV: 'production' });
    const [code] = await once(main.child, 'exit');
    assert.equal(code, 2);
    assert.match(main.stderr(), /MicrosoftAppId is not set but NODE_ENV=production: the bot would accept unauthenticated requests/);
  });

  it('lists every configuration problem and exits 2', async () => {
    const main = startMain({ MicrosoftAppId: 'nope', PORT: 'eighty' });
    const [code] = await once(main.child, 'exit');
    assert.equal(code, 2);
    assert.match(main.stderr(), /MicrosoftAppId must be a GUID/);
    assert.match(main.stderr(), /PORT must be a whole number/);
  });

  it('serves in local mode on 127.0.0.1, logs JSON lines, and stops cleanly on SIGTERM', async () => {
    const main = startMain({ PORT: '0' });
    let port: number | undefined;
    for (let i = 0; i < 200 && port === undefined; i++) {
      const listening = main.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.msg === 'listening');
      if (listening) port = listening.port as number;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(port, `no "listening" record in ${main.stdout()}${main.stderr()}`);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    main.child.kill('SIGTERM');
    const [code] = await once(main.child, 'exit');
    assert.equal(code, 0);
    assert.ok(main.stdout().includes('"msg":"stopped"'));
  });
});
