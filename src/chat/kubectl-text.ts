import type { ChatToken } from './command-tail.js';
import { ALL_NAMESPACES_FLAGS, WORKLOAD_WORDS } from './command-words.js';

// What engineers paste from a terminal: a kubectl command line (`kubectl describe pod web-1 -n shop`,
// `k logs deploy/web --context prod`) and lines of `kubectl get pods` output (NAME READY STATUS RESTARTS AGE).

/** What a kubectl line asks about: a pod or workload by name, or the pods of a namespace (or of all of them). */
export interface KubectlRequest {
  /** The pod's (or its workload's) name, when one is named. */
  name?: string;
  namespace?: string;
  /** `--context` (the kubeconfig context: a configured cluster's name) or `--cluster`. */
  cluster?: string;
  allNamespaces: boolean;
  /** A resource Pull Doctor does not diagnose (`node`, `ingress` …), as typed. */
  otherResource?: string;
}

const KUBECTL = new Set(['kubectl', 'k', 'kubectl.exe', 'oc', 'kubecolor']);
const PROMPT = new Set(['$', '>', '%', '#', 'ps>', '❯']);
/** Flags that take a value (the value is not a name). */
const VALUE_FLAGS = new Set([
  '-o',
  '--output',
  '-c',
  '--container',
  '-l',
  '--selector',
  '--since',
  '--since-time',
  '--tail',
  '--field-selector',
  '--kubeconfig',
  '--user',
  '--sort-by',
  '--template',
  '-f',
  '--filename',
  '--limit-bytes',
  '--request-timeout',
  '--image',
  '--target',
  '--profile',
  '-s',
  '--server',
  '--as',
  '--chunk-size',
  '--show-kind',
]);
/** Flags without a value (`-f` follows logs: not a file there). */
const SWITCHES = new Set([
  '-w',
  '--watch',
  '-p',
  '--previous',
  '--follow',
  '--timestamps',
  '--show-labels',
  '--all-containers',
  '-i',
  '-t',
  '-it',
  '--no-headers',
  '--wide',
  '--stdin',
  '--tty',
  '--prefix',
  '--ignore-errors',
  '-q',
  '--quiet',
]);
const NAMESPACE_FLAGS = new Set(['-n', '--namespace']);
const CONTEXT_FLAGS = new Set(['--context', '--cluster']);
/** Subcommands whose first argument is a pod (or TYPE/NAME). */
const POD_FIRST = new Set(['logs', 'log', 'exec', 'attach', 'port-forward', 'debug', 'cp']);
/** Subcommands whose arguments are TYPE NAME… or TYPE/NAME. */
const TYPED = new Set([
  'get',
  'describe',
  'top',
  'events',
  'rollout',
  'delete',
  'edit',
  'label',
  'annotate',
  'explain',
  'restart',
  'status',
  'history',
  'wait',
]);
const POD_RESOURCES = new Set(['pod', 'pods', 'po']);
const LISTED_RESOURCES = new Set(['pod', 'pods', 'po', 'events', 'event', 'ev', 'all']);

/** Whether the tokens start like a command line: `kubectl …`, `$ kubectl …`, `k get …`. */
export function isKubectlLine(tokens: readonly ChatToken[]): boolean {
  const first = PROMPT.has(tokens[0]?.word ?? '') ? 1 : 0;
  const word = tokens[first]?.word;
  if (word === undefined || !KUBECTL.has(word)) return false;
  // A bare `k` is only kubectl's alias when a subcommand or flag follows.
  return word !== 'k' || TYPED.has(tokens[first + 1]?.word ?? '') || POD_FIRST.has(tokens[first + 1]?.word ?? '');
}

