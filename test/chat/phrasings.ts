import type { ParsedCommand } from '../../src/chat/parse-command.js';

/**
 * What on-call engineers type and paste to Pull Doctor, with what it means: the command the grammar reads, and what
 * the bot answers on the bundled sandbox (namespace `shop` of cluster `shop-aks`, whose pods are failing one cause
 * each). test/chat/parse-command.test.ts checks the command; test/teams/chat-phrasings.test.ts sends every phrasing to
 * the sandbox bot and checks its answer.
 */
export interface Phrasing {
  typed: string;
  command: ParsedCommand;
  /**
   * The sandbox bot's answer: the diagnosis card of this pod; the failing-pods card of this namespace (`*`: every
   * namespace); a card with a Diagnose button for each of these pods (`choose`, or `offer` when not understood);
   * the help card; a short "not understood" card without buttons; an error card saying this.
   */
  answer:
    | { diagnoses: string }
    | { lists: string }
    | { choose: string[] }
    | { offers: string[] }
    | { help: true }
    | { notUnderstood: true }
    | { refuses: RegExp };
}

const WEB = 'web-7d4c9b6f5-x2k8p';
const API = 'api-6c8f7d9b4-q7r2s';
const CHECKOUT = 'checkout-5b7c8d9f6-z9x8w';
const BILLING = 'billing-7f6e5d4c3-b4c5d';
const REPORTS = 'reports-8a9b0c1d2-r3s4t';
const WORKER = 'worker-6d5c4b3a2-w1x2y';
const FRONTEND = 'frontend-9c8b7a6f5-f6g7h';
const LEDGER = 'ledger-4e3d2c1b0-l9m8n';
const CACHE = 'cache-3f2e1d0c9-c7d8e';
const MIGRATE = 'migrate-2b1a0f9e8-m3n4o';
const VAULT = 'vault-agent-5a6b7c8d9-v0w1x';
const SEARCH = 'search-1c2d3e4f5-s6t7u';
const ORDERS = 'orders-6f7a8b9c0-o1p2q';
const ANALYTICS = 'analytics-0d9c8b7a6-a5b4c';
const STOREFRONT = 'storefront-7b8c9d0e1-h2i3j';

const diagnose = (pod: string, more: { namespace?: string; cluster?: string } = {}): ParsedCommand => ({ kind: 'diagnose', pod, ...more });

