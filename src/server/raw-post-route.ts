import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * A POST endpoint that gets the raw body (not parsed by restify), read up to a limit: for webhooks that check their
 * own content type, size and JSON (the Alertmanager webhook, `POST /api/alerts`).
 */
export interface RawPostRoute {
  path: string;
  /** Largest body accepted; a larger one is answered 413 without being kept in memory. */
  maxBodyBytes: number;
  handle(request: { headers: IncomingHttpHeaders; body: Buffer }): Promise<{ status: number; body: object }>;
  /** The answer from the headers alone (e.g. 401 without the secret), given before any of the body is read. */
  refuseByHeaders?(headers: IncomingHttpHeaders): { status: number; body: object } | undefined;
}

/** Past this many times the limit the connection is closed rather than drained to the end. */
const DRAIN_FACTOR = 8;

/**
 * Reads a request body, keeping at most `max` bytes. A larger body is read on (and dropped) so that the client gets
 * the 413 rather than a reset connection, up to DRAIN_FACTOR × `max`, past which the request is destroyed.
 */
export async function readLimitedBody(req: IncomingMessage, max: number): Promise<{ body: Buffer } | { tooLarge: true }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > DRAIN_FACTOR * max) {
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
