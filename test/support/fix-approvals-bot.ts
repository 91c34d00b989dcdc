import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import type { AlertsTuning } from '../../src/alerts/alerts-assembly.js';
import type { App } from '../../src/app/compose.js';
import type { RegistryNetwork } from '../../src/clients/registry/registry-client.js';
import type { FixApprovalsTuning } from '../../src/fixes/fix-approvals-assembly.js';
import type { LogRecord } from '../../src/logging/index.js';
import {
  PLAYGROUND_CURRENT_USER,
  PLAYGROUND_OTHER_USERS,
  PLAYGROUND_TENANT_ID,
  type PlaygroundUser,
} from '../../src/sandbox/playground.js';
import type { SandboxTuning } from '../../src/sandbox/profile.js';
import type { SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { startBot } from './bot.js';
import { cardTexts, executeActions } from './card-text.js';
import { ConnectorServer, type ConnectorCall } from './connector-server.js';
import { cardActionInvoke, groupChat, messageActivity, postActivity, type Conversation, type TeamsAccount } from './teams-activities.js';
import { waitFor } from './wait-for.js';

/**
 * The real bot application on the sandbox (fake kube API, fake ARM answering the real Azure SDK over HTTPS), its
 * SQLite store in a temporary directory, and a local Bot Connector: what the fix approval tests in Teams drive.
 * Every person is a Playground user: Dana types (and requests), the others are the sandbox's approvers.
 */

export const AS_TEAMS = (u: PlaygroundUser): TeamsAccount => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId });
/** The requester: the Playground's current user (not an approver). */
export const DANA = AS_TEAMS(PLAYGROUND_CURRENT_USER);
/** Sandbox approvers. */
export const MEGAN = AS_TEAMS(PLAYGROUND_OTHER_USERS[0]!);
export const ADELE = AS_TEAMS(PLAYGROUND_OTHER_USERS[1]!);
/** Someone of the tenant who is not a Playground user, so not an approver. */
export const MALLORY: TeamsAccount = { id: '29:mallory', name: 'Mallory Stranger', aadObjectId: '0f0e0d0c-0b0a-4909-8807-060504030201' };

/** The sandbox pod whose kubelet identity lacks AcrPull on shopacr. */
export const POD = 'web-7d4c9b6f5-x2k8p';
export const ACR_PULL_GUID = '7f951dda-4ed3-4680-a7ca-43fe172d538d';

export const sandboxGroupChat = (): Conversation => groupChat(undefined, PLAYGROUND_TENANT_ID);

export function cardOf(call: ConnectorCall): Record<string, unknown> {
  return (call.activity!.attachments as Array<{ content: Record<string, unknown> }>)[0]!.content;
}

/** The card of an invoke answer (`{ statusCode, type, value: card }`). */
export function answerCard(body: unknown): Record<string, unknown> {
  return (body as { value: Record<string, unknown> }).value;
}

export function isApprovalCard(card: unknown): boolean {
  return cardTexts(card).includes('Fix approval');
}

export interface FixBot {
  app: App;
  /** The sandbox's world (in sandbox mode). */
  world: SandboxWorld | undefined;
  url: string;
  logs: LogRecord[];
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  tuning?: FixApprovalsTuning;
  alertTuning?: AlertsTuning;
  /** The sandbox's own timing (a clock, a grace period, the drill). */
  sandboxTuning?: SandboxTuning;
  /** `false`: configured mode (the cluster of KUBECONFIG in `env`), with `azureCredential` and `registryNetwork`. */
  sandbox?: boolean;
  azureCredential?: TokenCredential | null;
  registryNetwork?: RegistryNetwork;
}

export interface FixBotWorld {
  connector: ConnectorServer;
  dir: string;
  storePath: string;
  /** A whole bot application (sandbox mode unless `env` says otherwise), listening on 127.0.0.1. */
  start(options?: StartOptions): Promise<FixBot>;
  close(): Promise<void>;
}

export async function startFixBotWorld(): Promise<FixBotWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-fix-bot-'));
  const storePath = join(dir, 'state.sqlite');
  const connector = await ConnectorServer.start();
  const bots: FixBot[] = [];
  return {
    connector,
    dir,
    storePath,
    async start(options = {}) {
      const started = await startBot({
        dir,
        env: options.env ?? {},
        sandbox: options.sandbox === false ? false : (options.sandboxTuning ?? true),
        tuning: { fixes: options.tuning ?? {}, alerts: options.alertTuning ?? {} },
        ...(options.azureCredential !== undefined ? { azureCredential: options.azureCredential } : {}),
        ...(options.registryNetwork ? { registryNetwork: options.registryNetwork } : {}),
      });
      const bot: FixBot = { app: started.app, world: started.world, url: started.url, logs: started.logs, stop: () => started.stop(5000) };
      bots.push(bot);
      return bot;
    },
    async close() {
      for (const b of bots) await b.stop().catch(() => undefined);
      await connector.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Asks for the diagnosis of the sandbox pod; resolves with the message that shows it (the update of "Diagnosing…"). */
export async function diagnose(
  bot: FixBot,
  connector: ConnectorServer,
  chat: Conversation,
  from: TeamsAccount = DANA,
  pod = POD,
): Promise<ConnectorCall> {
  await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, `why is pod ${pod} failing in shop`, from));
  return connector.waitFor(
    (c) => c.operation === 'update' && c.conversationId === chat.id && !cardTexts(cardOf(c)).some((t) => t.startsWith('⏳')),
    15_000,
  );
}

/** Presses a button of the card on message `messageId` as `from`; resolves with the card the invoke answered. */
export async function press(
  bot: FixBot,
  connector: ConnectorServer,
  chat: Conversation,
  messageId: string,
  action: { verb: unknown; data: unknown; title?: string },
  from: TeamsAccount,
): Promise<Record<string, unknown>> {
  const answer = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, action, from));
  if (answer.status !== 200) throw new Error(`invoke answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answerCard(answer.body);
}

export function button(card: unknown, title: string): { title: string; verb: string; data: Record<string, unknown> } {
  const found = executeActions(card).find((a) => a.title === title);
  if (!found) throw new Error(`no ${title} button on ${JSON.stringify(cardTexts(card))}`);
  return found;
}

/** The approval card posted for a request: the first message (not an update) in the conversation that is one. */
export function approvalPost(connector: ConnectorServer, chat: Conversation): Promise<ConnectorCall> {
  return connector.waitFor(
    (c) => c.operation !== 'update' && c.conversationId === chat.id && c.activity?.type === 'message' && isApprovalCard(cardOf(c)),
    10_000,
  );
}

/** Diagnoses the pod, presses Request fix as `requester`, and waits for the approval card. */
export async function requestedFix(bot: FixBot, connector: ConnectorServer, chat: Conversation, requester: TeamsAccount = DANA) {
  const diagnosis = await diagnose(bot, connector, chat, requester);
  // The answer to Request fix: the diagnosis card, marked "Fix requested by … — waiting for approval".
  const marked = await press(bot, connector, chat, diagnosis.activityId!, button(cardOf(diagnosis), 'Request fix'), requester);
  const posted = await approvalPost(connector, chat);
  const id = button(cardOf(posted), 'Approve').data.id;
  // The bot keeps the card's message id (to update it later) once Teams has answered the post.
  await waitFor('the approval card to be recorded', () => bot.logs.some((r) => r.msg === 'approval card posted' && r.fixRequestId === id));
  return { diagnosis, marked, posted, card: cardOf(posted), messageId: posted.resultId! };
}
