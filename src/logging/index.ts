export { createLogger, streamSink, memorySink, silentLogger, type Logger, type LogLevel, type LogRecord, type LogSink, type LogFields } from './logger.js';
export { redactText, redactValue } from './redact.js';
export { ThrottledLog, type ThrottledLogOptions } from './throttled-log.js';
export { routeConsole } from './console-route.js';
