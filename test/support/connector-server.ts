import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the bot did, as the Bot Connector service saw it. */
export interface ConnectorCall {
  operation: 'send' | 'reply' | 'update' | 'delete' | 'createConversation';
  conversationId?: string;
  /** The activity id in the path (reply: the activity replied to; update/delete: the one changed). */
  activityId?: string;
  /** The id the connector gave (send, reply) or kept (update). */
  resultId?: string;
  activity?: Record<string, unknown>;
  authorization?: string;
}

/**
 * A local Bot Connector service: the REST endpoints a bot calls on its `serviceUrl` (Bot Framework REST API v3):
 *   POST   /v3/conversations                                   create a conversation (proactive messages)
 *   POST   /v3/conversations/{conversationId}/activities       send to a conversation
 *   POST   /v3/conversations/{conversationId}/activities/{id}  reply to an activity
 *   PUT    /v3/conversations/{conversationId}/activities/{id}  update an activity
 *   DELETE /v3/conversations/{conversationId}/activities/{id}  delete an activity
 *   GET    /v3/conversations/{conversationId}/pagedmembers     the members (those set in `members`, else 404)
 * It records every call, answers with the ids the real service would, and lets tests wait for a call. HTTP on
 * 127.0.0.1, port 0; reusable for proactive alerts.
 */
export class ConnectorServer {
  readonly calls: ConnectorCall[] = [];
  /** Sends and replies refused because of `failSendsWith` (not in `calls`). */
  readonly refused: Array<{ operation: 'send' | 'reply'; conversationId: string; status: number }> = [];
  private readonly server: Server;
  private nextId = 1;
  private waiters: Array<{ predicate: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }> = [];
  /** Make the next `update` calls fail with this HTTP status (to test the bot's fallback). */
  failUpdatesWith: number | undefined;
  /**
   * Make sends and replies fail with this HTTP status, answered as Teams does when the bot was removed from the
   * conversation (403 BotNotInConversationRoster).
   */
  failSendsWith: number | undefined;
  /** The Retry-After header sent with those failures (as Teams does with 429). */
  failSendsRetryAfter: string | undefined;
  /** The members of each conversation (by the id Teams lists them under: a channel's, without `;messageid=`). */
  readonly members = new Map<string, Array<{ id: string; name: string; aadObjectId?: string }>>();
  /** How many times the bot asked for a conversation's members. */
  memberLists = 0;

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(): Promise<ConnectorServer> {
    const connector = new ConnectorServer();
    await new Promise<void>((resolve) => connector.server.listen(0, '127.0.0.1', resolve));
    return connector;
  }

  /** The serviceUrl to put in activities sent to the bot. */
  get serviceUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Calls that carried an activity of this type (`message`, `typing`) for this conversation, in order. */
  activities(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.activity !== undefined && (conversationId === undefined || c.conversationId === conversationId));
  }

  /** Resolves with the first call, past or future, that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (c: ConnectorCall) => boolean, timeoutMs = 5000): Promise<ConnectorCall> {
    const seen = this.calls.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (c: ConnectorCall) => {
          clearTimeout(timer);
          resolve(c);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no matching connector call within ${timeoutMs} ms; calls so far: ${JSON.stringify(this.calls.map((c) => [c.operation, c.activity?.type]))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(call: ConnectorCall): void {
    this.calls.push(call);
    for (const waiter of this.waiters.filter((w) => w.predicate(call))) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(call);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    let body: Record<string, unknown> | undefined;
    try {
      body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      reply(400, { error: { code: 'BadArgument', message: 'body is not JSON' } });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://connector').pathname.replace(/^\/+/, '/');
    const authorization = req.headers.authorization;
    const parts = path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const base = { ...(authorization ? { authorization } : {}) };
    if (parts[0] !== 'v3' || parts[1] !== 'conversations') {
      reply(404, { error: { code: 'NotFound', message: `no route for ${req.method} ${path}` } });
      return;
    }
    if (parts.length === 2 && req.method === 'POST') {
      const id = `conversation-${this.nextId++}`;
      this.record({ operation: 'createConversation', resultId: id, ...(body ? { activity: body } : {}), ...base });
      reply(201, { id, activityId: body?.activity ? `activity-${this.nextId++}` : undefined });
      return;
    }
    const [, , conversationId, segment, activityId] = parts;
    if (req.method === 'GET' && conversationId !== undefined && segment === 'pagedmembers' && parts.length === 4) {
      this.memberLists++;
      const members = this.members.get(conversationId);
      if (members === undefined) reply(404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
      else reply(200, { members: members.map((m) => ({ ...m, objectId: m.aadObjectId, userRole: 'user' })) });
      return;
    }
    if (conversationId === undefined || segment !== 'activities' || parts.length > 5) {
      reply(404, { error: { code: 'NotFound', message: `no route for ${req.method} ${path}` } });
      return;
    }
    if (req.method === 'POST') {
      if (this.failSendsWith !== undefined) {
        this.refused.push({ operation: activityId ? 'reply' : 'send', conversationId, status: this.failSendsWith });
        if (this.failSendsRetryAfter !== undefined) res.setHeader('Retry-After', this.failSendsRetryAfter);
        const error =
          this.failSendsWith === 429
            ? { code: 'Throttled', message: 'Too many requests.' }
            : { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' };
        reply(this.failSendsWith, { error });
        return;
      }
      const resultId = `activity-${this.nextId++}`;
      this.record({
        operation: activityId ? 'reply' : 'send',
        conversationId,
        ...(activityId ? { activityId } : {}),
        resultId,
        activity: body ?? {},
        ...base,
      });
      reply(body?.type === 'typing' ? 202 : 201, body?.type === 'typing' ? undefined : { id: resultId });
      return;
    }
    if (req.method === 'PUT' && activityId) {
      if (this.failUpdatesWith !== undefined) {
        reply(this.failUpdatesWith, { error: { code: 'BadArgument', message: 'update refused by the test' } });
        return;
      }
      this.record({ operation: 'update', conversationId, activityId, resultId: activityId, activity: body ?? {}, ...base });
      reply(200, { id: activityId });
      return;
    }
    if (req.method === 'DELETE' && activityId) {
      this.record({ operation: 'delete', conversationId, activityId, ...base });
      reply(200);
      return;
    }
    reply(405, { error: { code: 'MethodNotAllowed', message: `${req.method} ${path}` } });
  }
}
