import { redactText } from '../../logging/redact.js';
import type { ConnectionFailure, ConnectionFailureKind, ConnectionPhase } from './registry-client.js';

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
export function connectionFailure(error: unknown, phase: ConnectionPhase, host: string): ConnectionFailure {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactText(raw).slice(0, 300);
  const failure: ConnectionFailure = { kind: kindOf(code, phase), phase, host, message };
  if (code !== undefined) failure.code = code;
  return failure;
}

export function timeoutFailure(phase: ConnectionPhase, host: string, timeoutMs: number): ConnectionFailure {
  const during = { dns: 'resolving the name', connect: 'connecting', tls: 'the TLS handshake', response: 'waiting for the answer' }[phase];
  return { kind: 'timeout', phase, host, code: 'ETIMEDOUT', message: `no answer from ${host} within ${timeoutMs} ms (while ${during})` };
}
