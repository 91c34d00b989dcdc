import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { Logger } from '../logging/index.js';

const TURN_LOG = Symbol('pull-doctor turn logger');

/** Creates the turn's child logger (turn id, conversation id, activity id and type) and keeps it on the context. */
export function beginTurnLog(context: TurnContext, log: Logger): Logger {
  const a = context.activity;
  const turnLog = log.child({
    turnId: randomUUID(),
    conversationId: a.conversation?.id,
    activityId: a.id,
    activityType: a.type,
    ...(a.name ? { activityName: a.name } : {}),
  });
  context.turnState.set(TURN_LOG, turnLog);
  return turnLog;
}

/** The turn's logger, or `fallback` outside a turn started with `beginTurnLog`. */
export function turnLog(context: TurnContext, fallback: Logger): Logger {
  return (context.turnState.get(TURN_LOG) as Logger | undefined) ?? fallback;
}
