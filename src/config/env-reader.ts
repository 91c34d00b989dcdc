/**
 * Reads configuration values from an env object, collecting every problem instead of stopping at the first,
 * so that one error can list them all. Only declared keys may be read: the set of keys the code reads is
 * therefore known (infra templates are checked against it).
 */

import { redactText } from '../logging/redact.js';

export type Env = Readonly<Record<string, string | undefined>>;

export class EnvReader {
  readonly problems: string[] = [];

  constructor(
    private readonly env: Env,
    private readonly declared: ReadonlySet<string>,
  ) {}

  private raw(key: string): string | undefined {
    if (!this.declared.has(key)) throw new Error(`configuration key ${key} is read but not declared in a config section`);
    const value = this.env[key];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  string(key: string): string | undefined;
  string(key: string, fallback: string): string;
  string(key: string, fallback?: string): string | undefined {
    return this.raw(key) ?? fallback;
  }

  enumeration<T extends string>(key: string, allowed: readonly T[], fallback: T): T;
  enumeration<T extends string>(key: string, allowed: readonly T[]): T | undefined;
  enumeration<T extends string>(key: string, allowed: readonly T[], fallback?: T): T | undefined {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      this.problem(`${key} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return match;
  }

  integer(key: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) {
      this.problem(`${key} must be a whole number (got "${value}")`);
      return fallback;
    }
    const n = Number(value);
    if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
      this.problem(`${key} must be between ${range.min ?? '-∞'} and ${range.max ?? '∞'} (got ${n})`);
      return fallback;
    }
    return n;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    this.problem(`${key} must be true or false (got "${value}")`);
    return fallback;
  }

  /** A duration such as `90s`, `15m`, `2h`, `1d` or a plain number of seconds; returned in milliseconds. */
  durationMs(key: string, fallbackMs: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallbackMs;
    const ms = parseDurationMs(value);
    if (ms === undefined) {
      this.problem(`${key} must be a duration like 90s, 15m, 2h or 1d (got "${value}")`);
      return fallbackMs;
    }
    return ms;
  }

  url(key: string, fallback?: string, protocols: readonly string[] = ['https:']): string | undefined {
    const value = this.raw(key) ?? fallback;
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        // Shown without userinfo, query or fragment: a pasted SAS URL carries its signature there.
        this.problem(`${key} must use ${protocols.join(' or ')} (got "${parsed.protocol}//${parsed.host}${parsed.pathname}")`);
        return fallback;
      }
      return value.replace(/\/+$/, '');
    } catch {
      this.problem(`${key} must be a URL (got "${redactText(value).slice(0, 200)}")`);
      return fallback;
    }
  }

  /** A comma- or whitespace-separated list; empty entries are dropped. */
  list(key: string): string[] {
    const value = this.raw(key);
    if (value === undefined) return [];
    return value
      .split(/[\s,]+/)
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = trimmed.match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/);
  if (!parts) return undefined;
  return Math.round(Number(parts[1]) * UNIT_MS[parts[2]!]!);
}
