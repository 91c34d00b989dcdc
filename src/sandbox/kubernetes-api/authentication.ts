/**
 * Who is calling: a bearer token from the configured list, or a client certificate signed by the configured CA
 * (user = certificate CN, groups = O, as kube-apiserver's x509 authenticator). Anything else is anonymous, which
 * the fake rejects with 401 whenever authentication is configured.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface BearerTokenIdentity {
  token: string;
  /** The user name the token authenticates as (appears in 403 messages). */
  user: string;
  groups?: string[];
}

export interface AuthOptions {
  /** Accepted bearer tokens; a bare string authenticates as `token-user-<n>` (n = position in the list, from 1). */
  bearerTokens?: Array<string | BearerTokenIdentity>;
  /** PEM of the CA whose client certificates are accepted. */
  clientCa?: string;
}

export interface UserInfo {
  name: string;
  groups: string[];
}

export const ANONYMOUS: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function certificateUser(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  const cn = cert?.subject?.CN;
  if (!cn) return undefined;
  const organisations = cert.subject.O;
  const groups = organisations === undefined ? [] : Array.isArray(organisations) ? organisations : [organisations];
  return { name: Array.isArray(cn) ? cn[0]! : cn, groups: [...groups, 'system:authenticated'] };
}

/** Returns the caller, or undefined when authentication is configured and the caller did not pass it. */
export function authenticate(auth: AuthOptions | undefined, req: IncomingMessage): UserInfo | undefined {
  if (auth === undefined) return ANONYMOUS;
  if (auth.clientCa !== undefined) {
    const fromCertificate = certificateUser(req);
    if (fromCertificate) return fromCertificate;
  }
  const header = req.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (match && auth.bearerTokens) {
    for (const [index, entry] of auth.bearerTokens.entries()) {
      const identity = typeof entry === 'string' ? { token: entry, user: `token-user-${index + 1}` } : entry;
      if (sameToken(identity.token, match[1]!))
        return { name: identity.user, groups: [...(identity.groups ?? []), 'system:authenticated'] };
    }
  }
  return undefined;
}