/** Reads a kubectl command line (call when isKubectlLine). Unknown flags are skipped; nothing is ever run. */
export function readKubectlLine(tokens: readonly ChatToken[]): KubectlRequest {
  const request: KubectlRequest = { allNamespaces: false };
  const positional: ChatToken[] = [];
  let i = PROMPT.has(tokens[0]?.word ?? '') ? 2 : 1;
  while (i < tokens.length) {
    const token = tokens[i]!;
    const { word } = token;
    if (word === '--') break; // what follows is the command run in the container
    if (NAMESPACE_FLAGS.has(word)) {
      if (tokens[i + 1]) request.namespace = tokens[i + 1]!.text;
      i += 2;
    } else if (CONTEXT_FLAGS.has(word)) {
      if (tokens[i + 1]) request.cluster = tokens[i + 1]!.text;
      i += 2;
    } else if (ALL_NAMESPACES_FLAGS.has(word)) {
      request.allNamespaces = true;
      i += 1;
    } else if (VALUE_FLAGS.has(word) && !(word === '-f' && POD_FIRST.has(positional[0]?.word ?? ''))) {
      i += 2;
    } else if (word.startsWith('-') || SWITCHES.has(word)) {
      i += 1;
    } else {
      positional.push(token);
      i += 1;
    }
  }
  const [verb, ...args] = positional;
  if (verb === undefined) return request;
  // `rollout status deploy/web`: the TYPE comes after rollout's own verb.
  const rest = verb.word === 'rollout' ? args.slice(1) : args;
  const first = rest[0];
  if (first === undefined) return request;
  const slash = first.text.indexOf('/');
  if (slash > 0) return withTarget(request, first.text.slice(slash + 1), first.word.slice(0, slash));
  // `logs web-1`, `exec -it web-1 -- sh`: a pod; `get pods`, `describe deploy web`: TYPE [NAME].
  if (POD_FIRST.has(verb.word) || !TYPED.has(verb.word)) return withTarget(request, first.text, 'pod');
  return withTarget(request, rest[1]?.text, first.word.split(',')[0]!);
}

/** The name, when the type is one Pull Doctor diagnoses (pods, and the workloads that run them). */
function withTarget(request: KubectlRequest, name: string | undefined, type: string): KubectlRequest {
  if (!LISTED_RESOURCES.has(type) && !WORKLOAD_WORDS.has(type)) return { ...request, otherResource: type };
  if (name === undefined || name === '' || (!POD_RESOURCES.has(type) && !WORKLOAD_WORDS.has(type))) return request;
  return { ...request, name };
}

/** One line of `kubectl get pods` output. */
export interface PodRow {
  pod: string;
  namespace?: string;
  status: string;
  /** READY said fewer containers are ready than there are. */
  unready: boolean;
}

const READY = /^(\d{1,3})\/(\d{1,3})$/;
const RESTARTS = /^\d{1,6}$/;
const STATUS = /^[A-Za-z][A-Za-z:]{0,60}(?:\d{1,3}\/\d{1,3})?$/;
/** Statuses of a pod that is fine or on its way out. */
const SETTLED = new Set(['running', 'completed', 'succeeded', 'terminating']);

/**
 * Finds rows of `kubectl get pods` output among the tokens (lines run together once Teams has had them): NAME READY
 * STATUS RESTARTS [AGE …], with NAMESPACE first when the header says so (`-A`). Linear: each READY-shaped token is
 * looked at once.
 */
export function readPodRows(tokens: readonly ChatToken[]): PodRow[] {
  const header = tokens.findIndex((t, i) => t.text === 'NAME' && tokens[i + 1]?.text === 'READY' && tokens[i + 2]?.text === 'STATUS');
  const namespaced = header > 0 && tokens[header - 1]!.text === 'NAMESPACE';
  const rows: PodRow[] = [];
  for (let i = 1; i + 2 < tokens.length; i++) {
    const ready = READY.exec(tokens[i]!.text);
    if (!ready || !STATUS.test(tokens[i + 1]!.text) || !RESTARTS.test(tokens[i + 2]!.text)) continue;
    const row: PodRow = { pod: tokens[i - 1]!.text, status: tokens[i + 1]!.text, unready: Number(ready[1]) < Number(ready[2]) };
    if (namespaced && i >= 2) row.namespace = tokens[i - 2]!.text;
    rows.push(row);
  }
  return rows;
}

/** Whether a row shows a pod in trouble: any status but Running/Completed, or Running with containers not ready. */
export function isFailingRow(row: PodRow): boolean {
  const status = row.status.toLowerCase();
  if (status === 'running') return row.unready;
  return !SETTLED.has(status);
}
