/**
 * The registry client's transport: where a registry named in an image lives (host, port, Host header), one HTTPS
 * request made the way a container runtime makes it, and what a failure to get an answer was (DNS, connect, TLS,
 * timeout), with Node's code and a message free of secrets. Every request is logged (method, host, path, status;
 * never headers or query).
 */
import { request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../logging/index.js';
import { redactText } from '../../logging/redact.js';
import type { ConnectionFailure, ConnectionFailureKind, ConnectionPhase, RegistryNetwork } from './registry-client.js';

/**
 * Where a registry named in an image reference actually lives: host, port, and the `Host` header to send.
 * Docker Hub is named `docker.io` (or `index.docker.io`) in references but serves the API at
 * `registry-1.docker.io`, as the Docker daemon and containerd do.
 */
export interface RegistryEndpoint {
  /** Host name (or IP address, without brackets) used for DNS and as the TLS server name. */
  host: string;
  port: number;
  /** `host` or `host:port` (IPv6 in brackets), for the Host header and URLs. */
  authority: string;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io']);
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** Parses `host`, `host:port`, `[v6]` or `[v6]:port`; throws on anything else (callers pass parsed references). */
export function registryEndpoint(registry: string): RegistryEndpoint {
  const text = registry.trim().toLowerCase();
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d{1,5}))?$/.exec(text);
  if (!match) throw new Error(`not a registry host: ${JSON.stringify(registry.slice(0, 100))}`);
  const v6 = match[1];
  let host = v6 ?? match[2]!;
  const port = match[3] === undefined ? 443 : Number(match[3]);
  if (port < 1 || port > 65535) throw new Error(`not a registry port: ${match[3]}`);
  if (v6 === undefined && match[3] === undefined && DOCKER_HUB_ALIASES.has(host)) host = DOCKER_HUB_API_HOST;
  return endpointOf(host, port);
}

function endpointOf(host: string, port: number): RegistryEndpoint {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return { host, port, authority: port === 443 ? bracketed : `${bracketed}:${port}` };
}

/** The endpoint of an absolute https URL (realm, redirect target). */
export function endpointOfUrl(url: URL): RegistryEndpoint {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return endpointOf(host.toLowerCase(), url.port === '' ? 443 : Number(url.port));
}

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
      res.on('aborted', () =>
        finish({
          ok: false,
          failure: {
            kind: 'reset',
            phase: 'response',
            code: 'ECONNRESET',
            host: endpoint.host,
            message: `${endpoint.host} closed the connection in the middle of the answer`,
          },
        }),
      );
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

/** OpenSSL certificate verification codes as Node reports them on `error.code`. */
const X509_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'ETIMEOUT']);

function kindOf(code: string | undefined, phase: ConnectionPhase): ConnectionFailureKind {
  if (phase === 'dns') return 'dns';
  if (code === undefined) return 'other';
  if (DNS_CODES.has(code)) return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (X509_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO') return 'tls';
  return 'other';
}

/** Turns what Node threw into a precise, secret-free failure, keeping Node's code. */
function connectionFailure(error: unknown, phase: ConnectionPhase, host: string): ConnectionFailure {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactText(raw).slice(0, 300);
  const failure: ConnectionFailure = { kind: kindOf(code, phase), phase, host, message };
  if (code !== undefined) failure.code = code;
  return failure;
}

function timeoutFailure(phase: ConnectionPhase, host: string, timeoutMs: number): ConnectionFailure {
  const during = { dns: 'resolving the name', connect: 'connecting', tls: 'the TLS handshake', response: 'waiting for the answer' }[phase];
  return { kind: 'timeout', phase, host, code: 'ETIMEDOUT', message: `no answer from ${host} within ${timeoutMs} ms (while ${during})` };
}

/** Sends HTTPS requests for the registry client and logs each one (method, host, path, status; never headers or query). */
export interface RegistryHttp {
  send(call: HttpsCall): Promise<HttpsOutcome>;
}

export const MAX_BODY_BYTES = 64 * 1024;

export function registryHttp(options: { network: RegistryNetwork; timeoutMs: number; log: Logger }): RegistryHttp {
  return {
    async send(call) {
      const started = Date.now();
      const outcome = await httpsCall(call, { network: options.network, timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES });
      const fields = { method: call.method, host: call.url.host, path: call.url.pathname, ms: Date.now() - started };
      if (outcome.ok)
        options.log.debug('registry request', { ...fields, status: outcome.answer.status, truncated: outcome.answer.truncated });
      else
        options.log.debug('registry request failed', {
          ...fields,
          kind: outcome.failure.kind,
          phase: outcome.failure.phase,
          code: outcome.failure.code,
        });
      return outcome;
    },
  };
}
