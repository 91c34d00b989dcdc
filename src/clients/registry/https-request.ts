import { request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectionFailure, ConnectionPhase, RegistryNetwork } from './registry-client.js';
import { endpointOfUrl } from './registry-endpoint.js';
import { connectionFailure, timeoutFailure } from './connection-failure.js';

export interface HttpsCall {
  method: 'GET' | 'HEAD' | 'POST';
  /** Must be https. */
  url: URL;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most `maxBodyBytes` of the body, decoded as UTF-8. */
  body: string;
  truncated: boolean;
}

export type HttpsOutcome = { ok: true; answer: HttpsAnswer } | { ok: false; failure: ConnectionFailure };

export interface HttpsOptions {
  network: RegistryNetwork;
  /** Deadline for the whole request: name resolution, connect, TLS, answer and body. */
  timeoutMs: number;
  maxBodyBytes: number;
}

const USER_AGENT = 'pull-doctor/0.1 (+registry probe)';

/**
 * One HTTPS request the way a runtime makes it: TCP to wherever the network says the host lives, TLS with the
 * host as server name and certificate identity, no connection reuse, no redirects (callers decide), a deadline,
 * and a capped body. Never throws for network trouble: the failure says in which phase it happened.
 */
export async function httpsCall(call: HttpsCall, options: HttpsOptions): Promise<HttpsOutcome> {
  if (call.url.protocol !== 'https:') throw new Error('httpsCall only speaks https');
  const endpoint = endpointOfUrl(call.url);
  const started = Date.now();
  let target: { address: string; port: number };
  try {
    target = await withDeadline(options.network.connectTarget(endpoint.host, endpoint.port), options.timeoutMs);
  } catch (error) {
    if (error === DEADLINE) return { ok: false, failure: timeoutFailure('dns', endpoint.host, options.timeoutMs) };
    return { ok: false, failure: connectionFailure(error, 'dns', endpoint.host) };
  }
  const remaining = Math.max(1, options.timeoutMs - (Date.now() - started));

  return new Promise<HttpsOutcome>((resolve) => {
    let phase: ConnectionPhase = 'connect';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: HttpsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
      req.destroy();
    };
    const headers: Record<string, string> = { Host: endpoint.authority, 'User-Agent': USER_AGENT, Connection: 'close', ...call.headers };
    if (call.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(call.body));
    const req = httpsRequest({
      host: target.address,
      port: target.port,
      method: call.method,
      path: `${call.url.pathname}${call.url.search}`,
      headers,
      agent: false,
      // SNI must be a name, never an IP address (RFC 6066); identity is always checked against the registry host.
      ...(isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
      checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(endpoint.host, cert),
    });
    timer = setTimeout(() => finish({ ok: false, failure: timeoutFailure(phase, endpoint.host, options.timeoutMs) }), remaining);
    req.on('socket', (socket) => {
      const tlsSocket = socket as TLSSocket;
      tlsSocket.once('connect', () => {
        if (phase === 'connect') phase = 'tls';
      });
      tlsSocket.once('secureConnect', () => {
        phase = 'response';
      });
    });
    req.on('error', (error) => finish({ ok: false, failure: connectionFailure(error, phase, endpoint.host) }));
    req.on('response', (res) => {
      phase = 'response';
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = () =>
        finish({
          ok: true,
          answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), truncated },
        });
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = options.maxBodyBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          truncated = true;
          done();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', done);
      res.on('aborted', () => finish({ ok: false, failure: { kind: 'reset', phase: 'response', code: 'ECONNRESET', host: endpoint.host, message: `${endpoint.host} closed the connection in the middle of the answer` } }));
      res.on('error', (error) => finish({ ok: false, failure: connectionFailure(error, 'response', endpoint.host) }));
    });
    req.end(call.body);
  });
}

const DEADLINE = Symbol('deadline');

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(DEADLINE), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
