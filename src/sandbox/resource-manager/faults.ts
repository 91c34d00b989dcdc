import type { ArmErrorBody } from './arm-errors.js';
import type { Reply } from './route.js';

export interface FaultMatch {
  /** Any method when absent. */
  method?: string;
  /** A RegExp tested against the request path, or a string that must appear in it (case-insensitive). */
  pathPattern: RegExp | string;
}

export interface FaultOptions {
  /** Seconds, sent as `Retry-After` (what ARM sends with 429). */
  retryAfter?: number;
  /** How many matching requests fail (1 by default). */
  times?: number;
}

interface PendingFault {
  match: FaultMatch;
  status: number;
  body: ArmErrorBody;
  retryAfter: number | undefined;
  remaining: number;
}

/** Injected failures, consumed by the next matching requests in the order they were added. */
export class FaultQueue {
  private readonly pending: PendingFault[] = [];

  add(match: FaultMatch, status: number, body: ArmErrorBody, options: FaultOptions = {}): void {
    this.pending.push({ match, status, body, retryAfter: options.retryAfter, remaining: options.times ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
  }

  take(method: string, path: string): Reply | undefined {
    const index = this.pending.findIndex((f) => matches(f.match, method, path));
    if (index < 0) return undefined;
    const fault = this.pending[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    return { status: fault.status, body: fault.body, headers };
  }
}

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
  if (typeof match.pathPattern === 'string') return path.toLowerCase().includes(match.pathPattern.toLowerCase());
  match.pathPattern.lastIndex = 0;
  return match.pathPattern.test(path);
}
