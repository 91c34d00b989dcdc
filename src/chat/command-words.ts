/** The vocabulary of the chat parser, lower case. Names never need to be listed here. */

export const HELP_WORDS = new Set(['help', 'usage', 'commands', 'menu', '/help', 'h', 'hi', 'hello', 'hey']);
export const HELP_PHRASES = new Set([
  'what can you do',
  'what do you do',
  'how does this work',
  'how do i use this',
  'how do i use you',
  'help me',
  'show commands',
  'list commands',
]);

export const COURTESY_PREFIX = new Set(['please', 'pls', 'plz', 'hey', 'hi', 'hello', 'ok', 'okay', 'so', 'yo']);
export const COURTESY_SUFFIX = new Set(['please', 'pls', 'plz', 'thanks', 'thx', 'ty']);

// --- diagnose -------------------------------------------------------------------------------------------------
export const DIAGNOSE_VERBS = new Set([
  'diagnose',
  'diag',
  '/diagnose',
  'check',
  'debug',
  'investigate',
  'inspect',
  'troubleshoot',
  'examine',
  'analyze',
  'analyse',
  'explain',
]);
/** After "why": "why is", "why's", "why does", "why isn't", … */
export const WHY_AUXILIARIES = new Set([
  'is',
  "'s",
  'does',
  'do',
  'did',
  'was',
  'are',
  'will',
  "isn't",
  'isnt',
  "doesn't",
  'doesnt',
  "won't",
  'wont',
  "can't",
  'cant',
  'cannot',
  "didn't",
  'didnt',
]);
export const WRONG_WORDS = new Set(['wrong', 'up', 'happening']);
export const POSSESSIVES = new Set(['the', 'my', 'our', 'this', 'that', 'a']);
export const POD_WORDS = new Set(['pod', 'pods', 'po']);
export const OTHER_RESOURCES = new Set([
  'deployment',
  'deploy',
  'deployments',
  'node',
  'nodes',
  'service',
  'svc',
  'statefulset',
  'daemonset',
  'replicaset',
  'job',
  'cronjob',
]);
/** Words describing the failure, skipped wherever they appear after the intent. */
export const STATE_WORDS = new Set([
  'failing',
  'failed',
  'fail',
  'fails',
  'crashing',
  'crash',
  'crashes',
  'crashed',
  'crashlooping',
  'loop',
  'broken',
  'down',
  'pending',
  'stuck',
  'erroring',
  'error',
  'errors',
  'restarting',
  'restart',
  'restarts',
  'not',
  'running',
  'run',
  'starting',
  'start',
  'started',
  'ready',
  'working',
  'work',
  'up',
  'keep',
  'keeps',
  'kept',
  'still',
  'always',
  'anymore',
  'unhealthy',
  'pulling',
  'pull',
  'pulled',
  'its',
  "it's",
  'it',
  'image',
  'images',
  'coming',
  'come',
  'being',
  'scheduled',
  'is',
  'does',
  "isn't",
  "doesn't",
  "won't",
  "can't",
  'cannot',
  'imagepullbackoff',
  'errimagepull',
  'crashloopbackoff',
  'containercreating',
  'backoff',
  'wrong',
]);
/** "in pending", "in a crash loop", "in ImagePullBackOff": a state, not a namespace. */
export const STATES_AFTER_IN = new Set([
  'pending',
  'a',
  'crashloopbackoff',
  'imagepullbackoff',
  'errimagepull',
  'containercreating',
  'error',
  'backoff',
]);
export const FILLER_WORDS = new Set([
  'please',
  'pls',
  'plz',
  'thanks',
  'thx',
  'now',
  'today',
  'currently',
  'again',
  'right',
  'asap',
  'the',
]);

// --- qualifiers ----------------------------------------------------------------------------------------------
export const NAMESPACE_FLAGS = new Set(['-n', '--namespace', '--ns']);
export const CLUSTER_FLAGS = new Set(['-c', '--cluster', '--context']);
export const NAMESPACE_WORDS = new Set(['namespace', 'ns']);
export const CLUSTER_WORDS = new Set(['cluster', 'context']);
/** "in shop" names a namespace; "on prod" / "at prod" a cluster. */
export const NAMESPACE_PREPOSITIONS = new Set(['in', 'for', 'from', 'within', 'inside']);
export const CLUSTER_PREPOSITIONS = new Set(['on', 'at']);
export const BENEFICIARIES = new Set(['me', 'us']);

// --- alerts --------------------------------------------------------------------------------------------------
export const ALERT_WORDS = new Set(['alerts', 'alert', 'notifications', 'notification']);
export const ALERT_ON = new Set(['on', 'enable', 'enabled', 'start', 'subscribe', 'unmute']);
export const ALERT_OFF = new Set(['off', 'disable', 'disabled', 'stop', 'mute', 'unsubscribe']);
export const ALERT_STATUS = new Set(['status', 'state', 'show', 'list', 'settings', 'check', 'get']);
export const ALERT_PREFIX_VERBS = new Set(['turn', 'switch', 'set']);

/** Words that can never be a value: `-n in` has no namespace. */
export function isReservedWord(word: string): boolean {
  return (
    NAMESPACE_FLAGS.has(word) ||
    CLUSTER_FLAGS.has(word) ||
    NAMESPACE_WORDS.has(word) ||
    CLUSTER_WORDS.has(word) ||
    NAMESPACE_PREPOSITIONS.has(word) ||
    CLUSTER_PREPOSITIONS.has(word) ||
    word === 'the'
  );
}

/**
 * The chat commands Pull Doctor understands. The Teams app manifest's `commandLists` and the help card are built
 * from this list, so titles stay within Teams' 32 characters and descriptions within 128 (checked in tests).
 * Every example must parse to its own command (also checked), so the help card never shows a phrase the bot
 * does not understand.
 */

export type CommandId = 'diagnose' | 'help' | 'alerts';

export interface ChatCommandSpec {
  id: CommandId;
  title: string;
  description: string;
  examples: string[];
}

export const CHAT_COMMANDS: readonly ChatCommandSpec[] = [
  {
    id: 'diagnose',
    title: 'diagnose',
    description: 'Find out why a pod is failing, above all why it cannot pull its image. Add -n NAMESPACE and --cluster NAME.',
    examples: [
      'why is pod web-7d4c9 failing in shop',
      "what's wrong with pod web-7d4c9 in namespace shop",
      'diagnose web-7d4c9 -n shop',
      'diagnose shop/web-7d4c9',
      'check pod web-7d4c9 in namespace shop on cluster prod',
    ],
  },
  {
    id: 'alerts',
    title: 'alerts',
    description: 'Post failing pods to this conversation as they happen: alerts on, alerts off, alerts status.',
    examples: ['alerts on', 'alerts on for namespace shop on cluster prod', 'alerts off', 'alerts status'],
  },
  {
    id: 'help',
    title: 'help',
    description: 'Show what Pull Doctor understands, with examples.',
    examples: ['help', '?'],
  },
];
