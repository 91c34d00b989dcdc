import type { Cause } from '../types.js';
import { boundMessage } from './bounded-message.js';
import { splitPullAttempts } from './pull-attempts.js';
import { PULL_ERROR_RULES, type PullErrorRule } from './pull-error-rules.js';

/**
 * When attempts disagree, the one that got furthest wins: a registry that answered about the content
 * (wrong platform, no such tag) tells more than one that refused a credential, which tells more than a
 * connection that never got through. Earlier in this list = further along.
 */
const PROGRESS: readonly Cause[] = [
  'invalid-reference',
  'policy',
  'platform-mismatch',
  'image-not-found',
  'rate-limited',
  'forbidden',
  'unauthorized',
  'tls',
  'network-timeout',
  'dns',
  'other',
];

interface AttemptVerdict {
  cause: Cause;
  weak: boolean;
}

function classifyAttempt(text: string): AttemptVerdict {
  const rule: PullErrorRule | undefined = PULL_ERROR_RULES.find((candidate) => candidate.matches(text));
  return rule ? { cause: rule.cause, weak: rule.weak === true } : { cause: 'other', weak: false };
}

function strongestVerdict(verdicts: AttemptVerdict[]): Cause {
  const known = verdicts.filter((v) => v.cause !== 'other');
  const strong = known.filter((v) => !v.weak);
  const pool = strong.length > 0 ? strong : known;
  if (pool.length === 0) return 'other';
  return pool.reduce((best, v) => (PROGRESS.indexOf(v.cause) < PROGRESS.indexOf(best.cause) ? v : best)).cause;
}

/**
 * Maps the container runtime's message (a container's waiting message or a kubelet `Failed` event) to why the
 * pull failed. Understands containerd, CRI-O and dockershim wordings; `other` when nothing specific matches.
 * Only the first 8 KiB are read, and every rule is linear in its input, so hostile messages are cheap.
 */
export function classifyPullError(message: string): Cause {
  const text = boundMessage(message).toLowerCase();
  if (text === '') return 'other';
  return strongestVerdict(splitPullAttempts(text).map(classifyAttempt));
}
