// The one screen `npm start` prints once the bot listens (where to click, which mode, which cluster), and what it
// learns from the bot's own start-up records to fill it in. The records themselves go to the run's bot.log.
import type { Config } from '../../src/config/index.js';
import type { StartMode } from '../start.js';

/** What the bot's entry sends on its IPC channel once it listens (src/server/main.ts, runBotProcess). */
export interface ListeningMessage {
  kind: 'pull-doctor:listening';
  url: string;
}

export function isListeningMessage(value: unknown): value is ListeningMessage {
  const m = value as Partial<ListeningMessage> | null;
  return typeof m === 'object' && m !== null && m.kind === 'pull-doctor:listening' && typeof m.url === 'string';
}

/** At most this many characters of any text taken from a record (a reason, a cluster name). */
const MAX_TEXT = 300;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Nothing a log field holds may move the cursor or colour the terminal.
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return clean === '' ? undefined : clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 1)}…` : clean;
}

/**
 * What the bot says about itself while it starts (its JSON log records on stdout, its refusals on stderr): the
 * cluster it diagnoses, or why there is none; whether fixes can be requested, and who approves. A record hidden by
 * LOG_LEVEL leaves its line out of the screen.
 */
export class BotStartupFacts {
  cluster: string | undefined;
  noCluster: string | undefined;
  sandboxPods: number | undefined;
  /** Who approves fixes ("Megan Bowen, Adele Vance"; "2 people listed in APPROVERS"), when fixes are offered. */
  approvers: string | undefined;
  /** Why fixes are not offered. */
  fixesOff: string[] | undefined;
  /** The bot's one-line refusal to start, as it printed it. */
  refusal: string | undefined;

  observe(line: string): void {
    if (!line.startsWith('{')) return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const msg = typeof record.msg === 'string' ? record.msg : '';
    if (msg === 'sandbox started') {
      this.cluster = text(record.cluster) ?? this.cluster;
      if (typeof record.pods === 'number') this.sandboxPods = record.pods;
    } else if (msg === 'diagnosing the configured cluster') {
      this.cluster = text(record.cluster);
    } else if (msg.startsWith('no cluster to diagnose')) {
      this.noCluster = text(record.reason) ?? 'no usable kubeconfig';
    } else if (msg.startsWith('fix requests are not offered')) {
      this.fixesOff = Array.isArray(record.reasons) ? record.reasons.map(text).filter((r): r is string => r !== undefined) : [];
    } else if (msg.startsWith('fix approvals on the sandbox')) {
      const names = Array.isArray(record.approvers) ? record.approvers.map((a) => text(a)?.replace(/\s*\(.*\)$/, '')) : [];
      this.approvers = names.filter((n): n is string => n !== undefined).join(', ');
    } else if (msg === 'fix approvals enabled') {
      const count = typeof record.approvers === 'number' ? record.approvers : 0;
      const listed = count > 0 ? `${count} ${count === 1 ? 'person' : 'people'} listed in APPROVERS` : '';
      const group = record.approverGroup ? 'members of APPROVER_GROUP_ID' : '';
      this.approvers = [listed, group].filter((t) => t !== '').join(' and ');
    }
  }

  /** Whether a stderr line is the bot's one-line refusal (`pull-doctor: …`), which the screen shows as it is. */
  observeStderr(line: string): boolean {
    if (!line.startsWith('pull-doctor: ')) return false;
    this.refusal = line;
    return true;
  }
}

export interface StartScreenInput {
  mode: StartMode;
  /** The bot's base URL, as the bot said it listens. */
  botUrl: string;
  auth: Config['bot']['auth']['mode'];
  localModeAcknowledged: boolean;
  facts: BotStartupFacts;
  /** This run's folder (bot.log, the Playground's log and work folder). */
  runDir: string;
  /** The Playground npm start runs, and the port asked for (another one is taken when that one is in use). */
  playground?: { url: string; user: string; wanted: number };
  /** A sandbox pod to ask about. */
  example?: { pod: string; namespace: string } | undefined;
}

const row = (label: string, value: string) => `  ${label.padEnd(9)} ${value}\n`;

/** The start screen: a few labelled lines, no log record, nothing that reads like an error unless it is one. */
export function startScreen(s: StartScreenInput): string {
  const { facts } = s;
  const rows: string[] = [];
  if (s.playground) {
    const port = new URL(s.playground.url).port;
    const moved = s.playground.wanted !== 0 && String(s.playground.wanted) !== port ? ` (${s.playground.wanted} is in use)` : '';
    rows.push(row('Open', `${s.playground.url}${moved} — the Agents Playground; you are ${s.playground.user}`));
  } else if (s.auth === 'local') {
    rows.push(
      row('Open', `no Playground (--no-playground). One started in this folder reads .m365agentsplayground.yml:`),
      row('', `npx agentsplayground -e ${s.botUrl}/api/messages -c msteams`),
    );
  } else {
    rows.push(row('Open', 'Microsoft Teams: MicrosoftAppId is set, so the bot expects Bot Framework tokens (no Playground)'));
  }

  if (s.mode.kind === 'sandbox') {
    rows.push(row('Mode', `sandbox, because ${s.mode.reason.replace(/^--sandbox was given$/, 'npm start -- --sandbox')}`));
    if (facts.cluster) {
      const pods =
        facts.sandboxPods !== undefined ? `: ${facts.sandboxPods} pods${s.example ? ` in namespace ${s.example.namespace}` : ''}` : '';
      rows.push(row('Cluster', `${facts.cluster} (fake, in the bot's process, with its Azure and registries)${pods}`));
    }
  } else {
    rows.push(row('Mode', `your cluster, because ${s.mode.reason}; npm start -- --sandbox runs the bundled sandbox instead`));
    if (facts.cluster) rows.push(row('Cluster', facts.cluster));
    else if (facts.noCluster) rows.push(row('Cluster', `none: ${facts.noCluster}. Every diagnosis says so.`));
  }
  rows.push(
    row('Try', s.example ? `why is pod ${s.example.pod} failing in ${s.example.namespace}` : 'why is pod NAME failing in NAMESPACE'),
  );

  if (facts.fixesOff) {
    rows.push(row('Fixes', `Request fix is not offered${facts.fixesOff.length > 0 ? ':' : ' (bot.log says why)'}`));
    for (const reason of facts.fixesOff) rows.push(row('', `- ${reason}`));
  } else if (facts.approvers !== undefined) {
    rows.push(row('Fixes', `Request fix; approved by ${facts.approvers}`));
    if (s.mode.kind === 'sandbox' && s.playground) rows.push(row('', 'To approve as one of them: Mock an Activity → Custom activity'));
  }

  const unauthenticated =
    s.auth !== 'local'
      ? ''
      : s.localModeAcknowledged
        ? ' — LOCAL_MODE=true: requests are not authenticated, any process on this machine can act as any Teams user'
        : ' — local mode: only this machine can reach it';
  rows.push(row('Bot', `${s.botUrl}/api/messages${unauthenticated}`));
  rows.push(row('Logs', `${s.runDir} (npm start -- --verbose shows them here)`));

  const stops = s.playground ? 'the bot and the Playground' : 'the bot';
  return `\nPull Doctor is running.\n\n${rows.join('')}\nCtrl-C stops ${stops}.\n`;
}
