import restify from 'restify';
import type { AddressInfo } from 'node:net';
import { botStartProblems, ConfigError, type BotConfig } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import type { BotEndpoint } from '../teams/bot-endpoint.js';
import { cachedReadiness, type ReadinessProbe } from './readiness.js';
import {
  declaresMoreThan,
  discardBody,
  DRAIN_FACTOR,
  readLimitedBody,
  refuseEncoded,
  refuseUnlessJson,
  type PostAnswer,
  type RawPostRoute,
} from './raw-post-route.js';

/** How long a readiness report is reused: Kubernetes probes every 10 s by default, so each probe still sees a fresh one. */
export const READINESS_CACHE_MS = 5_000;

/** The largest activity accepted on `POST /api/messages`. */
export const MAX_ACTIVITY_BYTES = 512 * 1024;

const SHUTTING_DOWN: PostAnswer = { status: 503, body: { error: 'shutting down' } };

/** `POST /api/messages`: JSON only, at most MAX_ACTIVITY_BYTES, parsed here and handed to the bot endpoint. */
function messagesRoute(endpoint: BotEndpoint): RawPostRoute {
  return {
    path: '/api/messages',
    maxBodyBytes: MAX_ACTIVITY_BYTES,
    refuseByHeaders: (headers) => refuseUnlessJson(headers) ?? endpoint.refuseByHeaders(headers),
    async handle({ headers, body }) {
      let activity: unknown;
      try {
        activity = JSON.parse(body.toString('utf8'));
      } catch {
        return { status: 400, body: { error: 'The body is not valid JSON.' } };
      }
      return endpoint.handle({ headers, activity });
    },
  };
}

export interface BotServerOptions {
  bot: BotConfig;
  endpoint: BotEndpoint;
  /** Dependencies `/readyz` checks (cluster API, state store...). The configuration is loaded once the server exists. */
  readinessProbes?: readonly ReadinessProbe[] | undefined;
  readinessTimeoutMs?: number | undefined;
  /** How long a readiness report answers `/readyz` (default 5 s): probes within it do not call the dependencies again. */
  readinessCacheMs?: number | undefined;
  /** The clock of the readiness cache (tests). */
  now?: (() => number) | undefined;
  /** More POST endpoints that read their raw body (the Alertmanager webhook). */
  rawPostRoutes?: readonly RawPostRoute[] | undefined;
  log: Logger;
}

export interface BotServer {
  /** Listens on `port` (default: the configured PORT; 0 picks a free one). Local mode binds 127.0.0.1 only. */
  listen(port?: number, host?: string): Promise<{ host: string; port: number; url: string }>;
  /**
   * Graceful shutdown: stops accepting connections and new turns (503), waits up to `timeoutMs` for turns in flight
   * and the work they left (diagnoses answered after the HTTP response), then closes the remaining connections.
   * `drained` says whether everything finished.
   */
  shutdown(timeoutMs: number): Promise<{ drained: boolean }>;
}

/**
 * The HTTP wiring, and nothing else: `POST /api/messages` to the bot endpoint, raw POST routes (`POST /api/alerts`),
 * `GET /healthz` (the process is alive), `GET /readyz` (dependencies reachable, and not shutting down; checked at most
 * once per READINESS_CACHE_MS). Refuses to exist in a configuration that must not serve (local mode with
 * NODE_ENV=production).
 */
