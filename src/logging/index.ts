export { createLogger, streamSink, memorySink, silentLogger, type Logger, type LogLevel, type LogRecord, type LogSink, type LogFields } from './logger.js';
export { redactText, redactValue } from './redact.js';
