import {
  BENEFICIARIES,
  CLUSTER_FLAGS,
  CLUSTER_PREPOSITIONS,
  CLUSTER_WORDS,
  LOOSE_NAMESPACE_PREPOSITIONS,
  NAMESPACE_FLAGS,
  NAMESPACE_PREPOSITIONS,
  NAMESPACE_WORDS,
  POD_WORDS,
  POSSESSIVES,
  STATE_WORDS,
  STATES_AFTER_IN,
  isReservedWord,
  isSentenceWord,
} from './command-words.js';

/** A word of a chat command: `text` as typed (surrounding quotes and punctuation removed), `word` for matching. */
export interface ChatToken {
  text: string;
  /** Lower case, with typographic apostrophes made plain: what keywords are compared with. */
  word: string;
}

const QUOTES = new Set(['"', "'", '`', '\u201c', '\u201d', '\u2018', '\u2019', '\u00ab', '\u00bb', '\u201e', '\u201a', '\u2039', '\u203a']);
const TRAILING_PUNCTUATION = new Set(['?', '!', '.', ',', ';', ':', '\u2026', '\u00bf', '\u00a1', ')']);
const LEADING_PUNCTUATION = new Set(['(', '\u00bf', '\u00a1']);

function trimToken(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && (QUOTES.has(token[start]!) || LEADING_PUNCTUATION.has(token[start]!))) start++;
  while (end > start && (QUOTES.has(token[end - 1]!) || TRAILING_PUNCTUATION.has(token[end - 1]!))) end--;
  return token.slice(start, end);
}

/** `--namespace=shop` and `-n=shop` become two tokens, as if typed with a space. */
function splitFlagValue(token: string): string[] {
  if (!token.startsWith('-')) return [token];
  const equals = token.indexOf('=');
  return equals > 0 ? [token.slice(0, equals), token.slice(equals + 1)] : [token];
}

