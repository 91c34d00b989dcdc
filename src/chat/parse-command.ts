import {
  echo,
  isTailError,
  parseCommandTail,
  readLoosely,
  tokenize,
  type ChatToken,
  type CommandField,
  type CommandTail,
} from './command-tail.js';
import {
  ALERT_OFF,
  ALERT_ON,
  ALERT_PREFIX_VERBS,
  ALERT_STATUS,
  ALERT_WORDS,
  BOT_NAME_WORDS,
  COURTESY_SUFFIX,
  DIAGNOSE_VERBS,
  GREETINGS,
  HELP_PHRASES,
  HELP_WORDS,
  LISTING_OPENERS,
  LISTING_WORDS,
  OTHER_RESOURCES,
  PODS_WORDS,
  POD_WORDS,
  STATE_WORDS,
  WORKLOAD_WORDS,
  WRONG_WORDS,
} from './command-words.js';
import { invalidNameReason } from '../clients/kubernetes/kubernetes-names.js';
import { isFailingRow, isKubectlLine, readKubectlLine, readPodRows, type PodRow } from './kubectl-text.js';
import { hasInvisibleCharacters, normalizeMessageText } from './normalize-message.js';

type Scope = { namespace?: string; cluster?: string };

export type ParsedCommand =
  /** `pod` is a pod's name, or its start, or its workload's (the diagnosis resolves it). */
  | ({ kind: 'diagnose'; pod: string } & Scope)
  /** What is failing: in `namespace`, or in every namespace when absent. */
  | ({ kind: 'failing' } & Scope)
  /** Several pods named (pasted rows, "web-1 and web-2"): which one? Valid pod names, at most MAX_CHOICES. */
  | ({ kind: 'choose'; pods: string[] } & Scope)
  | { kind: 'help' }
  | ({ kind: 'alerts'; action: 'on' | 'off' | 'status' } & Scope)
  /** The intent was recognised but a value is missing or not valid; `reason` is safe to show. */
  | { kind: 'invalid'; reason: string; field?: CommandField }
  /**
   * Not a command. `text` is the normalized message on one line, cut short: untrusted, render it as plain text.
   * `pods`: words shaped like pod names it holds (valid names, at most MAX_CHOICES), to offer a Diagnose button each.
   */
  | ({ kind: 'unknown'; text: string; pods?: string[] } & Scope);

/** Longer raw messages are not parsed at all (a Teams message with a command is a few hundred bytes of HTML). */
export const MAX_RAW_MESSAGE_CHARS = 4096;
/** Longest normalized command line: a 253-character pod name with namespace and cluster still fits. */
export const MAX_COMMAND_CHARS = 512;
/** How much of an unknown message is handed back. */
export const MAX_UNKNOWN_TEXT_CHARS = 200;
/** A choice offers at most this many pods. */
export const MAX_CHOICES = 5;

const INVISIBLE_REASON =
  'Your message contains invisible characters (zero-width or text-direction marks, often from copy and paste). Please type the command again.';
const USAGE = 'Try: diagnose POD -n NAMESPACE, or help.';
const ONLY_PODS = 'I can only diagnose pods and the Deployments, StatefulSets, DaemonSets and Jobs that run them.';

const oneLine = (normalized: string) => normalized.replace(/\n/g, ' ').slice(0, MAX_UNKNOWN_TEXT_CHARS);
const invalid = (reason: string, field?: CommandField): ParsedCommand =>
  field === undefined ? { kind: 'invalid', reason } : { kind: 'invalid', reason, field };

