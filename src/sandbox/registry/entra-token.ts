import { createHmac, randomUUID } from 'node:crypto';

/**
 * JWT-shaped Entra ID access tokens for the sandbox and tests. They are signed with a fixed test key (HS256) so
 * that they look like real tokens, but the fake registry does NOT verify signatures: it only reads the claims
 * (`oid`, `tid`, `aud`, `exp`), which is what it needs to decide who is asking. Never accept these anywhere real.
 */
export interface EntraClaims {
  oid: string;
  tid: string;
  aud?: string;
  /** Seconds since the epoch. */
  exp?: number;
  appid?: string;
}

const TEST_KEY = 'pull-doctor-sandbox-not-a-secret';

export function testEntraToken(claims: EntraClaims & Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'HS256', typ: 'JWT', kid: 'sandbox' };
  const payload = {
    aud: 'https://management.azure.com',
    iss: `https://sts.windows.net/${claims.tid}/`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    uti: randomUUID(),
    ver: '1.0',
    ...claims,
  };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', TEST_KEY).update(unsigned).digest('base64url')}`;
}

/** The claims of a JWT-shaped token, unverified; undefined when it is not a JWT with string `oid` and `tid`. */
export function readEntraClaims(token: string): (EntraClaims & Record<string, unknown>) | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims.oid !== 'string' || typeof claims.tid !== 'string') return undefined;
    return claims as EntraClaims & Record<string, unknown>;
  } catch {
    return undefined;
  }
}