/** Splits normalized text into tokens; a token that is only quotes or punctuation disappears. Linear. */
export function tokenize(normalized: string): ChatToken[] {
  return normalized
    .split(/[ \n]/)
    .flatMap((raw) => splitFlagValue(trimToken(raw)))
    .map(trimToken)
    .filter((text) => text !== '')
    .map((text) => ({ text, word: text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'") }));
}

export type CommandField = 'pod' | 'namespace' | 'cluster';

/** What the words after the intent said, names as typed. */
export interface CommandTail {
  pod?: string;
  namespace?: string;
  cluster?: string;
}

export interface TailError {
  error: string;
  field?: CommandField;
}

const ECHO_SAFE = /^[A-Za-z0-9._-]{1,64}$/;
/** A Deployment's pod: `<deployment>-<pod-template-hash>-<5 characters>`; never a namespace or a cluster in prose. */
const DEPLOYMENT_POD = /^[a-z0-9][a-z0-9.-]{0,200}-[a-z0-9]{5,10}-[a-z0-9]{5}$/;
/** Numbers and durations ("10", "5m", "2m14s", "3h"): never a name in prose. */
const NUMBER_OR_DURATION = /^\d[\dsmhd]{0,15}$/;

/** A word quoted back to the user only when it cannot carry markup. */
export function echo(text: string): string {
  return ECHO_SAFE.test(text) ? ` '${text}'` : ' part of that';
}

/** A qualifier read at some position: which field, its value (undefined: missing), and where the next word is. */
interface Qualifier {
  field: Exclude<CommandField, 'pod'>;
  value: string | undefined;
  /** The words that introduced it, for "'-n' needs a namespace". */
  after: string;
  next: number;
  /** Introduced by a preposition alone ("on prod"), without the kind named. */
  bare?: boolean;
}

/**
 * Reads a namespace or cluster qualifier at `i`: `-n shop`, `--namespace=shop`, `namespace shop`, `in shop`, `in
 * namespace shop`, `in the shop namespace`, `on cluster prod`, `on prod`, `--cluster prod`, `shop namespace`. Loose
 * reading (questions in prose) takes "in"/"on" only before a word that is not part of the sentence ("on the pod",
 * "in a crash loop" are prose), and "for"/"from" only with the kind named.
 */
function qualifierAt(tokens: readonly ChatToken[], i: number, loose: boolean): Qualifier | 'skip' | undefined {
  const { word, text } = tokens[i]!;
  const next = tokens[i + 1]?.word;
  const valueAt = (index: number): string | undefined => {
    const token = tokens[index];
    return token === undefined || isReservedWord(token.word) ? undefined : token.text;
  };
  /** A kind word and its value at `at` (a missing value is not skipped over). */
  const named = (field: Qualifier['field'], at: number, after: string): Qualifier => {
    const value = valueAt(at);
    return { field, value, after, next: value === undefined ? at : at + 1 };
  };
  if (NAMESPACE_FLAGS.has(word) || NAMESPACE_WORDS.has(word)) return named('namespace', i + 1, text);
  if (CLUSTER_FLAGS.has(word) || CLUSTER_WORDS.has(word)) return named('cluster', i + 1, text);
  const valueFollows = tokens[i + 2] !== undefined && !isSentenceWord(tokens[i + 2]!.word) && !isReservedWord(tokens[i + 2]!.word);
  if (loose && next !== undefined && (NAMESPACE_WORDS.has(next) || CLUSTER_WORDS.has(next)) && !isSentenceWord(word) && !valueFollows) {
    // "shop namespace", "prod cluster" (but "web-1 namespace shop" names the namespace after the word)
    return { field: NAMESPACE_WORDS.has(next) ? 'namespace' : 'cluster', value: text, after: tokens[i + 1]!.text, next: i + 2 };
  }
  const preposition = loose
    ? LOOSE_NAMESPACE_PREPOSITIONS.has(word) || CLUSTER_PREPOSITIONS.has(word)
    : NAMESPACE_PREPOSITIONS.has(word) || CLUSTER_PREPOSITIONS.has(word);
  const prepositionWithKind = loose && NAMESPACE_PREPOSITIONS.has(word);
  if (!preposition && !prepositionWithKind) return undefined;
  if (word === 'in' && next !== undefined && STATES_AFTER_IN.has(next)) return 'skip'; // "in pending", "in a crash loop"
  if (next !== undefined && BENEFICIARIES.has(next)) return 'skip'; // "for me"
  let j = i + 1;
  if (tokens[j] !== undefined && POSSESSIVES.has(tokens[j]!.word)) j += 1;
  const kindWord = tokens[j]?.word;
  if (kindWord !== undefined && NAMESPACE_WORDS.has(kindWord)) return named('namespace', j + 1, `${text} ${tokens[j]!.text}`);
  if (kindWord !== undefined && CLUSTER_WORDS.has(kindWord)) return named('cluster', j + 1, `${text} ${tokens[j]!.text}`);
  const after = tokens[j + 1]?.word;
  const kindFollows = after !== undefined && (NAMESPACE_WORDS.has(after) || CLUSTER_WORDS.has(after));
  if (!preposition && !kindFollows) return undefined; // loose "for X", "from X": prose
  if (loose && (kindWord === undefined || (isSentenceWord(kindWord) && !kindFollows))) return undefined; // "on it", "in the pod"
  if (loose && !kindFollows && DEPLOYMENT_POD.test(kindWord)) return undefined; // "ImagePullBackOff on web-7d4c9b6f5-x2k8p"
  const field: Qualifier['field'] =
    after !== undefined && NAMESPACE_WORDS.has(after)
      ? 'namespace'
      : after !== undefined && CLUSTER_WORDS.has(after)
        ? 'cluster'
        : CLUSTER_PREPOSITIONS.has(word)
          ? 'cluster'
          : 'namespace';
  return { field, value: valueAt(j), after: text, next: kindFollows ? j + 2 : j + 1, bare: !kindFollows };
}

/** Sets a qualifier's value in `tail`, or says why it cannot be. */
function setQualifier(tail: CommandTail, q: Qualifier): TailError | undefined {
  if (q.value === undefined) return { error: `'${q.after}' needs a ${q.field} name after it.`, field: q.field };
  const previous = tail[q.field];
  if (previous !== undefined && previous !== q.value) return { error: `Two different ${q.field}s were given; name one.`, field: q.field };
  tail[q.field] = q.value;
  return undefined;
}

/**
 * Reads the words after an intent ("why is", "diagnose", "alerts on") strictly: namespace and cluster in any of the
 * supported forms, words describing the failure, fillers, and — when `acceptPod` — one bare word as the pod. Anything
 * else is an error, so stray text never slips into a command that changes something (alerts).
 */
export function parseCommandTail(tokens: readonly ChatToken[], acceptPod: boolean): CommandTail | TailError {
  const tail: CommandTail = {};
  let i = 0;
  while (i < tokens.length) {
    const { word, text } = tokens[i]!;
    const q = qualifierAt(tokens, i, false);
    if (q === 'skip') {
      i += 2;
    } else if (q !== undefined) {
      const failure = setQualifier(tail, q);
      if (failure) return failure;
      i = q.next;
    } else if (STATE_WORDS.has(word) || POSSESSIVES.has(word) || POD_WORDS.has(word) || FILLERS.has(word)) {
      i += 1;
    } else if (acceptPod && tail.pod === undefined) {
      tail.pod = text;
      i += 1;
    } else {
      return { error: `I did not understand${echo(text)}.` };
    }
  }
  return tail;
}

const FILLERS = new Set(['please', 'pls', 'plz', 'thanks', 'thx', 'now', 'today', 'currently', 'again', 'right', 'asap', 'the']);

/** What a question in prose says: its qualifiers, and the words left that may be names (in order). */
export interface LooseReading {
  tail: CommandTail;
  /** Words that are neither part of the sentence nor a qualifier. */
  names: ChatToken[];
  /** The word just before each name (`pod`, `deployment`, `node` …), lower case, for what kind of thing it is. */
  before: Array<string | undefined>;
  /** How many words of the sentence were skipped: 0 when the message is only names and qualifiers. */
  prose: number;
  /**
   * The cluster's value when it came from a bare "on"/"at" ("failing on prod"): in a message that names nothing else
   * it is more likely the pod ("ImagePullBackOff on web-1", "look at web-1").
   */
  bareCluster?: ChatToken;
  error?: TailError;
}

/**
 * Reads a question in prose: qualifiers wherever they are, the sentence's own words skipped, the rest kept as
 * possible names. Never fails on an unknown word — the caller decides what the names mean. Linear in the tokens.
 */
export function readLoosely(tokens: readonly ChatToken[]): LooseReading {
  const reading: LooseReading = { tail: {}, names: [], before: [], prose: 0 };
  let i = 0;
  while (i < tokens.length) {
    const q = qualifierAt(tokens, i, true);
    if (q === 'skip') {
      reading.prose += 2;
      i += 2;
      continue;
    }
    if (q !== undefined) {
      // Prose names a kind without a value ("in the cluster", "which namespace"): nothing to set. A flag needs one.
      const failure = q.value === undefined && !q.after.startsWith('-') ? undefined : setQualifier(reading.tail, q);
      if (q.field === 'cluster' && q.bare && failure === undefined) reading.bareCluster = tokens[q.next - 1]!;
      if (failure && reading.error === undefined) reading.error = failure;
      i = Math.max(q.next, i + 1);
      continue;
    }
    const token = tokens[i]!;
    if (!isSentenceWord(token.word) && !POSSESSIVES.has(token.word) && !NUMBER_OR_DURATION.test(token.word)) {
      reading.names.push(token);
      reading.before.push(tokens[i - 1]?.word);
    } else {
      reading.prose += 1;
    }
    i += 1;
  }
  return reading;
}

export function isTailError(value: CommandTail | TailError): value is TailError {
  return 'error' in value;
}