function scope(tail: { namespace?: string | undefined; cluster?: string | undefined }): Scope {
  return {
    ...(tail.namespace === undefined ? {} : { namespace: tail.namespace }),
    ...(tail.cluster === undefined ? {} : { cluster: tail.cluster }),
  };
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

const isPodName = (name: string) => invalidNameReason('pod', name) === undefined;

/** "hey pull doctor,", "@Pull Doctor", "hi team": how people start, before the question. */
function withoutAddress(tokens: ChatToken[]): ChatToken[] {
  let start = 0;
  while (start < tokens.length - 1) {
    const { word } = tokens[start]!;
    const isBotName = BOT_NAME_WORDS.has(word) || (word === 'pull' && BOT_NAME_WORDS.has(tokens[start + 1]!.word));
    if (!GREETINGS.has(word) && !isBotName && !word.startsWith('@')) break;
    start += word === 'pull' ? 2 : 1;
  }
  let end = tokens.length;
  while (end - start > 1 && COURTESY_SUFFIX.has(tokens[end - 1]!.word)) end--;
  if (end - start > 2 && tokens[end - 2]!.word === 'thank' && tokens[end - 1]!.word === 'you') end -= 2;
  return tokens.slice(start, end);
}

function isHelp(tokens: ChatToken[]): boolean {
  if (tokens.length === 0) return true;
  if (tokens.length === 1 && HELP_WORDS.has(tokens[0]!.word)) return true;
  if (tokens[0]!.word === 'help' && !tokens.some((t) => /[0-9-]/.test(t.word))) return true;
  return HELP_PHRASES.has(tokens.map((t) => t.word).join(' '));
}

// --- alerts ----------------------------------------------------------------------------------------------------

type AlertAction = 'on' | 'off' | 'status';

function alertAction(word: string | undefined): AlertAction | undefined {
  if (word === undefined) return undefined;
  if (ALERT_ON.has(word)) return 'on';
  if (ALERT_OFF.has(word)) return 'off';
  if (ALERT_STATUS.has(word)) return 'status';
  return undefined;
}

/** "alerts on …", "alerts off", "alerts status", "turn alerts on", "turn on alerts", "disable alerts …": strict. */
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

// --- pasted kubectl --------------------------------------------------------------------------------------------

/** Splits `shop/web-1` (namespace/pod) and `pod/web-1`, `deploy/web` (kubectl's TYPE/NAME). */
function nameAndNamespace(name: string): { pod: string; namespace?: string } | { error: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { pod: name };
  if (name.indexOf('/', slash + 1) >= 0) return { error: "Write the pod as NAMESPACE/POD with a single '/'." };
  const left = name.slice(0, slash);
  const right = name.slice(slash + 1);
  const type = left.toLowerCase();
  if (POD_WORDS.has(type) || PODS_WORDS.has(type) || WORKLOAD_WORDS.has(type)) return { pod: right };
  return { pod: right, namespace: left };
}

/** A diagnosis of one name, its namespace from `namespace/name` or the qualifiers; validated. */
function diagnoseName(name: string, tail: Scope): ParsedCommand {
  const split = nameAndNamespace(name);
  if ('error' in split) return invalid(split.error, 'pod');
  if (split.namespace !== undefined && tail.namespace !== undefined && split.namespace !== tail.namespace) {
    return invalid('Two different namespaces were given; name one.', 'namespace');
  }
  const named: CommandTail = { ...tail, pod: split.pod, ...(split.namespace === undefined ? {} : { namespace: split.namespace }) };
  return validated(named) ?? { kind: 'diagnose', pod: split.pod, ...scope(named) };
}

/** A kubectl line: its pod or workload is diagnosed; without a name, the pods it would list are checked. */
function fromKubectl(tokens: ChatToken[]): ParsedCommand {
  const request = readKubectlLine(tokens);
  if (request.otherResource !== undefined) return invalid(`${ONLY_PODS} Name a pod or a workload (kubectl get pods -n NAMESPACE).`, 'pod');
  const clean = scope({ ...(request.allNamespaces ? {} : { namespace: request.namespace }), cluster: request.cluster });
  if (request.name !== undefined) return diagnoseName(request.name, clean);
  return validated(clean) ?? { kind: 'failing', ...clean };
}

/** Rows of `kubectl get pods`: the failing one is diagnosed; several are a choice. */
function fromRows(rows: PodRow[], tail: Scope): ParsedCommand {
  const failing = rows.filter(isFailingRow);
  const candidates = (failing.length > 0 ? failing : rows).filter((r) => isPodName(r.pod));
  const namespaces = new Set(candidates.map((r) => r.namespace ?? tail.namespace));
  const namespace = namespaces.size === 1 ? [...namespaces][0] : undefined;
  const where = scope({ ...tail, ...(namespace === undefined ? {} : { namespace }) });
  const pods = [...new Set(candidates.map((r) => r.pod))];
  if (pods.length === 1) return diagnoseName(pods[0]!, where);
  if (pods.length === 0) return invalid(`None of those pod names is valid. ${USAGE}`, 'pod');
  return { kind: 'choose', pods: pods.slice(0, MAX_CHOICES), ...where };
}

// --- questions in prose ----------------------------------------------------------------------------------------

/** Whether the question opens by asking about one pod: "why …", "what's wrong with", "what happened to", a verb. */
function opensAskingAboutAPod(words: readonly string[]): boolean {
  const [w0, w1, w2] = words;
  if (w0 === 'why' || w0 === "why's" || w0 === 'whys') return true;
  if (w0 === "what's" || w0 === 'whats' || w0 === 'what') {
    const [r0, r1, r2] = w1 === 'is' ? words.slice(2) : words.slice(1);
    if (r0 === 'going' && r1 === 'on') return r2 === 'with';
    return (r0 !== undefined && WRONG_WORDS.has(r0) && (r1 === 'with' || r1 === 'to')) || r0 === 'happened' || r0 === 'about';
  }
  if ((w0 === 'look' && w1 === 'at') || (w0 === 'take' && w1 === 'a' && w2 === 'look') || (w0 === 'status' && w1 === 'of')) return true;
  return w0 !== undefined && DIAGNOSE_VERBS.has(w0);
}

/** Whether the question asks why or says how a pod fails: the name in it is what to diagnose. */
function asksAboutAPod(tokens: ChatToken[]): boolean {
  const words = tokens.map((t) => t.word);
  if (opensAskingAboutAPod(words)) return true;
  return words.some((w) => STATE_WORDS.has(w) || DIAGNOSE_VERBS.has(w) || w === 'why' || w === 'how' || w === 'look');
}

/** "what's failing", "failing pods", "status", "which pods are broken", "anything crashing?": a listing by its words. */
function opensAListing(words: readonly string[]): boolean {
  if (words.some((w) => PODS_WORDS.has(w))) return true;
  const [w0, w1, w2] = words;
  if (w0 === 'status' || w0 === 'health' || w0 === 'overview') return true;
  if (w0 === undefined || !LISTING_OPENERS.has(w0)) return false;
  const next = w1 === 'is' || w1 === 'are' || w1 === "'s" ? w2 : w1;
  return next !== undefined && (LISTING_WORDS.has(next) || STATE_WORDS.has(next));
}

/** kubectl's words for a pod's state: about one pod when they come with a name ("ImagePullBackOff on web-1"). */
const KUBECTL_STATES = new Set(['imagepullbackoff', 'errimagepull', 'crashloopbackoff', 'containercreating', 'pending']);

/**
 * Whether a sentence whose only name came after a bare "on"/"at" is a listing of that cluster ("failing on prod",
 * "what's broken on prod") rather than a question about a pod of that name ("ImagePullBackOff on web-1", "look at
 * web-1"): by its opening, or by listing words with no kubectl state, no question and no verb about one pod.
 */
function readsAsAListing(words: readonly string[]): boolean {
  if (opensAListing(words)) return true;
  const aboutOnePod = words.some((w) => KUBECTL_STATES.has(w) || DIAGNOSE_VERBS.has(w) || w === 'why' || w === 'look');
  return !aboutOnePod && words.some((w) => LISTING_WORDS.has(w));
}

/** With no name in it, a listing: by its words, or a state without a question about one pod ("ImagePullBackOff in shop"). */
function asksForAListing(tokens: ChatToken[]): boolean {
  const words = tokens.map((t) => t.word);
  return opensAListing(words) || (!opensAskingAboutAPod(words) && words.some((w) => STATE_WORDS.has(w) || LISTING_WORDS.has(w)));
}

/** A word shaped like a pod's name rather than an English word: it has a digit, a dash, a dot or a slash. */
const looksLikePod = (t: ChatToken) => /[0-9./-]/.test(t.word) && !t.word.startsWith('-');

function fromProse(tokens: ChatToken[], normalized: string): ParsedCommand {
  const reading = readLoosely(tokens);
  let { tail, names } = reading;
  if (names.length === 0 && reading.bareCluster && !readsAsAListing(tokens.map((t) => t.word))) {
    // "ImagePullBackOff on web-1", "look at web-1": the only name was read as a cluster.
    names = [reading.bareCluster];
    tail = scope({ namespace: tail.namespace });
  }
  const strong = names.filter(looksLikePod);
  const asked = asksAboutAPod(tokens);
  const other = names.findIndex((_, i) => OTHER_RESOURCES.has(reading.before[i] ?? ''));
  if (other >= 0 && asked) return invalid(`${ONLY_PODS} ${USAGE}`, 'pod');
  if (reading.error)
    return asked || strong.length > 0 ? invalid(`${reading.error.error} ${USAGE}`, reading.error.field) : unknown(normalized, [], tail);

  // One pod name: diagnosed when the message asks about it or is only the name; offered when it only mentions it.
  if (strong.length === 1) return asked || names.length === 1 ? diagnoseName(strong[0]!.text, tail) : unknown(normalized, strong, tail);
  if (strong.length > 1) return asked ? choice(strong, tail, normalized) : unknown(normalized, strong, tail);
  // No word shaped like a pod name: a plain word ("web") may be a Deployment's name, when the question is about one.
  if (names.length === 0) {
    if (asksForAListing(tokens)) return validated(tail) ?? { kind: 'failing', ...scope(tail) };
    if (asked) return invalid(`Which pod? ${USAGE}`, 'pod');
    return unknown(normalized, [], tail);
  }
  if (asked && names.length === 1) return diagnoseName(names[0]!.text, tail);
  if (asked) return invalid(`I did not understand${echo(names[1]!.text)}. ${USAGE}`, 'pod');
  // A bare word ("checkout", "web -n shop") may be a name: offered, not assumed.
  return unknown(normalized, names.length === 1 && reading.prose === 0 ? names : [], tail);
}

function choice(names: ChatToken[], tail: Scope, normalized: string): ParsedCommand {
  const pods = [...new Set(names.map((n) => n.text))].filter(isPodName).slice(0, MAX_CHOICES);
  if (pods.length === 0) return unknown(normalized, [], tail);
  return validated(tail) ?? { kind: 'choose', pods, ...scope(tail) };
}

/** Not understood; the valid pod-shaped names it holds are offered (with the message's namespace, when valid). */
function unknown(normalized: string, names: readonly ChatToken[], tail: Scope): ParsedCommand {
  const pods = [...new Set(names.map((n) => n.text))].filter(isPodName).slice(0, MAX_CHOICES);
  const text = oneLine(normalized);
  if (pods.length === 0) return { kind: 'unknown', text };
  return { kind: 'unknown', text, pods, ...(validated(tail) === undefined ? scope(tail) : {}) };
}

/**
 * Parses a chat message (Teams HTML, with or without the bot's mention) into a command: deterministic, linear in its
 * length. Understands questions in prose ("hey pull doctor, why is web-1 failing in shop and what should I do?"), bare
 * names, kubectl command lines, pasted `kubectl get pods` rows, status words around a name, listings ("what's
 * failing in shop") and the alerts commands. The first line that is more than a greeting is the command; later lines
 * count only as pasted output. Keywords are matched case-insensitively; names are kept as typed and validated as
 * Kubernetes names, so `Web-1` is reported as invalid rather than turned into `web-1`. Without a namespace the caller
 * picks its default. Messages that are too long, or that contain invisible characters (what we would parse differs
 * from what the user sees), are never turned into a command.
 */
export function parseChatCommand(text: string): ParsedCommand {
  if (typeof text !== 'string') return { kind: 'unknown', text: '' };
  if (text.length > MAX_RAW_MESSAGE_CHARS)
    return { kind: 'unknown', text: oneLine(normalizeMessageText(text.slice(0, MAX_RAW_MESSAGE_CHARS))) };
  if (hasInvisibleCharacters(text)) return invalid(INVISIBLE_REASON);
  const normalized = normalizeMessageText(text);
  const lines = normalized
    .split('\n')
    .map((line) => ({ line, tokens: withoutAddress(tokenize(line)) }))
    .filter(
      ({ tokens }) =>
        tokens.length > 0 && !(tokens.length === 1 && (GREETINGS.has(tokens[0]!.word) || BOT_NAME_WORDS.has(tokens[0]!.word))),
    );
  const first = lines[0];
  if (first === undefined) return { kind: 'help' };
  if (first.line.length > MAX_COMMAND_CHARS) return { kind: 'unknown', text: oneLine(normalized) };

  const rows = readPodRows(lines.flatMap((l) => l.tokens));
  if (rows.length > 0) {
    const command = lines.find((l) => isKubectlLine(l.tokens));
    const from = command ? fromKubectl(command.tokens) : fromProse(first.tokens, first.line);
    const where = from.kind === 'failing' || from.kind === 'diagnose' || from.kind === 'unknown' ? scope(from) : {};
    return fromRows(rows, where);
  }
  const { tokens } = first;
  if (isHelp(tokens)) return { kind: 'help' };
  if (isKubectlLine(tokens)) return fromKubectl(tokens);
  return parseAlerts(tokens) ?? fromProse(tokens, first.line);
}
