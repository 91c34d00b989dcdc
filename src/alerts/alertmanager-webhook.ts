import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretValue } from '../config/store.js';
import { describeError, isPullDoctorError } from '../errors/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import type { AlertMetrics } from './machinery.js';

/**
 * POST /api/alerts: Prometheus Alertmanager's webhook (`webhook_config`, payload version "4": `receiver`, `status`,
 * `alerts[]` with `status`, `labels`, `annotations`, `startsAt`, `endsAt`, `fingerprint`, plus `groupLabels`,
 * `commonLabels`, `groupKey`, `truncatedAlerts` — prometheus/alertmanager notify/webhook/webhook.go), authenticated
 * with `http_config.authorization.credentials` (sent as `Authorization: Bearer <secret>`).
 *
 * Transport-neutral: headers and the raw body in, a status and a JSON body out. Alerts that name a pod
 * (`labels.namespace` and `labels.pod`) are handed to `onPodAlert`, once per pod; the pod is then read (in its turn:
 * pod-check-queue.ts) and, if it fails to pull its image, goes through the same diagnosis and alert flow as the
 * watcher's — without the grace period, since Alertmanager's rule already waited its `for:` duration. Other alerts are
 * ignored (counted in the answer). When too many checks wait already (`onPodAlert` throws BUSY), 503: Alertmanager
 * retries.
 */
export interface WebhookRequest {
  /** Header names in any case (Node lower-cases them). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | string;
}

export interface WebhookResponse {
  status: number;
  body: { accepted?: number; ignored?: number; error?: string };
}

export interface PodAlert {
  namespace: string;
  pod: string;
  cluster?: string;
  status: 'firing' | 'resolved';
  alertname?: string;
}

export interface AlertmanagerWebhookOptions {
  /** Without a secret the endpoint is off (404). */
  secret: SecretValue | undefined;
  onPodAlert: (alert: PodAlert) => Promise<void>;
  /** Largest body accepted (default 256 KiB); the transport should stop reading past it too. */
  maxBodyBytes?: number;
  /** Alerts per request handed on (default 1000); Alertmanager's max_alerts caps them on its side. */
  maxAlerts?: number;
  metrics?: AlertMetrics;
  log?: Logger;
}

export const MAX_ALERTMANAGER_BODY_BYTES = 256 * 1024;
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const answer = (status: number, body: WebhookResponse['body']): WebhookResponse => ({ status, body });

function header(request: WebhookRequest, name: string): string | undefined {
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Compares in constant time: equal-length SHA-256 digests of both sides. */
function sameSecret(given: string, secret: SecretValue): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(secret.reveal(), 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * The webhook, plus `refuseByHeaders`: the answer a request gets from its headers alone (404 when off, 401 without the
 * secret), or undefined when its body is worth reading. The transport calls it first, so that an unauthenticated
 * client cannot make the server buffer and drain bodies.
 */
export type AlertmanagerWebhook = ((request: WebhookRequest) => Promise<WebhookResponse>) & {
  refuseByHeaders(headers: WebhookRequest['headers']): WebhookResponse | undefined;
};

export function createAlertmanagerWebhook(options: AlertmanagerWebhookOptions): AlertmanagerWebhook {
  const log = (options.log ?? silentLogger()).child({ component: 'alertmanager-webhook' });
  const maxBytes = options.maxBodyBytes ?? MAX_ALERTMANAGER_BODY_BYTES;
  const count = (result: string) => options.metrics?.inc('alertmanager_requests_total', { result });

  const refuseByHeaders = (headers: WebhookRequest['headers']): WebhookResponse | undefined => {
    if (!options.secret) {
      count('disabled');
      return answer(404, { error: 'The Alertmanager webhook is not enabled (set ALERTMANAGER_WEBHOOK_SECRET).' });
    }
    const authorization = header({ headers, body: '' }, 'authorization') ?? '';
    const match = authorization.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match || !sameSecret(match[1]!, options.secret)) {
      count('unauthorized');
      log.warn('refused an Alertmanager request without the right bearer secret');
      return answer(401, { error: 'Missing or wrong bearer token.' });
    }
    return undefined;
  };

  const handle = async (request: WebhookRequest): Promise<WebhookResponse> => {
    const refused = refuseByHeaders(request.headers);
    if (refused !== undefined) return refused;
    const size = typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body.length;
    if (size > maxBytes) {
      count('too-large');
      return answer(413, { error: `The body is larger than ${maxBytes} bytes.` });
    }
    const contentType = header(request, 'content-type');
    if (contentType !== undefined && !/^application\/(.+\+)?json\b/i.test(contentType.trim())) {
      count('unsupported-media-type');
      return answer(415, { error: 'Send application/json.' });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(typeof request.body === 'string' ? request.body : request.body.toString('utf8'));
    } catch {
      count('malformed');
      return answer(400, { error: 'The body is not valid JSON.' });
    }
    const alerts = (payload as { alerts?: unknown } | null)?.alerts;
    if (payload === null || typeof payload !== 'object' || !Array.isArray(alerts)) {
      count('malformed');
      return answer(400, { error: 'Expected an Alertmanager webhook payload with an "alerts" array.' });
    }
    const version = (payload as { version?: unknown }).version;
    if (version !== undefined && version !== '4')
      log.warn('Alertmanager webhook payload of an unknown version; reading it as version 4', { version: String(version).slice(0, 10) });

    const podAlerts: PodAlert[] = [];
    let ignored = 0;
    for (const item of alerts.slice(0, options.maxAlerts ?? 1000)) {
      const podAlert = readPodAlert(item);
      if (podAlert) podAlerts.push(podAlert);
      else ignored += 1;
    }
    ignored += Math.max(0, alerts.length - (options.maxAlerts ?? 1000));
    const unique = [...new Map(podAlerts.map((a) => [`${a.cluster ?? ''}/${a.namespace}/${a.pod}`, a])).values()];
    for (const podAlert of unique) {
      try {
        await options.onPodAlert(podAlert);
      } catch (error) {
        if (isPullDoctorError(error) && error.code === 'BUSY') {
          // The pod checks already waiting are taken; Alertmanager retries this notification (and its pods merge).
          count('busy');
          log.warn('Alertmanager alerts refused: too many pod checks waiting', {
            taken: unique.indexOf(podAlert),
            refused: unique.length - unique.indexOf(podAlert),
          });
          return answer(503, { error: 'Too many pod checks are waiting; Alertmanager will retry.' });
        }
        count('failed');
        log.error('could not take an Alertmanager alert', { namespace: podAlert.namespace, pod: podAlert.pod, error });
        return answer(503, { error: 'The alert could not be recorded; Alertmanager will retry.' });
      }
    }
    count('accepted');
    log.info('Alertmanager alerts taken', { accepted: unique.length, ignored });
    return answer(202, { accepted: unique.length, ignored });
  };
  return Object.assign(handle, { refuseByHeaders });
}

function readPodAlert(item: unknown): PodAlert | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const { labels, status } = item as { labels?: unknown; status?: unknown };
  if (labels === null || typeof labels !== 'object') return undefined;
  const l = labels as Record<string, unknown>;
  const namespace = l.namespace;
  const pod = l.pod;
  if (typeof namespace !== 'string' || typeof pod !== 'string' || !NAME.test(namespace) || namespace.length > 63 || !NAME.test(pod))
    return undefined;
  const alert: PodAlert = { namespace, pod, status: status === 'resolved' ? 'resolved' : 'firing' };
  if (typeof l.cluster === 'string' && l.cluster !== '') alert.cluster = l.cluster;
  if (typeof l.alertname === 'string') alert.alertname = l.alertname.slice(0, 200);
  return alert;
}

