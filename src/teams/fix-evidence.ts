import type { Diagnosis } from '../diagnosis/types.js';
import { truncateMiddle } from './cards/inert-text.js';

/** The fix approval core keeps evidence lines of at most this many characters (cut at the end). */
const MAX_LINE = 300;
const MAX_FAILED_CHECKS = 4;

/**
 * Why a fix is proposed, in a few lines for the approval card: the image, the key event and the failed checks.
 * Runtime messages carry their verdict at the end ("… 401 Unauthorized"), so long lines are cut in the middle here,
 * before the core would cut their end. Cluster text: the card makes it inert, the core redacts secret-looking parts.
 */
export function fixEvidenceLines(d: Diagnosis): string[] {
  const lines: string[] = [];
  if (d.evidence.image) lines.push(`Image ${d.evidence.image}`);
  const k = d.evidence.keyEvent;
  if (k) lines.push(`${k.reason}${k.count > 1 ? ` ×${k.count}` : ''}: ${k.message}`);
  for (const f of d.findings.filter((f) => f.status === 'fail').slice(0, MAX_FAILED_CHECKS)) lines.push(f.summary);
  return lines.map((l) => truncateMiddle(l.replace(/\s+/g, ' ').trim(), MAX_LINE)).filter((l) => l !== '');
}
