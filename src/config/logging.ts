import type { EnvReader } from './env-reader.js';
import type { LogLevel } from '../logging/index.js';

export const LOGGING_KEYS = ['LOG_LEVEL'] as const;

export interface LoggingConfig {
  level: LogLevel;
}

export function parseLoggingConfig(r: EnvReader): LoggingConfig {
  return { level: r.enumeration('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info') };
}
