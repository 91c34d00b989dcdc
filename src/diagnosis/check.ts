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

export function finding(
  check: string,
  status: CheckStatus,
  summary: string,
  more: { detail?: string | undefined; remediation?: string | undefined } = {},
): Finding {
  const f: Finding = { check, status, summary };
  if (more.detail !== undefined && more.detail !== '') f.detail = more.detail;
  if (more.remediation !== undefined && more.remediation !== '') f.remediation = more.remediation;
  return f;
}

/** True when some failing container cannot pull its image (the registry checks apply). */
export function hasPullFailure(ctx: CheckContext): boolean {
  return ctx.analysis.problems.some((p) => p.kind === 'image-pull');
}
