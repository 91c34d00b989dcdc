import { isTailError, parseCommandTail, tokenize, type ChatToken, type CommandField, type CommandTail } from './command-tail.js';
import {
  ALERT_OFF,
  ALERT_ON,
  ALERT_PREFIX_VERBS,
  ALERT_STATUS,
  ALERT_WORDS,
  COURTESY_PREFIX,
  COURTESY_SUFFIX,
  DIAGNOSE_VERBS,
  HELP_PHRASES,
  HELP_WORDS,
  OTHER_RESOURCES,
  POSSESSIVES,
  WHY_AUXILIARIES,
  WRONG_WORDS,
} from './command-words.js';
import { invalidNameReason } from '../clients/kubernetes/kubernetes-names.js';
import { hasInvisibleCharacters, normalizeMessageText } from './normalize-message.js';

export type ParsedCommand =
  | { kind: 'diagnose'; pod: string; namespace?: string; cluster?: string }
  | { kind: 'help' }
  | { kind: 'alerts'; action: 'on' | 'off' | 'status'; namespace?: string; cluster?: string }
  /** The intent was recognised but a value is missing or not valid; `reason` is safe to show. */
  | { kind: 'invalid'; reason: string; field?: 'pod' | 'namespace' | 'cluster' }
  /** Not a command. `text` is the normalized message, cut short: untrusted, render it as plain text. */
  | { kind: 'unknown'; text: string };

/** Longer raw messages are not parsed at all (a Teams message with a command is a few hundred bytes of HTML). */
export const MAX_RAW_MESSAGE_CHARS = 4096;
/** Longest normalized command: a 253-character pod name with namespace and cluster still fits. */
export const MAX_COMMAND_CHARS = 512;
/** How much of an unknown message is handed back. */
export const MAX_UNKNOWN_TEXT_CHARS = 200;

const INVISIBLE_REASON =
  'Your message contains invisible characters (zero-width or text-direction marks, often from copy and paste). Please type the command again.';
const USAGE = 'Try: diagnose POD -n NAMESPACE, or help.';

const unknown = (normalized: string): ParsedCommand => ({ kind: 'unknown', text: normalized.slice(0, MAX_UNKNOWN_TEXT_CHARS) });
const invalid = (reason: string, field?: CommandField): ParsedCommand =>
  field === undefined ? { kind: 'invalid', reason } : { kind: 'invalid', reason, field };

function withoutCourtesy(tokens: ChatToken[]): ChatToken[] {
  let start = 0;
  let end = tokens.length;
  while (end - start > 1 && COURTESY_PREFIX.has(tokens[start]!.word)) start++;
  while (end - start > 1 && COURTESY_SUFFIX.has(tokens[end - 1]!.word)) end--;
  if (end - start > 2 && tokens[end - 2]!.word === 'thank' && tokens[end - 1]!.word === 'you') end -= 2;
  return tokens.slice(start, end);
}

function isHelp(tokens: ChatToken[]): boolean {
  if (tokens.length === 0) return true;
  if (HELP_WORDS.has(tokens[0]!.word) && (tokens[0]!.word === 'help' || tokens.length === 1)) return true;
  return HELP_PHRASES.has(tokens.map((t) => t.word).join(' '));
}

/** Validated names, or why one is not valid. Pod first, then namespace, then cluster. */
function validated(tail: CommandTail): ParsedCommand | undefined {
  for (const field of ['pod', 'namespace', 'cluster'] as const) {
    const value = tail[field];
    const reason = value === undefined ? undefined : invalidNameReason(field, value);
    if (reason !== undefined) return invalid(reason, field);
  }
  return undefined;
}

function scope(tail: CommandTail): { namespace?: string; cluster?: string } {
  return {
    ...(tail.namespace === undefined ? {} : { namespace: tail.namespace }),
    ...(tail.cluster === undefined ? {} : { cluster: tail.cluster }),
  };
}

// --- alerts --------------------------------------------------------------------------------------------------

type AlertAction = 'on' | 'off' | 'status';

function alertAction(word: string | undefined): AlertAction | undefined {
  if (word === undefined) return undefined;
  if (ALERT_ON.has(word)) return 'on';
  if (ALERT_OFF.has(word)) return 'off';
  if (ALERT_STATUS.has(word)) return 'status';
  return undefined;
}

/** "alerts on …", "alerts off", "alerts status", "turn alerts on", "turn on alerts", "disable alerts …". */
function parseAlerts(tokens: ChatToken[]): ParsedCommand | undefined {
  const at = tokens.slice(0, 3).findIndex((t) => ALERT_WORDS.has(t.word));
  if (at < 0) return undefined;
  let action: AlertAction | undefined;
  for (const { word } of tokens.slice(0, at)) {
    if (ALERT_PREFIX_VERBS.has(word)) continue;
    const prefixAction = alertAction(word);
    if (prefixAction === undefined) return undefined; // "check pod alerts-1": not about alerts
    action = prefixAction;
  }
  let rest = at + 1;
  const afterAction = alertAction(tokens[rest]?.word);
  if (afterAction !== undefined) {
    if (action !== undefined && action !== afterAction) return invalid('Should alerts be on or off? Try: alerts on, or alerts off.');
    action = afterAction;
    rest += 1;
  }
  const tail = parseCommandTail(tokens.slice(rest), false);
  if (isTailError(tail)) return invalid(`${tail.error} Try: alerts on for namespace NAMESPACE on cluster CLUSTER.`, tail.field);
  return validated(tail) ?? { kind: 'alerts', action: action ?? 'status', ...scope(tail) };
}

