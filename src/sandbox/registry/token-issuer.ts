import { randomBytes, randomUUID } from 'node:crypto';

/** What a token issued by the fake grants: who, and which actions on which repositories. */
export interface Grant {
  kind: 'refresh' | 'access';
  subject: string;
  tenant?: string;
  access: Array<{ type: 'repository'; name: string; actions: string[] }>;
  expiresAt: number;
}

/**
 * Issues JWT-shaped tokens like ACR and Docker Hub do (claims readable, signature random) and remembers what each
 * grants: the fake decides by lookup, never by trusting claims it did not issue. Keeps every issued token so tests
 * can prove none of them leaked into logs or results.
 */
export class TokenIssuer {
  private readonly grants = new Map<string, Grant>();

  constructor(
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  issue(grant: Omit<Grant, 'expiresAt'>, lifetimeSeconds = 3600): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      jti: randomUUID(),
      sub: grant.subject,
      nbf: now,
      exp: now + lifetimeSeconds,
      iat: now,
      iss: this.issuer,
      aud: this.audience,
      version: '1.0',
      grant_type: grant.kind === 'refresh' ? 'refresh_token' : 'access_token',
      ...(grant.tenant === undefined ? {} : { tenant: grant.tenant }),
      ...(grant.kind === 'access' ? { access: grant.access } : { permissions: { actions: ['*'], notActions: [] } }),
    };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'FAKE:REGISTRY' })}.${encode(claims)}.${randomBytes(32).toString('base64url')}`;
    this.grants.set(token, { ...grant, expiresAt: (now + lifetimeSeconds) * 1000 });
    return token;
  }

  lookup(token: string, kind: Grant['kind']): Grant | undefined {
    const grant = this.grants.get(token);
    if (!grant || grant.kind !== kind || grant.expiresAt < Date.now()) return undefined;
    return grant;
  }

  /** Every token issued so far stops being valid (a registry rotating its signing keys). */
  revokeAll(): void {
    for (const grant of this.grants.values()) grant.expiresAt = 0;
  }

  issued(): string[] {
    return [...this.grants.keys()];
  }
}
