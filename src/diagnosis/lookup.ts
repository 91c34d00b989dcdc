/** The result of looking something up that may legitimately be absent or not looked up at all. */
export type Lookup<T> =
  | { status: 'found'; value: T }
  /** Looked for, not there: a finding in itself. */
  | { status: 'missing'; reason: string }
  /** Not looked for (not configured, not applicable): the check is skipped with this reason. */
  | { status: 'skipped'; reason: string };

export const found = <T>(value: T): Lookup<T> => ({ status: 'found', value });
export const missing = <T>(reason: string): Lookup<T> => ({ status: 'missing', reason });
export const skipped = <T>(reason: string): Lookup<T> => ({ status: 'skipped', reason });
