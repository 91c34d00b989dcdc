/** The vocabulary of the chat parser, lower case. Names never need to be listed here. */

const words = (text: string): Set<string> => new Set(text.trim().split(/\s+/));

export const HELP_WORDS = words('help usage commands menu /help h hi hello hey');
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

/** Greetings and the bot's own name, typed before the question ("hey pull doctor, why is …", "@Pull Doctor why …"). */
export const GREETINGS = words('hey hi hello yo ok okay so hiya morning please pls plz dear');
export const BOT_NAME_WORDS = words('@pull @pulldoctor @pull-doctor pulldoctor pull-doctor doctor @doctor bot @bot');
export const COURTESY_PREFIX = words('please pls plz hey hi hello ok okay so yo');
export const COURTESY_SUFFIX = words('please pls plz thanks thx ty cheers');

// --- intents ---------------------------------------------------------------------------------------------------
export const DIAGNOSE_VERBS = words(
  'diagnose diag /diagnose check debug investigate inspect troubleshoot examine analyze analyse explain fix diagnosis describe',
);
export const WRONG_WORDS = words('wrong up happening');
export const POSSESSIVES = words('the my our this that a');
export const POD_WORDS = words('pod po');
export const PODS_WORDS = words('pods');
/** Workloads whose pods Pull Doctor diagnoses by the workload's name. */
export const WORKLOAD_WORDS = words(
  'deployment deployments deploy statefulset statefulsets sts daemonset daemonsets ds replicaset replicasets rs job jobs cronjob cronjobs cj',
);
/** Resources Pull Doctor does not diagnose. */
export const OTHER_RESOURCES = words(
  'node nodes no ingress ingresses ing configmap configmaps cm secret secrets pvc pv persistentvolumeclaim',
);

/** "what's failing", "what is broken": a listing, unless "with NAME" follows (that is a diagnosis). */
export const LISTING_OPENERS = words("what's whats what which any anything");
export const LISTING_WORDS = words('status health overview failing failed broken down crashing unhealthy erroring wrong');

/** The pod's state, as kubectl shows it or as people say it: a question about a pod, never its name. */
export const STATE_WORDS = words(`
  failing failed fail fails crashing crash crashes crashed crashlooping crashloop crash-loop crash-looping loop looping broken
  down pending stuck erroring error errors restarting restart restarts not running run starting start started ready working
  work up keep keeps kept still always anymore unhealthy pulling pull pulled its it's it image images coming come being
  scheduled is does isn't doesn't won't can't cannot imagepullbackoff errimagepull crashloopbackoff containercreating
  backoff back-off wrong oomkilled oom evicted terminating unknown createcontainerconfigerror createcontainererror
  invalidimagename errimageneverpull podinitializing unschedulable notready hanging hung dead dying died degraded
  flapping unavailable offline red stopped exited exit killed`);
/** "in pending", "in a crash loop", "in ImagePullBackOff": a state, not a namespace. */
export const STATES_AFTER_IN = words('pending a crashloopbackoff imagepullbackoff errimagepull containercreating error backoff');

/**
 * Words of a question that are never a name: what engineers type around a pod's name ("can you tell me why …",
 * "… and what should I do?", "any idea?"). Together with the intents, states and qualifiers they make the sentence;
 * what is left is the name.
 */
export const SENTENCE_WORDS = words(`
  why why's whys what what's whats how how's when where who which whose is are was were be been being am does do did
  done can could would will should shall may might must has have had isn't aren't wasn't doesn't don't didn't can't
  couldn't won't wouldn't shouldn't i i'm im i've me my mine we us our you your yours it its it's itself this that these
  those there here they them their the a an some any all every each one and or but so then because since to of with
  about after before again also just only still now today yet anymore ever already into by as if than too very really
  for from in on at within inside
  please pls plz thanks thank thx ty cheers hey hi hello ok okay yo team folks all guys help helps advise advice suggest
  suggestion know tell show see look looking looks take give get going go goes gone happen happens happening happened
  wrong up on issue issues problem problems trouble weird strange anything something nothing idea ideas clue clues
  doing fix fixed fixing solve resolve sort sorted out figure reason cause causes causing caused going deploy deployed
  rollout rolled release released new latest version since yesterday morning night hour hours minutes minute ago
  happening occurring keeps keep doc doctor pull-doctor pulldoctor bot @bot quick quickly asap urgent urgently
  going-on container containers app apps application service services workload workloads image images registry
  kubernetes k8s aks cluster namespace kubectl logs log let's lets let need needs want wants like please-help
  stuck forever long while something's what's-up whats-up ?`);

