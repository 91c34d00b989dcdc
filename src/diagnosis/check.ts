import type { Logger } from '../logging/index.js';
import type { DiagnosisFacts } from './facts.js';
import type { PodStateAnalysis } from './pod-state.js';
import type { CheckStatus, DiagnosisTarget, Finding } from './types.js';

export interface CheckContext {
  target: DiagnosisTarget;
  analysis: PodStateAnalysis;
  facts: DiagnosisFacts;
  log: Logger;
}

/**
 * One check: a small function from the context to findings. All I/O goes through `ctx.facts` (memoized,
 * injected clients). A check that throws is reported as `status: 'error'` by the engine; the others go on.
 */
export interface Check {
  id: string;
  /** Short name used when the check itself fails ("Registry DNS could not run: ..."). */
  title: string;
  applies(ctx: CheckContext): boolean;
  run(ctx: CheckContext): Promise<Finding[]>;
}

/**
 * A finding. `remediation` is prose without backticks; the commands it speaks of go in `commands`, one per entry, in
 * the order to run them. `headline` only on a failing finding that states the root cause (see root-cause.ts).
 */
export function finding(
  check: string,
  status: CheckStatus,
  summary: string,
  more: { detail?: string | undefined; remediation?: string | undefined; commands?: readonly string[]; headline?: string | undefined } = {},
): Finding {
  const f: Finding = { check, status, summary };
  if (more.detail !== undefined && more.detail !== '') f.detail = more.detail;
  if (more.remediation !== undefined && more.remediation !== '') f.remediation = more.remediation;
  const commands = (more.commands ?? []).filter((c) => c.trim() !== '');
  if (commands.length > 0) f.commands = commands;
  if (more.headline !== undefined && more.headline !== '') f.headline = more.headline;
  return f;
}

/** True when some failing container cannot pull its image (the registry checks apply). */
export function hasPullFailure(ctx: CheckContext): boolean {
  return ctx.analysis.problems.some((p) => p.kind === 'image-pull');
}
