import { redactValue, redactText } from './redact.js';

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

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record, e.g. one per chat turn or per diagnosis. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink: LogSink;
  now?: () => Date;
}

class StructuredLogger implements Logger {
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
  child(fields: LogFields): Logger {
    return new StructuredLogger(this.options, { ...this.bound, ...fields });
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.options.level]) return;
    const merged = redactValue({ ...this.bound, ...(fields ?? {}) }) as LogFields;
    this.options.sink({ ...merged, time: this.options.now().toISOString(), level, msg: redactText(msg) });
  }
}

export function createLogger(options: LoggerOptions): Logger {
  return new StructuredLogger({ level: options.level ?? 'info', now: options.now ?? (() => new Date()), sink: options.sink }, {});
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
