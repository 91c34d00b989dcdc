import { format } from 'node:util';
import { redactText, redactValue } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

/** One structured log line. `fields` are already redacted. */
export interface LogRecord {
  time: string;
  level: LogLevel;
  msg: string;
  [field: string]: unknown;
}

export type LogSink = (record: LogRecord) => void;

export interface LoggerOptions {
  level?: LogLevel;
  sink: LogSink;
  now?: () => Date;
}

/** Structured logs, redacted as they are written: one record per call, with the fields bound by `child`. */
export class Logger {
  constructor(
    private readonly options: Required<LoggerOptions>,
    private readonly bound: LogFields,
  ) {}

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }
  /** A logger that adds `fields` to every record, e.g. one per chat turn or per diagnosis. */
  child(fields: LogFields): Logger {
    return new Logger(this.options, { ...this.bound, ...fields });
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.options.level]) return;
    const merged = redactValue({ ...this.bound, ...(fields ?? {}) }) as LogFields;
    this.options.sink({ ...merged, time: this.options.now().toISOString(), level, msg: redactText(msg) });
  }
}

export function createLogger(options: LoggerOptions): Logger {
  return new Logger({ level: options.level ?? 'info', now: options.now ?? (() => new Date()), sink: options.sink }, {});
}

/** JSON lines to a stream (stderr by default in the CLI, stdout in the server). */
export function streamSink(stream: NodeJS.WritableStream): LogSink {
  return (record) => {
    stream.write(`${JSON.stringify(record)}\n`);
  };
}

/** Collects records in memory; tests assert on `records`. */
export function memorySink(): LogSink & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = ((record: LogRecord) => {
    records.push(record);
  }) as LogSink & { records: LogRecord[] };
  sink.records = records;
  return sink;
}

/** A logger that drops everything. */
export const silentLogger = (): Logger => createLogger({ sink: () => undefined });

export interface ThrottledLogOptions {
  /** Lines written per window; past them, lines are only counted. */
  limit: number;
  windowMs: number;
  /** The message of the line that counts what was left out, e.g. "more requests refused". */
  summary: string;
  level?: LogLevel | undefined;
  now?: (() => number) | undefined;
}

/**
 * Lines about something outsiders can cause at will (refused requests, a library's console output): at most `limit`
 * per window, then counted, and one line at the end of the window says how many were left out. A flood costs a few
 * lines a minute instead of one per request.
 */
export class ThrottledLog {
  private readonly now: () => number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private written = 0;
  private skipped = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly options: ThrottledLogOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  write(msg: string, fields?: LogFields): void {
    const now = this.now();
    if (now - this.windowStart >= this.options.windowMs) {
      this.flush();
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written < this.options.limit) {
      this.written++;
      this.log[this.options.level ?? 'warn'](msg, fields);
      return;
    }
    this.skipped++;
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.windowStart + this.options.windowMs - now));
      this.timer.unref();
    }
  }

  /** Writes the count of lines left out so far, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.skipped === 0) return;
    this.log[this.options.level ?? 'warn'](this.options.summary, { count: this.skipped, windowMs: this.options.windowMs });
    this.skipped = 0;
  }
}

/** Longest text kept of one console call. */
const MAX_CONSOLE_CHARS = 300;

type ConsoleMethod = 'error' | 'warn' | 'info' | 'log' | 'debug' | 'trace';
const METHODS: readonly ConsoleMethod[] = ['error', 'warn', 'info', 'log', 'debug', 'trace'];

/** The first line of what a console call would print, bounded: never a stack trace. */
function consoleLine(args: unknown[]): string {
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
    now: options.now,
  });
  const original = new Map(METHODS.map((m) => [m, console[m]] as const));
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => throttled.write('console output', { method, text: consoleLine(args) });
  }
  return () => {
    for (const [method, fn] of original) console[method] = fn;
  };
}
