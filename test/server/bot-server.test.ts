import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { PullDoctorError } from '../../src/errors/index.js';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { createBotServer } from '../../src/server/bot-server.js';
import { silentLogger } from '../../src/logging/index.js';
import type { ReadinessProbe } from '../../src/server/readiness.js';
import type { BotEndpoint } from '../../src/teams/bot-endpoint.js';
import { ConnectorServer } from '../support/connector-server.js';
import { startBot, type BotUnderTest } from '../support/bot.js';
import { HeldDiagnoser, SANDBOX_PODS, startSandboxDiagnoser, type SandboxDiagnoser } from '../support/sandbox-diagnoser.js';
import { messageActivity, personalChat, postActivity } from '../support/teams-activities.js';

/** An endpoint that answers only when the test releases it: an HTTP request that stays in flight. */
class HeldEndpoint implements BotEndpoint {
  private releases: Array<() => void> = [];
  started = 0;
  refuseByHeaders() {
    return undefined;
  }
  async handle() {
    this.started++;
    await new Promise<void>((resolve) => this.releases.push(resolve));
    return { status: 200 };
  }
  async idle() {
    return true;
  }
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), what);
}

/**
 * Starts a request and stops before its body: once the server has answered `100 Continue` it has the request, and
 * `finish()` sends the body and resolves with the final status.
 */
function halfSent(baseUrl: string, method: string, path: string, body: object): Promise<{ finish(): Promise<number> }> {
  const url = new URL(baseUrl);
  const payload = JSON.stringify(body);
  return new Promise((resolveStarted, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    let finalStatus: ((status: number) => void) | undefined;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      received += chunk;
      const statuses = [...received.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
      if (statuses[0] === 100 && statuses.length === 1 && finalStatus === undefined) {
        resolveStarted({
          finish: () =>
            new Promise<number>((resolve) => {
              finalStatus = resolve;
              socket.write(payload);
            }),
        });
      } else if (statuses.length > 1 && finalStatus) {
        finalStatus(statuses[1]!);
        socket.destroy();
      }
    });
    socket.write(
      `${method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nExpect: 100-continue\r\n\r\n`,
    );
  });
}

const probe = (name: string, check: () => Promise<void>): ReadinessProbe => ({ name, check });

/** A server whose `/api/messages` answers 200 to everything: for what the server does around the bot. */
const NO_BOT: BotEndpoint = { refuseByHeaders: () => undefined, handle: async () => ({ status: 200 }), idle: async () => true };

/** The server alone, around `endpoint`, listening on 127.0.0.1 (what the server does with probes and shutdowns). */
async function startServer(
  options: {
    endpoint?: BotEndpoint;
    readinessProbes?: ReadinessProbe[];
    readinessTimeoutMs?: number;
    readinessCacheMs?: number;
    now?: () => number;
  } = {},
) {
  const { endpoint = NO_BOT, ...rest } = options;
  const server = createBotServer({ bot: parseConfig({}).bot, endpoint, log: silentLogger(), ...rest });
  const { url } = await server.listen(0, '127.0.0.1');
  return { url, server, stop: () => server.shutdown(2000).then(() => undefined) };
}

