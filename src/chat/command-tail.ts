import {
  BENEFICIARIES,
  CLUSTER_FLAGS,
  CLUSTER_PREPOSITIONS,
  CLUSTER_WORDS,
  FILLER_WORDS,
  NAMESPACE_FLAGS,
  NAMESPACE_PREPOSITIONS,
  NAMESPACE_WORDS,
  POD_WORDS,
  POSSESSIVES,
  STATE_WORDS,
  STATES_AFTER_IN,
  isReservedWord,
} from './command-words.js';

/** A word of a chat command: `text` as typed (surrounding quotes and punctuation removed), `word` for matching. */
export interface ChatToken {
  text: string;
  /** Lower case, with typographic apostrophes made plain: what keywords are compared with. */
  word: string;
}

const QUOTES = new Set(['"', "'", '`', '\u201c', '\u201d', '\u2018', '\u2019', '\u00ab', '\u00bb', '\u201e', '\u201a', '\u2039', '\u203a']);
const TRAILING_PUNCTUATION = new Set(['?', '!', '.', ',', ';', ':', '\u2026', '\u00bf', '\u00a1']);

function trimToken(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && QUOTES.has(token[start]!)) start++;
  while (end > start && (QUOTES.has(token[end - 1]!) || TRAILING_PUNCTUATION.has(token[end - 1]!))) end--;
  return token.slice(start, end);
}

/** `--namespace=shop` and `-n=shop` become two tokens, as if typed with a space. */
function splitFlagValue(token: string): string[] {
  if (!token.startsWith('-')) return [token];
  const equals = token.indexOf('=');
  return equals > 0 ? [token.slice(0, equals), token.slice(equals + 1)] : [token];
}

/** Splits normalized text into tokens; a token that is only quotes or punctuation disappears. */
export function tokenize(normalized: string): ChatToken[] {
  return normalized
    .split(' ')
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
const FIELD_NAMES: Record<CommandField, string> = { pod: 'pod', namespace: 'namespace', cluster: 'cluster' };

/**
 * Reads the words after an intent ("why is", "diagnose", "alerts on"): namespace and cluster in any of the
 * supported forms (`-n shop`, `--namespace=shop`, `in shop`, `in namespace shop`, `in the shop namespace`,
 * `on cluster prod`, `on prod`, `--cluster prod`), words describing the failure, fillers, and — when `acceptPod`
 * — one bare word as the pod. Anything else is an error, so stray text never slips into a command.
 */
export function parseCommandTail(tokens: readonly ChatToken[], acceptPod: boolean): CommandTail | TailError {
  const tail: CommandTail = {};
  let i = 0;

  const valueAt = (index: number): string | undefined => {
    const token = tokens[index];
    return token === undefined || isReservedWord(token.word) ? undefined : token.text;
  };
  const set = (field: CommandField, value: string | undefined, after: string): TailError | undefined => {
    if (value === undefined) return { error: `'${after}' needs a ${FIELD_NAMES[field]} name after it.`, field };
    const previous = tail[field];
    if (previous !== undefined && previous !== value) return { error: `Two different ${FIELD_NAMES[field]}s were given; name one.`, field };
    tail[field] = value;
    return undefined;
  };

  while (i < tokens.length) {
    const { word, text } = tokens[i]!;
    const next = tokens[i + 1]?.word;
    let failure: TailError | undefined;

    if (FILLER_WORDS.has(word) || STATE_WORDS.has(word) || POSSESSIVES.has(word) || POD_WORDS.has(word)) {
      i += 1;
    } else if (NAMESPACE_FLAGS.has(word) || NAMESPACE_WORDS.has(word)) {
      failure = set('namespace', valueAt(i + 1), text);
      i += 2;
    } else if (CLUSTER_FLAGS.has(word) || CLUSTER_WORDS.has(word)) {
      failure = set('cluster', valueAt(i + 1), text);
      i += 2;
    } else if (NAMESPACE_PREPOSITIONS.has(word) || CLUSTER_PREPOSITIONS.has(word)) {
      if (word === 'in' && next !== undefined && STATES_AFTER_IN.has(next)) {
        i += 2; // "in pending", "in a crash loop"
        continue;
      }
      if (next !== undefined && BENEFICIARIES.has(next)) {
        i += 2; // "for me"
        continue;
      }
      let j = i + 1;
      if (tokens[j] !== undefined && POSSESSIVES.has(tokens[j]!.word)) j += 1;
      const kindWord = tokens[j]?.word;
      if (kindWord !== undefined && NAMESPACE_WORDS.has(kindWord)) {
        failure = set('namespace', valueAt(j + 1), `${text} ${tokens[j]!.text}`);
        i = j + 2;
      } else if (kindWord !== undefined && CLUSTER_WORDS.has(kindWord)) {
        failure = set('cluster', valueAt(j + 1), `${text} ${tokens[j]!.text}`);
        i = j + 2;
      } else {
        const after = tokens[j + 1]?.word;
        const field: CommandField =
          after !== undefined && NAMESPACE_WORDS.has(after)
            ? 'namespace'
            : after !== undefined && CLUSTER_WORDS.has(after)
              ? 'cluster'
              : CLUSTER_PREPOSITIONS.has(word)
                ? 'cluster'
                : 'namespace';
        failure = set(field, valueAt(j), text);
        const kindFollows = after !== undefined && (NAMESPACE_WORDS.has(after) || CLUSTER_WORDS.has(after));
        i = kindFollows ? j + 2 : j + 1;
      }
    } else if (acceptPod && tail.pod === undefined) {
      tail.pod = text;
      i += 1;
    } else {
      const shown = ECHO_SAFE.test(text) ? ` '${text}'` : ' part of that';
      return { error: `I did not understand${shown}.` };
    }
    if (failure !== undefined) return failure;
  }
  return tail;
}

export function isTailError(value: CommandTail | TailError): value is TailError {
  return 'error' in value;
}
