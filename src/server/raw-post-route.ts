import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** The HTTP answer of a POST route; `afterAnswer` runs once it is written. */
export interface PostAnswer {
  status: number;
  body?: unknown;
  afterAnswer?: () => void;
}

/**
 * A POST endpoint that gets the raw body (restify parses none), read up to a limit, in memory only: the bot's
 * `POST /api/messages` (JSON activities) and webhooks that check their own content type and JSON (the Alertmanager
 * webhook, `POST /api/alerts`).
 */
export interface RawPostRoute {
  path: string;
  /** Largest body accepted; a larger one is answered 413 without being kept in memory. */
  maxBodyBytes: number;
  handle(request: { headers: IncomingHttpHeaders; body: Buffer }): Promise<PostAnswer>;
  /** The answer from the headers alone (e.g. 401 without the secret), given before any of the body is read. */
  refuseByHeaders?(headers: IncomingHttpHeaders): PostAnswer | undefined;
}

/** Past this many times the limit the connection is closed rather than drained to the end. */
export const DRAIN_FACTOR = 8;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Bodies are read as sent: a `Content-Encoding` other than identity is refused (415), not inflated. Inflating would
 * put the size limit on the compressed bytes (a 509 KB gzip of a JSON string inflates to 500 MiB); a bounded
 * inflate could count the decoded bytes instead, but nobody needs it: the Bot Connector service and Alertmanager
 * send their JSON uncompressed.
 */
export function refuseEncoded(headers: IncomingHttpHeaders): PostAnswer | undefined {
  const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return undefined;
  return { status: 415, body: { error: 'Send the body without a Content-Encoding.' } };
}

/** 415 unless the request says it is JSON (`application/json`, with or without a charset, or `application/*+json`). */
export function refuseUnlessJson(headers: IncomingHttpHeaders): PostAnswer | undefined {
  return JSON_MEDIA_TYPE.test(headers['content-type'] ?? '') ? undefined : { status: 415, body: { error: 'Send application/json.' } };
}

/** Whether the request declares a body larger than `max` bytes. */
export function declaresMoreThan(req: IncomingMessage, max: number): boolean {
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared > max;
}

/**
 * Reads a request body, keeping at most `max` bytes. A larger body is read on (and dropped) so that the client gets
 * the 413 rather than a reset connection, up to DRAIN_FACTOR × `max`, past which the request is destroyed.
 */
export async function readLimitedBody(req: IncomingMessage, max: number): Promise<{ body: Buffer } | { tooLarge: true }> {
  if (declaresMoreThan(req, DRAIN_FACTOR * max)) {
    req.destroy();
    return { tooLarge: true };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > DRAIN_FACTOR * max) {
      req.destroy();
      return { tooLarge: true };
    }
    if (size <= max) chunks.push(buffer);
  }
  return size > max ? { tooLarge: true } : { body: Buffer.concat(chunks) };
}

/**
 * Reads the body of a request already answered (refused) and drops it, so that the client can read the answer
 * before the connection closes; past `max` bytes the request is destroyed instead.
 */
export function discardBody(req: IncomingMessage, max: number): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > max) req.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}