describe('the bot server', () => {
  let bot: Pick<BotUnderTest, 'url' | 'stop'> | undefined;
  let connector: ConnectorServer | undefined;

  afterEach(async () => {
    await bot?.stop();
    await connector?.stop();
    bot = undefined;
    connector = undefined;
  });

  it('says it is alive on /healthz', async () => {
    bot = await startBot();
    const response = await fetch(`${bot.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'alive' });
  });

  it('is ready on /readyz when every probe passes', async () => {
    bot = await startServer({ readinessProbes: [probe('kubernetes', async () => {}), probe('state-store', async () => {})] });
    const response = await fetch(`${bot.url}/readyz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      status: 'ready',
      checks: [
        { name: 'kubernetes', ok: true },
        { name: 'state-store', ok: true },
      ],
    });
  });

  it('is not ready when a probe fails or does not answer in time, and says which without leaking the error text', async () => {
    bot = await startServer({
      readinessTimeoutMs: 100,
      readinessProbes: [
        probe('kubernetes', async () => {
          throw new PullDoctorError('KUBE_UNREACHABLE', 'connect ECONNREFUSED 10.0.0.1:443 token=abc');
        }),
        probe('state-store', () => new Promise(() => {})),
        probe('config', async () => {}),
      ],
    });
    const response = await fetch(`${bot.url}/readyz`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: 'not-ready',
      checks: [
        { name: 'kubernetes', ok: false, reason: 'The Kubernetes API server cannot be reached' },
        { name: 'state-store', ok: false, reason: 'no answer within 100 ms' },
        { name: 'config', ok: true },
      ],
    });
  });

  it('checks its dependencies once for probes that arrive together, and not again within the cache window', async () => {
    let calls = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let now = 1_000_000;
    bot = await startServer({
      readinessCacheMs: 5000,
      now: () => now,
      readinessProbes: [
        probe('kubernetes', async () => {
          calls++;
          await held;
        }),
      ],
    });
    const together = Array.from({ length: 50 }, () => fetch(`${bot!.url}/readyz`));
    await until(() => calls === 1, 'the first probe started the check');
    release();
    const statuses = await Promise.all(together.map(async (r) => (await r).status));
    assert.deepEqual(new Set(statuses), new Set([200]));
    assert.equal(calls, 1, 'fifty probes at once: one check');

    now += 4999;
    assert.equal((await fetch(`${bot.url}/readyz`)).status, 200);
    assert.equal(calls, 1, 'within the window: the report is reused');
    now += 1;
    assert.equal((await fetch(`${bot.url}/readyz`)).status, 200);
    assert.equal(calls, 2, 'after the window: checked again');
  });

  it('listens on 127.0.0.1 only in local mode', async () => {
    const config = parseConfig({});
    const server = createBotServer({ bot: { ...config.bot, port: 0 }, endpoint: NO_BOT, log: silentLogger() });
    const { host } = await server.listen();
    assert.equal(host, '127.0.0.1');
    await server.shutdown(100);
  });

  it('refuses to start in production without an app id (fail closed)', () => {
    const config = parseConfig({ NODE_ENV: 'production' });
    assert.throws(
      () => createBotServer({ bot: config.bot, endpoint: NO_BOT, log: silentLogger() }),
      (error: unknown) => error instanceof ConfigError && /MicrosoftAppId is not set but NODE_ENV=production/.test(error.message),
    );
  });

  describe('a raw POST route (the Alertmanager webhook)', () => {
    const config = parseConfig({});
    const seen: Array<{ type: string | undefined; bytes: number; text: string }> = [];
    const route = {
      path: '/api/alerts',
      maxBodyBytes: 1024,
      async handle(request: { headers: Record<string, string | string[] | undefined>; body: Buffer }) {
        seen.push({
          type: request.headers['content-type'] as string | undefined,
          bytes: request.body.length,
          text: request.body.toString('utf8'),
        });
        return { status: 202, body: { accepted: 1 } };
      },
    };
    let server: ReturnType<typeof createBotServer>;
    let url: string;
    beforeEach(async () => {
      seen.length = 0;
      server = createBotServer({ bot: { ...config.bot, port: 0 }, endpoint: NO_BOT, rawPostRoutes: [route], log: silentLogger() });
      url = (await server.listen()).url;
    });
    afterEach(async () => {
      await server.shutdown(100);
    });

    it('gets the body as sent, unparsed, with the headers, and answers what the route says', async () => {
      const response = await fetch(`${url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"alerts": [',
      });
      assert.equal(response.status, 202);
      assert.deepEqual(await response.json(), { accepted: 1 });
      assert.deepEqual(seen, [{ type: 'application/json', bytes: 12, text: '{"alerts": [' }]);
    });

    it('answers 413 to a body over its limit without handing it on', async () => {
      const response = await fetch(`${url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(1025),
      });
      assert.equal(response.status, 413);
      assert.deepEqual(seen, []);
      const exact = await fetch(`${url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(1024),
      });
      assert.equal(exact.status, 202);
    });

    it('refuses a compressed body (415) rather than inflating it, before reading it', async () => {
      const response = await fetch(`${url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ alerts: [] })),
      });
      assert.equal(response.status, 415);
      assert.deepEqual(await response.json(), { error: 'Send the body without a Content-Encoding.' });
      assert.deepEqual(seen, []);
      const identity = await fetch(`${url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
        body: '{}',
      });
      assert.equal(identity.status, 202);
    });

    it('closes the connection of a body far over its limit rather than reading it all', async () => {
      await assert.rejects(
        fetch(`${url}/api/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(64 * 1024) }),
      );
      assert.deepEqual(seen, []);
    });
  });

  describe('on shutdown', () => {
    let sandbox: SandboxDiagnoser;
    before(async () => {
      sandbox = await startSandboxDiagnoser();
    });
    after(async () => {
      await sandbox?.close();
    });

    /** The bot with a diagnosis under way (left after the HTTP answer) that waits until `held.release()`. */
    async function startWithDiagnosisUnderWay() {
      connector = await ConnectorServer.start();
      const held = new HeldDiagnoser(sandbox.engine);
      const started = await startBot({ diagnose: held.diagnose });
      bot = started;
      const chat = personalChat();
      const answered = await postActivity(
        bot.url,
        messageActivity(connector.serviceUrl, chat, `why is pod ${SANDBOX_PODS.missingAcrPull} failing in shop`),
      );
      assert.equal(answered.status, 200, 'Teams has its answer (the "Diagnosing…" card) before the diagnosis ends');
      await until(() => held.started === 1, 'the diagnosis started');
      return { held, chat, running: started, connectorServer: connector };
    }

    it('finishes the diagnoses under way and delivers their cards, then stops accepting connections', async () => {
      const { held, running, connectorServer } = await startWithDiagnosisUnderWay();

      const stopping = running.app.server.shutdown(5000);
      held.release();
      assert.deepEqual(await stopping, { drained: true });
      const update = connectorServer.calls.find((c) => c.operation === 'update');
      assert.ok(update, 'the diagnosis under way delivered its card');
      await assert.rejects(fetch(`${running.url}/healthz`), 'no longer accepting connections');
    });

    it('answers 503 to a turn whose body was still arriving, and to a readiness probe under way, when the shutdown began', async () => {
      let releaseProbe = () => {};
      let probing = false;
      const probeHeld = new Promise<void>((resolve) => (releaseProbe = resolve));
      const held = new HeldEndpoint();
      const running = await startServer({
        endpoint: held,
        readinessProbes: [
          probe('kubernetes', async () => {
            probing = true;
            await probeHeld;
          }),
        ],
      });
      bot = running;
      const chat = personalChat();
      const first = postActivity(running.url, messageActivity('http://127.0.0.1:9/', chat, 'help'));
      await until(() => held.started === 1, 'the first turn is in flight');
      const late = await halfSent(running.url, 'POST', '/api/messages', messageActivity('http://127.0.0.1:9/', chat, 'help'));
      const readiness = fetch(`${running.url}/readyz`);
      await until(() => probing, 'the readiness check is under way');

      const stopping = running.server.shutdown(5000);
      releaseProbe();
      const [lateStatus, ready] = await Promise.all([late.finish(), readiness]);
      assert.equal(lateStatus, 503);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'shutting-down', checks: [] });
      held.release();
      assert.deepEqual(await stopping, { drained: true });
      assert.equal((await first).status, 200, 'the turn in flight finished');
      assert.equal(held.started, 1, 'the late turn never reached the bot');
    });

    it('gives up on diagnoses that outlast the timeout and closes anyway', async () => {
      const { held, running } = await startWithDiagnosisUnderWay();
      assert.deepEqual(await running.app.server.shutdown(50), { drained: false });
      assert.ok(running.logs.some((r) => r.msg === 'shutdown timeout: turns still in flight are cut off'));
      held.release();
    });

    it('cuts off a request still being answered at the timeout: its connection is closed', async () => {
      const held = new HeldEndpoint();
      const running = await startServer({ endpoint: held });
      bot = running;
      const request = postActivity(running.url, messageActivity('http://127.0.0.1:9/', personalChat(), 'alerts status')).catch(
        (e: Error) => e,
      );
      await until(() => held.started === 1, 'the request reached the endpoint');
      assert.deepEqual(await running.server.shutdown(50), { drained: false });
      assert.ok((await request) instanceof Error, 'the cut-off request sees its connection closed');
      held.release();
    });
  });
});