// --- diagnose ------------------------------------------------------------------------------------------------

/** How many words the diagnose intent takes: "why is", "what's wrong with", "diagnose", "check why is", … */
function diagnoseIntentLength(words: string[]): number | undefined {
  const [w0, w1, w2, w3] = words;
  if (w0 === 'why') return w1 !== undefined && WHY_AUXILIARIES.has(w1) ? 2 : 1;
  if (w0 === "why's" || w0 === 'whys') return 1;
  if (w0 === "what's" || w0 === 'whats' || w0 === 'what') {
    let n = 1;
    if (words[n] === 'is') n += 1;
    if (words[n] === 'going' && words[n + 1] === 'on') n += 2;
    else if (words[n] !== undefined && WRONG_WORDS.has(words[n]!)) n += 1;
    else return undefined;
    return words[n] === 'with' ? n + 1 : undefined;
  }
  if (w0 === 'look' && w1 === 'at') return 2;
  if (w0 === 'take' && w1 === 'a' && w2 === 'look' && w3 === 'at') return 4;
  if (w0 !== undefined && DIAGNOSE_VERBS.has(w0)) {
    const rest = words.slice(1);
    if (rest[0] === 'on') return 2; // "check on pod x"
    if (rest[0] === 'why') return 1 + (diagnoseIntentLength(rest) ?? 1);
    return 1;
  }
  return undefined;
}

/** Splits `shop/web-1` (namespace/pod) and `pod/web-1` (kubectl's resource/name). */
function podAndNamespace(pod: string): { pod: string; namespace?: string } | { error: string } {
  const slash = pod.indexOf('/');
  if (slash < 0) return { pod };
  if (pod.indexOf('/', slash + 1) >= 0) return { error: "Write the pod as NAMESPACE/POD with a single '/'." };
  const left = pod.slice(0, slash);
  const right = pod.slice(slash + 1);
  if (['pod', 'pods', 'po'].includes(left.toLowerCase())) return { pod: right };
  return { pod: right, namespace: left };
}

function parseDiagnose(tokens: ChatToken[]): ParsedCommand | undefined {
  const length = diagnoseIntentLength(tokens.map((t) => t.word));
  if (length === undefined) return undefined;
  let rest = tokens.slice(length);
  while (rest[0] !== undefined && POSSESSIVES.has(rest[0].word)) rest = rest.slice(1);
  if (rest[0] !== undefined && OTHER_RESOURCES.has(rest[0].word)) {
    return invalid('I can only diagnose pods for now: name a pod (kubectl get pods -n NAMESPACE).', 'pod');
  }

  const tail = parseCommandTail(rest, true);
  if (isTailError(tail)) return invalid(`${tail.error} ${USAGE}`, tail.field);
  if (tail.pod === undefined) return invalid(`Which pod? ${USAGE}`, 'pod');

  const split = podAndNamespace(tail.pod);
  if ('error' in split) return invalid(split.error, 'pod');
  if (split.namespace !== undefined && tail.namespace !== undefined && split.namespace !== tail.namespace) {
    return invalid('Two different namespaces were given; name one.', 'namespace');
  }
  const named: CommandTail = { ...tail, pod: split.pod, ...(split.namespace === undefined ? {} : { namespace: split.namespace }) };
  return validated(named) ?? { kind: 'diagnose', pod: split.pod, ...scope(named) };
}

/**
 * Parses a chat message (Teams HTML, with or without the bot's mention) into a command. Keywords are matched
 * case-insensitively; names are kept as typed and validated as Kubernetes names, so `Web-1` is reported as
 * invalid rather than turned into `web-1`. Without a namespace the caller picks its default. Messages that are
 * too long, or contain invisible characters that would make what we parse differ from what the user sees,
 * are never turned into a command.
 */
export function parseChatCommand(text: string): ParsedCommand {
  if (typeof text !== 'string') return unknown('');
  if (text.length > MAX_RAW_MESSAGE_CHARS) return unknown(normalizeMessageText(text.slice(0, MAX_RAW_MESSAGE_CHARS)));
  if (hasInvisibleCharacters(text)) return invalid(INVISIBLE_REASON);
  const normalized = normalizeMessageText(text);
  if (normalized.length > MAX_COMMAND_CHARS) return unknown(normalized);

  const tokens = withoutCourtesy(tokenize(normalized));
  if (isHelp(tokens)) return { kind: 'help' };
  return parseAlerts(tokens) ?? parseDiagnose(tokens) ?? unknown(normalized);
}
