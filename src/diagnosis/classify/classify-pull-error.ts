import type { Cause } from '../types.js';
import { PULL_ERROR_RULES, type PullErrorRule } from './pull-error-rules.js';

/**
 * Runtime messages are untrusted text: kubelet events can carry HTML error pages, JSON bodies, whole log lines with
 * escaped quotes, or (from a hostile registry) megabytes of junk. Everything that reads one goes through
 * `boundMessage` first, so no later step ever sees more than `MAX_MESSAGE_CHARS` characters.
 */

/** Only this many UTF-16 code units of a message are ever considered. Real pull errors are far shorter. */
export const MAX_MESSAGE_CHARS = 8 * 1024;

// Each pattern here is a single character class or a bounded repetition, so replacing is linear in the input.
const ESCAPED_QUOTE = /\\{1,8}"/g;
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const INVISIBLE_FORMAT_CHARS = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const WHITESPACE_RUN = /\s+/g;

/**
 * The first `MAX_MESSAGE_CHARS` characters of `message`, with quotes unescaped (`\"` as found in klog lines),
 * control and invisible formatting characters (zero-width, bidi overrides) removed, and whitespace collapsed.
 * Case is preserved. Anything that is not a string counts as an empty message.
 */
export function boundMessage(message: unknown): string {
  if (typeof message !== 'string') return '';
  return message
    .slice(0, MAX_MESSAGE_CHARS)
    .replace(ESCAPED_QUOTE, '"')
    .replace(CONTROL_CHARS, ' ')
    .replace(INVISIBLE_FORMAT_CHARS, '')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}

/**
 * When a pod has pull credentials, the kubelet tries each of them and, if all fail, reports every attempt at once:
 * `Failed to pull image "x": [rpc error: code = NotFound desc = …, rpc error: code = Unknown desc = …]`
 * (Kubernetes' error aggregate: `[` + errors joined with `, ` + `]`). Each attempt can fail for a different
 * reason, e.g. the credential that works finds no such tag while the anonymous retry gets a 401.
 */

const ATTEMPT_SEPARATOR = ', rpc error: code = ';

/**
 * Splits a (lower-cased) message into the attempts the kubelet reports. A message without the aggregate shape is
 * one attempt. Uses plain `indexOf`, so it is linear in the input.
 */
export function splitPullAttempts(text: string): string[] {
  const attempts: string[] = [];
  let start = 0;
  for (;;) {
    const next = text.indexOf(ATTEMPT_SEPARATOR, start);
    if (next < 0) break;
    attempts.push(text.slice(start, next));
    start = next + 2; // keep "rpc error: code = …" with the attempt it introduces
  }
  attempts.push(text.slice(start));
  return attempts.filter((attempt) => attempt.trim() !== '');
}

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