export interface PodCheckLimits {
  /** Checks running at once, in the whole process. */
  concurrency: number;
  /** Checks waiting for their turn; past it, new ones are refused. */
  backlog: number;
}

/**
 * Four reads at a time keep the API server and the process calm (each check may retry its read five times and then
 * diagnose); a thousand waiting is one full Alertmanager request (its max_alerts) of distinct pods.
 */
export const POD_CHECK_LIMITS: PodCheckLimits = { concurrency: 4, backlog: 1000 };

/** What became of a check offered to the queue. */
export type PodCheckOffer = 'queued' | 'merged' | 'full';

/**
 * The pod checks Alertmanager asks for (read the pod now, diagnose it if it still fails, raise or clear its alert),
 * shared by every request and every cluster of the process: at most `concurrency` run at once; a check of a pod
 * already waiting or running is merged with it (the check reads the pod as it is when it runs); at most `backlog` wait,
 * past which `offer` answers `full` and the webhook asks Alertmanager to retry. Without it one request started up to
 * 1,000 reads at once, each retried up to five times: twenty requests took 1.7 GiB and 19,879 open files.
 */
export class PodCheckQueue {
  /** Waiting checks by key, oldest first. */
  private readonly waiting = new Map<string, () => Promise<void>>();
  private readonly running = new Set<string>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly limits: PodCheckLimits;
  private readonly log: Logger;

  constructor(options: Partial<PodCheckLimits> & { log?: Logger } = {}) {
    this.limits = {
      concurrency: options.concurrency ?? POD_CHECK_LIMITS.concurrency,
      backlog: options.backlog ?? POD_CHECK_LIMITS.backlog,
    };
    this.log = (options.log ?? silentLogger()).child({ component: 'pod-check-queue' });
  }

  /** Checks waiting and running. */
  get size(): number {
    return this.waiting.size + this.running.size;
  }

  /** Queues `check` under `key` (cluster, namespace and pod), unless one is waiting or running for it, or the queue is full. */
  offer(key: string, check: () => Promise<void>): PodCheckOffer {
    if (this.waiting.has(key) || this.running.has(key)) return 'merged';
    if (this.waiting.size >= this.limits.backlog) return 'full';
    this.waiting.set(key, check);
    this.pump();
    return 'queued';
  }

  /** Resolves once nothing waits or runs. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.limits.concurrency && this.waiting.size > 0) {
      const [key, check] = this.waiting.entries().next().value as [string, () => Promise<void>];
      this.waiting.delete(key);
      this.running.add(key);
      void Promise.resolve()
        .then(check)
        .catch((error: unknown) => this.log.error('an Alertmanager pod check failed', { key, code: describeError(error).code }))
        .finally(() => {
          this.running.delete(key);
          this.pump();
          if (this.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        });
    }
  }
}