export function createBotServer(options: BotServerOptions): BotServer {
  const problems = botStartProblems(options.bot);
  if (problems.length > 0) throw new ConfigError(problems);
  const { endpoint, log } = options;
  const readiness = cachedReadiness(options.readinessProbes ?? [], {
    timeoutMs: options.readinessTimeoutMs ?? 3000,
    cacheMs: options.readinessCacheMs ?? READINESS_CACHE_MS,
    now: options.now,
  });
  const inFlight = new InFlight();
  let draining = false;

  const server = restify.createServer({ name: 'pull-doctor', handleUncaughtExceptions: false });
  // No body parser: every POST route reads its own body, bounded, in memory (nothing is ever written to disk).
  const routes: RawPostRoute[] = [messagesRoute(endpoint), ...(options.rawPostRoutes ?? [])];

  const send = (res: restify.Response, answer: PostAnswer) => {
    if (answer.body === undefined) res.send(answer.status);
    else res.send(answer.status, answer.body);
  };

  for (const route of routes) {
    server.post(route.path, async (req: restify.Request, res: restify.Response) => {
      const drainLimit = DRAIN_FACTOR * route.maxBodyBytes;
      const refused = draining ? SHUTTING_DOWN : (refuseEncoded(req.headers) ?? route.refuseByHeaders?.(req.headers));
      if (refused !== undefined) {
        // Answered from the headers: the body is read and dropped (up to a bound), never kept.
        if (draining || declaresMoreThan(req, drainLimit)) res.header('Connection', 'close');
        if (draining) res.header('Retry-After', '5');
        send(res, refused);
        discardBody(req, drainLimit);
        return;
      }
      let read: Awaited<ReturnType<typeof readLimitedBody>>;
      try {
        read = await readLimitedBody(req, route.maxBodyBytes);
      } catch {
        return; // the client went away before its body ended: nobody to answer
      }
      if ('tooLarge' in read) {
        if (!res.headersSent) res.send(413, { error: `The body is larger than ${route.maxBodyBytes} bytes.` });
        return;
      }
      // A request whose body was still arriving when the shutdown began is refused too (Teams and Alertmanager retry).
      if (draining) {
        res.header('Connection', 'close');
        res.header('Retry-After', '5');
        send(res, SHUTTING_DOWN);
        return;
      }
      // Tracked until it answers (a shutdown waits for it); a crash answers 500.
      await inFlight.track(async () => {
        try {
          const answer = await route.handle({ headers: req.headers, body: read.body });
          try {
            send(res, answer);
          } finally {
            // The turn's follow-ups (a diagnosis replacing its "Diagnosing…" card) run even if the answer was lost.
            answer.afterAnswer?.();
          }
        } catch (error) {
          log.error(`request to ${route.path} failed`, { error });
          if (!res.headersSent) res.send(500, { error: 'internal error' });
        }
      });
    });
  }

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    res.send(200, { status: 'alive' });
  });

  server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
    if (draining) {
      res.send(503, { status: 'shutting-down', checks: [] });
      return;
    }
    const { report, fresh } = await readiness();
    if (draining) {
      res.send(503, { status: 'shutting-down', checks: [] });
      return;
    }
    if (fresh && !report.ready) log.warn('not ready', { checks: report.checks.filter((c) => !c.ok) });
    res.send(report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not-ready', checks: report.checks });
  });

  return {
    listen(port = options.bot.port, host = options.bot.auth.mode === 'local' ? '127.0.0.1' : '0.0.0.0') {
      return new Promise((resolve, reject) => {
        // restify re-emits its HTTP server's 'error' on itself, where an event nobody listens to is thrown: a port in
        // use (EADDRINUSE) must reject here instead.
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
          log.info('listening', { host, port: address.port, mode: options.bot.auth.mode });
          resolve({ host, port: address.port, url });
        });
      });
    },

    async shutdown(timeoutMs) {
      draining = true;
      log.info('shutting down', { inFlight: inFlight.size, timeoutMs });
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeIdleConnections();
      const deadline = Date.now() + timeoutMs;
      // First the requests being answered, then the work they left for after their answer (diagnoses).
      const drained = (await inFlight.idle(timeoutMs)) && (await endpoint.idle(Math.max(0, deadline - Date.now())));
      if (!drained) log.warn('shutdown timeout: turns still in flight are cut off', { inFlight: inFlight.size });
      server.server.closeAllConnections();
      await closed;
      log.info('stopped', { drained });
      return { drained };
    },
  };
}

/** Counts requests being handled, so that a shutdown can wait for them to finish. */
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves `true` once nothing is in flight, or `false` when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}
