import { format } from 'node:util';
import type { Logger } from './logger.js';
import { ThrottledLog } from './throttled-log.js';

/** Longest text kept of one console call. */
const MAX_CONSOLE_CHARS = 300;

type ConsoleMethod = 'error' | 'warn' | 'info' | 'log' | 'debug' | 'trace';
const METHODS: readonly ConsoleMethod[] = ['error', 'warn', 'info', 'log', 'debug', 'trace'];

/** The first line of what a console call would print, bounded: never a stack trace. */
export function consoleLine(args: unknown[]): string {
  const first = args[0];
  // An Error prints its stack; its first line is "Name: message".
  const text = first instanceof Error ? `${first.name}: ${first.message}` : format(...args);
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > MAX_CONSOLE_CHARS ? `${line.slice(0, MAX_CONSOLE_CHARS)}…` : line;
}

/**
 * Sends what libraries print with `console.*` to the logger, for the server process (src/server/main.ts). Our own
 * code never uses the console; botbuilder and botframework-connector do, e.g. `console.error(err)` for every token
 * they refuse, with the whole stack. Each call becomes one redacted `debug` line holding the first line of the output:
 * the bot endpoint already logs every refusal once with the library's reason (src/teams/bot-endpoint.ts), so the
 * library's own account of it is detail. Throttled, since outsiders can make the library print. Returns a function
 * that puts the console back.
 */
export function routeConsole(log: Logger, options: { now?: () => number } = {}): () => void {
  const throttled = new ThrottledLog(log.child({ source: 'console' }), {
    limit: 20,
    windowMs: 60_000,
    summary: 'more console output left out',
    level: 'debug',
    ...(options.now ? { now: options.now } : {}),
  });
  const original = new Map(METHODS.map((m) => [m, console[m]] as const));
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => throttled.write('console output', { method, text: consoleLine(args) });
  }
  return () => {
    for (const [method, fn] of original) console[method] = fn;
  };
}