export const PHRASINGS: readonly Phrasing[] = [
  // A bare name, as copied from somewhere
  { typed: WEB, command: diagnose(WEB), answer: { diagnoses: WEB } },
  { typed: `shop/${CHECKOUT}`, command: diagnose(CHECKOUT, { namespace: 'shop' }), answer: { diagnoses: CHECKOUT } },
  { typed: `\`${CACHE}\``, command: diagnose(CACHE), answer: { diagnoses: CACHE } },
  { typed: `${WEB} -n shop`, command: diagnose(WEB, { namespace: 'shop' }), answer: { diagnoses: WEB } },
  { typed: `pod/${API}`, command: diagnose(API), answer: { diagnoses: API } },
  { typed: `${STOREFRONT}?`, command: diagnose(STOREFRONT), answer: { diagnoses: STOREFRONT } },

  // kubectl command lines
  { typed: `kubectl describe pod ${WEB} -n shop`, command: diagnose(WEB, { namespace: 'shop' }), answer: { diagnoses: WEB } },
  {
    typed: `kubectl get pod ${BILLING} --namespace shop -o yaml`,
    command: diagnose(BILLING, { namespace: 'shop' }),
    answer: { diagnoses: BILLING },
  },
  {
    typed: `kubectl logs ${REPORTS} -n shop --previous`,
    command: diagnose(REPORTS, { namespace: 'shop' }),
    answer: { diagnoses: REPORTS },
  },
  { typed: `kubectl -n shop describe po/${WORKER}`, command: diagnose(WORKER, { namespace: 'shop' }), answer: { diagnoses: WORKER } },
  {
    typed: `$ kubectl get pods ${FRONTEND} -n shop --context shop-aks`,
    command: diagnose(FRONTEND, { namespace: 'shop', cluster: 'shop-aks' }),
    answer: { diagnoses: FRONTEND },
  },
  { typed: `k describe pod ${LEDGER} -n shop`, command: diagnose(LEDGER, { namespace: 'shop' }), answer: { diagnoses: LEDGER } },
  { typed: 'kubectl logs -f deploy/cache -n shop -c app', command: diagnose('cache', { namespace: 'shop' }), answer: { diagnoses: CACHE } },
  {
    typed: 'kubectl rollout status deployment/checkout -n shop',
    command: diagnose('checkout', { namespace: 'shop' }),
    answer: { diagnoses: CHECKOUT },
  },
  {
    typed: `kubectl describe pod ${VAULT} --namespace=shop`,
    command: diagnose(VAULT, { namespace: 'shop' }),
    answer: { diagnoses: VAULT },
  },
  { typed: 'kubectl get deploy search -n shop', command: diagnose('search', { namespace: 'shop' }), answer: { diagnoses: SEARCH } },
  { typed: `kubectl exec -it ${ORDERS} -n shop -- sh`, command: diagnose(ORDERS, { namespace: 'shop' }), answer: { diagnoses: ORDERS } },
  { typed: 'kubectl get pods -n shop', command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },
  { typed: 'kubectl get pods -A', command: { kind: 'failing' }, answer: { lists: '*' } },
  {
    typed: 'kubectl get nodes',
    command: {
      kind: 'invalid',
      field: 'pod',
      reason:
        'I can only diagnose pods and the Deployments, StatefulSets, DaemonSets and Jobs that run them. Name a pod or a workload (kubectl get pods -n NAMESPACE).',
    },
    answer: { refuses: /I can only diagnose pods/ },
  },

  // Lines pasted from `kubectl get pods`
  { typed: `${WEB}   0/1     ImagePullBackOff   0          5m`, command: diagnose(WEB), answer: { diagnoses: WEB } },
  { typed: `${CHECKOUT}   0/1   ErrImagePull   0   2m14s`, command: diagnose(CHECKOUT), answer: { diagnoses: CHECKOUT } },
  {
    typed: `NAME READY STATUS RESTARTS AGE\n${WEB} 0/1 ImagePullBackOff 0 5m\n${STOREFRONT} 1/1 Running 0 5m`,
    command: diagnose(WEB),
    answer: { diagnoses: WEB },
  },
  {
    typed: `<p>NAME&nbsp;&nbsp;READY&nbsp;&nbsp;STATUS&nbsp;&nbsp;RESTARTS&nbsp;&nbsp;AGE</p><p>${WEB}&nbsp;&nbsp;0/1&nbsp;&nbsp;ImagePullBackOff&nbsp;&nbsp;0&nbsp;&nbsp;5m</p><p>${API}&nbsp;&nbsp;0/1&nbsp;&nbsp;ErrImagePull&nbsp;&nbsp;0&nbsp;&nbsp;5m</p><p>${STOREFRONT}&nbsp;&nbsp;1/1&nbsp;&nbsp;Running&nbsp;&nbsp;0&nbsp;&nbsp;5m</p>`,
    command: { kind: 'choose', pods: [WEB, API] },
    answer: { choose: [WEB, API] },
  },
  {
    typed: `kubectl get pods -n shop\nNAME READY STATUS RESTARTS AGE\n${ORDERS} 0/1 CrashLoopBackOff 6 (40s ago) 12m`,
    command: diagnose(ORDERS, { namespace: 'shop' }),
    answer: { diagnoses: ORDERS },
  },
  {
    typed: `NAMESPACE NAME READY STATUS RESTARTS AGE\nshop ${MIGRATE} 0/1 Init:ErrImagePull 0 3m`,
    command: diagnose(MIGRATE, { namespace: 'shop' }),
    answer: { diagnoses: MIGRATE },
  },
  { typed: `why is this failing? ${ANALYTICS} 0/1 Pending 0 10m`, command: diagnose(ANALYTICS), answer: { diagnoses: ANALYTICS } },

  // Status words around a name
  { typed: `${WEB} is stuck in ImagePullBackOff, why?`, command: diagnose(WEB), answer: { diagnoses: WEB } },
  { typed: `ImagePullBackOff on ${CHECKOUT}`, command: diagnose(CHECKOUT), answer: { diagnoses: CHECKOUT } },
  { typed: `${CHECKOUT} ErrImagePull`, command: diagnose(CHECKOUT), answer: { diagnoses: CHECKOUT } },
  // A bare "on"/"at" before the only name: the pod, not a cluster.
  { typed: 'ImagePullBackOff on checkout', command: diagnose('checkout'), answer: { diagnoses: CHECKOUT } },
  { typed: 'can you look at cache', command: diagnose('cache'), answer: { diagnoses: CACHE } },
  {
    typed: `${ORDERS} keeps crashing (CrashLoopBackOff) in shop`,
    command: diagnose(ORDERS, { namespace: 'shop' }),
    answer: { diagnoses: ORDERS },
  },
  { typed: `${ANALYTICS} stuck Pending for 10 minutes`, command: diagnose(ANALYTICS), answer: { diagnoses: ANALYTICS } },
  { typed: `${SEARCH} InvalidImageName?`, command: diagnose(SEARCH), answer: { diagnoses: SEARCH } },
  { typed: `is ${CACHE} in ErrImagePull?`, command: diagnose(CACHE), answer: { diagnoses: CACHE } },

  // Greetings, the bot addressed in text, trailing clauses
  { typed: `hey pull doctor, why is ${WEB} failing?`, command: diagnose(WEB), answer: { diagnoses: WEB } },
  {
    typed: `Hi @PullDoctor, can you check ${BILLING} in shop please`,
    command: diagnose(BILLING, { namespace: 'shop' }),
    answer: { diagnoses: BILLING },
  },
  {
    typed: `why is ${WEB} failing in shop and what should I do`,
    command: diagnose(WEB, { namespace: 'shop' }),
    answer: { diagnoses: WEB },
  },
  { typed: `why is ${API} not starting? any ideas?`, command: diagnose(API), answer: { diagnoses: API } },
  {
    typed: `good morning! ${REPORTS} is broken since the deploy, can you take a look?`,
    command: diagnose(REPORTS),
    answer: { diagnoses: REPORTS },
  },
  { typed: `yo, what's up with ${WORKER}`, command: diagnose(WORKER), answer: { diagnoses: WORKER } },
  { typed: `thanks! why does ${FRONTEND} fail to pull`, command: diagnose(FRONTEND), answer: { diagnoses: FRONTEND } },
  { typed: `@Pull Doctor why is ${LEDGER} failing`, command: diagnose(LEDGER), answer: { diagnoses: LEDGER } },
  {
    typed: `<at>Pull Doctor</at> why is pod ${CACHE} failing in shop`,
    command: diagnose(CACHE, { namespace: 'shop' }),
    answer: { diagnoses: CACHE },
  },
  { typed: `pull doctor: diagnose ${MIGRATE}`, command: diagnose(MIGRATE), answer: { diagnoses: MIGRATE } },
  { typed: `@pulldoctor what's wrong with ${VAULT}?`, command: diagnose(VAULT), answer: { diagnoses: VAULT } },
  {
    typed: `can someone look at ${CHECKOUT}? ErrImagePull since 10 min`,
    command: diagnose(CHECKOUT),
    answer: { diagnoses: CHECKOUT },
  },
  { typed: `hello\nwhy is ${SEARCH} failing`, command: diagnose(SEARCH), answer: { diagnoses: SEARCH } },

  // A workload's name, or the start of a pod's name
  { typed: 'why is deployment web failing in shop', command: diagnose('web', { namespace: 'shop' }), answer: { diagnoses: WEB } },
  {
    typed: "what's wrong with checkout in namespace shop",
    command: diagnose('checkout', { namespace: 'shop' }),
    answer: { diagnoses: CHECKOUT },
  },
  { typed: 'why is the billing deployment failing?', command: diagnose('billing'), answer: { diagnoses: BILLING } },
  { typed: 'diagnose deploy/reports -n shop', command: diagnose('reports', { namespace: 'shop' }), answer: { diagnoses: REPORTS } },
  { typed: 'check statefulset orders', command: diagnose('orders'), answer: { diagnoses: ORDERS } },
  { typed: 'why is pod web-7d4c9 failing in shop', command: diagnose('web-7d4c9', { namespace: 'shop' }), answer: { diagnoses: WEB } },
  { typed: 'diagnose api-6c8f', command: diagnose('api-6c8f'), answer: { diagnoses: API } },
  {
    typed: 'check pod web-7d4c9 in namespace shop on cluster shop-aks',
    command: diagnose('web-7d4c9', { namespace: 'shop', cluster: 'shop-aks' }),
    answer: { diagnoses: WEB },
  },

  // What is failing
  { typed: "what's failing in shop", command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },
  { typed: "what's failing?", command: { kind: 'failing' }, answer: { lists: '*' } },
  { typed: 'failing pods -n shop', command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },
  { typed: 'status', command: { kind: 'failing' }, answer: { lists: '*' } },
  { typed: 'why are pods failing in namespace shop', command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },
  { typed: 'which pods are broken in shop?', command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },
  { typed: 'show me the failing pods in the shop namespace', command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },
  { typed: 'any pods crashing in shop?', command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },
  { typed: 'what is broken on cluster shop-aks', command: { kind: 'failing', cluster: 'shop-aks' }, answer: { lists: '*' } },
  { typed: 'failing on shop-aks', command: { kind: 'failing', cluster: 'shop-aks' }, answer: { lists: '*' } },
  { typed: 'ImagePullBackOff in shop', command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },
  { typed: 'anything crashing?', command: { kind: 'failing' }, answer: { lists: '*' } },
  { typed: 'status of the shop namespace', command: { kind: 'failing', namespace: 'shop' }, answer: { lists: 'shop' } },

  // Several pods, or a pod mentioned in passing: a button each
  { typed: `why are ${WEB} and ${API} failing?`, command: { kind: 'choose', pods: [WEB, API] }, answer: { choose: [WEB, API] } },
  {
    typed: `fyi the new release of ${WEB} went out`,
    command: { kind: 'unknown', text: `fyi the new release of ${WEB} went out`, pods: [WEB] },
    answer: { offers: [WEB] },
  },
  {
    typed: `deployed ${CHECKOUT} this morning, looks off`,
    command: { kind: 'unknown', text: `deployed ${CHECKOUT} this morning, looks off`, pods: [CHECKOUT] },
    answer: { offers: [CHECKOUT] },
  },
  { typed: 'checkout', command: { kind: 'unknown', text: 'checkout', pods: ['checkout'] }, answer: { offers: ['checkout'] } },

  // Help, and what is not for the bot
  { typed: 'help', command: { kind: 'help' }, answer: { help: true } },
  { typed: 'what can you do?', command: { kind: 'help' }, answer: { help: true } },
  { typed: '<at>Pull Doctor</at>', command: { kind: 'help' }, answer: { help: true } },
  { typed: 'good morning team', command: { kind: 'unknown', text: 'good morning team' }, answer: { notUnderstood: true } },
  { typed: "what's the weather like", command: { kind: 'unknown', text: "what's the weather like" }, answer: { notUnderstood: true } },
  {
    typed: 'why is pod Web-7d4c9 failing',
    command: {
      kind: 'invalid',
      field: 'pod',
      reason: "Pod name 'Web-7d4c9' has capital letters; names are lower case. Did you mean 'web-7d4c9'?",
    },
    answer: { refuses: /has capital letters/ },
  },
];