// --- qualifiers ------------------------------------------------------------------------------------------------
export const NAMESPACE_FLAGS = words('-n --namespace --ns');
export const CLUSTER_FLAGS = words('-c --cluster --context');
export const NAMESPACE_WORDS = words('namespace ns');
export const CLUSTER_WORDS = words('cluster context');
/** "in shop" names a namespace; "on prod" / "at prod" a cluster. "for" and "from" only with the kind named. */
export const NAMESPACE_PREPOSITIONS = words('in for from within inside');
export const LOOSE_NAMESPACE_PREPOSITIONS = words('in within inside');
export const CLUSTER_PREPOSITIONS = words('on at');
export const BENEFICIARIES = words('me us');
/** `-A` / `--all-namespaces`: every namespace. */
export const ALL_NAMESPACES_FLAGS = words('-a --all-namespaces');

// --- alerts ----------------------------------------------------------------------------------------------------
export const ALERT_WORDS = words('alerts alert notifications notification');
export const ALERT_ON = words('on enable enabled start subscribe unmute');
export const ALERT_OFF = words('off disable disabled stop mute unsubscribe');
export const ALERT_STATUS = words('status state show list settings check get');
export const ALERT_PREFIX_VERBS = words('turn switch set');

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

/** A word of a question about pods, never a name (the parser keeps what is left as the name). */
export function isSentenceWord(word: string): boolean {
  return (
    SENTENCE_WORDS.has(word) ||
    STATE_WORDS.has(word) ||
    DIAGNOSE_VERBS.has(word) ||
    POD_WORDS.has(word) ||
    PODS_WORDS.has(word) ||
    WORKLOAD_WORDS.has(word) ||
    LISTING_WORDS.has(word) ||
    BOT_NAME_WORDS.has(word) ||
    GREETINGS.has(word) ||
    COURTESY_SUFFIX.has(word) ||
    WRONG_WORDS.has(word)
  );
}

/**
 * The chat commands Pull Doctor understands. The Teams app manifest's `commandLists` and the help card are built
 * from this list, so titles stay within Teams' 32 characters and descriptions within 128 (checked in tests).
 * Every example must parse to its own command (also checked) and work as written on the bundled sandbox (checked
 * against the sandbox bot), so the help card never shows a phrase the bot does not understand.
 */

export type CommandId = 'diagnose' | 'failing' | 'help' | 'alerts';

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
    description: 'Why a pod (or a Deployment) is failing, above all why it cannot pull its image. Paste a name, a kubectl line.',
    examples: [
      'why is pod web-7d4c9 failing in shop',
      "what's wrong with checkout in namespace shop",
      'kubectl describe pod billing-7f6e5d4c3-b4c5d -n shop',
      'diagnose shop/cache-3f2e1d0c9-c7d8e',
      'check pod web-7d4c9 in namespace shop on cluster shop-aks',
    ],
  },
  {
    id: 'failing',
    title: "what's failing",
    description: 'The failing pods of a namespace (or of the cluster), grouped by workload, each with a Diagnose button.',
    examples: ["what's failing in shop", 'failing pods -n shop', 'status'],
  },
  {
    id: 'alerts',
    title: 'alerts',
    description: 'Post failing pods to this conversation as they happen: alerts on, alerts off, alerts status.',
    examples: ['alerts on', 'alerts on for namespace shop on cluster shop-aks', 'alerts off', 'alerts status'],
  },
  {
    id: 'help',
    title: 'help',
    description: 'Show what Pull Doctor understands, with examples.',
    examples: ['help', '?'],
  },
];
