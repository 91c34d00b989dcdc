import type { Env } from '../config/index.js';
import type { DependencyOverrides } from '../clusters/cluster-connections.js';

/** What the CLI gets from its process, injected so tests run it in-process. */
export interface CliIo {
  env: Env;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Replace clients built from configuration (tests and the sandbox). */
  overrides?: DependencyOverrides;
}

export const EXIT = { ok: 0, internal: 1, badInput: 2 } as const;

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
