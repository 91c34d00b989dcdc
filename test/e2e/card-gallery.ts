import type { Locator } from 'playwright-core';
import type { TeamsCards } from '../../src/teams/bot-framework.js';
import type { AdaptiveCardJson } from '../../src/teams/cards.js';
import { outageSummary, resolvedAlert } from '../fixtures/alerts/index.js';
import type { PlaygroundPage } from '../support/playground-page.js';

/** What a gallery entry can do in the Playground, on the sandbox. */
export interface GalleryStage {
  ui: PlaygroundPage;
  /** The bot's cards, labelled as the sandbox labels them. */
  cards: TeamsCards;
  /** Types `text` in the chat; resolves with the newest card that shows `shows` (waited for). */
  say(text: string, shows: string): Promise<Locator>;
  /** Posts `card` to the chat as the bot does proactively (for cards no chat message leads to); resolves with it. */
  post(card: AdaptiveCardJson): Promise<Locator>;
}

/** One card kind of the gallery: docs/cards/<file>, shown in docs/cards.md under `title` with `about`. */
export interface GalleryCard {
  file: string;
  title: string;
  about: string;
  /** Brings the card up in the Playground; resolves with it (the screenshot is cropped to it). */
  show(stage: GalleryStage): Promise<Locator>;
}

const WEB = 'web-7d4c9b6f5-x2k8p';
const CACHE = 'cache-3f2e1d0c9-c7d8e';
const WEB_CAUSE = 'Kubelet identity of shop-aks has no AcrPull on shopacr';

/**
 * Every card kind the bot sends, in the order docs/cards.md shows them. Adding a card kind is one entry (lanes: add
 * yours here); `npm run cards` shoots them all in the Playground and rewrites docs/cards.md and docs/cards/*.png.
 */
export const GALLERY: readonly GalleryCard[] = [
  {
    file: 'welcome.png',
    title: 'Welcome (help on the sandbox)',
    about: 'The first message in a personal chat: what the bot understands and the sandbox pods to try.',
    show: async ({ ui }) => ui.card('Pods to try'),
  },
  {
    file: 'diagnosing.png',
    title: 'Diagnosing',
    about: 'The placeholder while the checks run; the diagnosis replaces it.',
    show: ({ cards, post }) => post(cards.diagnosing({ pod: WEB, namespace: 'shop' })),
  },
  {
    file: 'diagnosis.png',
    title: 'Diagnosis',
    about: 'The root cause as the title, the cause as a badge, the facts, one Fix block with the exact command.',
    show: ({ say }) => say(`why is pod ${WEB} failing in shop`, WEB_CAUSE),
  },
  {
    file: 'diagnosis-details.png',
    title: 'Diagnosis, details shown',
    about: 'Show details: every check, what the kubelet said (once), the newest events.',
    show: async ({ ui }) => {
      const card = ui.card(WEB_CAUSE);
      await ui.button(card, 'Show details').click();
      await card.getByText('What the kubelet said').waitFor();
      return card;
    },
  },
  {
    file: 'diagnosis-rate-limited.png',
    title: 'Diagnosis, without a fix the bot can make',
    about: "Docker Hub's pull rate limit: the Fix block says what to do, no Request fix.",
    show: ({ say }) => say(`diagnose ${CACHE} -n shop`, 'rate-limiting'),
  },
  {
    file: 'events.png',
    title: 'Events',
    about: 'Show events: the pod’s events, newest first, with Re-run checks.',
    show: async ({ ui }) => {
      await ui.button(ui.card('rate-limiting'), 'Show events').click();
      const events = ui.card(`Events for shop/${CACHE}`);
      await events.waitFor({ state: 'visible' });
      return events;
    },
  },
  {
    file: 'failing-pods.png',
    title: "What's failing",
    about:
      "what's failing in shop: the namespace's failing pods grouped by workload, each with its state, likely cause and a Diagnose button.",
    show: ({ say }) => say("what's failing in shop", 'failing pods in namespace shop'),
  },
  {
    file: 'not-understood.png',
    title: 'Not understood, with a guess',
    about: 'A message not understood that holds something shaped like a pod name: a Diagnose button rather than the help card.',
    show: ({ say }) => say('deploy web-7d4c9b6f5-x2k8p to prod', 'I did not understand'),
  },
  {
    file: 'error-pod-not-found.png',
    title: 'Error: pod not found',
    about: 'The namespace searched, where the pod exists instead (a Diagnose button), the command with the real namespace.',
    show: ({ say }) => say(`why is pod ${WEB} failing in default`, 'Pod not found'),
  },
  {
    file: 'error-unknown-cluster.png',
    title: 'Error: unknown cluster',
    about: 'The known clusters, each a button.',
    show: ({ say }) => say(`diagnose ${WEB} -n shop --cluster prod-westeurope`, 'prod-westeurope'),
  },
  {
    file: 'alerts.png',
    title: 'Alerts on',
    about: 'The answer to alerts on / alerts status.',
    show: ({ say }) => say('alerts on', 'Alerts are on here'),
  },
  {
    file: 'alert.png',
    title: 'Alert',
    about: 'A workload that fails: the same layout as a diagnosis, updated as pods fail and recover.',
    show: async ({ ui }) => {
      const alert = ui.card('Deployment storefront in shop cannot pull its image');
      await alert.waitFor({ state: 'visible', timeout: 20_000 });
      return alert;
    },
  },
  {
    file: 'alert-resolved.png',
    title: 'Alert, resolved',
    about: 'How long the workload failed.',
    show: ({ cards, post }) => post(cards.alert({ view: resolvedAlert, actions: { rerunId: 'r-1', eventsId: 'e-1' } })),
  },
  {
    file: 'alert-summary.png',
    title: 'Alert summary',
    about: 'Many workloads failing at once (a registry outage): one message instead of a flood.',
    show: ({ cards, post }) => post(cards.alertSummary(outageSummary)),
  },
  {
    file: 'fix-requested.png',
    title: 'Diagnosis, fix requested',
    about: 'Request fix marks the diagnosis in place, for everyone; the approval card is the one new message.',
    show: async ({ ui }) => {
      // The diagnosis, not the resolved alert above (its "It failed because" quotes the same root cause).
      await ui.button(ui.cardWith(WEB_CAUSE, 'Run 1 · checked at'), 'Request fix').click();
      const marked = ui.card('waiting for approval');
      await marked.waitFor({ state: 'visible' });
      return marked;
    },
  },
  {
    file: 'fix-approval.png',
    title: 'Fix approval',
    about: 'The grant as facts, the scope in a code block, Why (the root cause), one expiry, who can approve; Withdraw for the requester.',
    show: async ({ ui }) => {
      const approval = ui.card('Waiting for an approver until');
      await approval.waitFor({ state: 'visible' });
      return approval;
    },
  },
  {
    file: 'fix-approval-done.png',
    title: 'Fix approval, done',
    about: 'Approved by someone other than the requester (in the sandbox: one press as Megan Bowen), applied, with Re-run checks.',
    show: async ({ ui }) => {
      await ui.button(ui.card('Waiting for an approver until'), 'Approve as Megan Bowen (sandbox)').click();
      const done = ui.card('Approved by Megan Bowen');
      await done.getByRole('button', { name: 'Re-run checks', exact: true }).waitFor({ timeout: 20_000 });
      return done;
    },
  },
];
