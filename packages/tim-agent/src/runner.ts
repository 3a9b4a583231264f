import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { TimClient, TimClientError, type Timite, type Update, type WebSocketConstructor } from '@tim/protocol';
import { LlmError, type LlmProvider } from './llm/llm-provider';
import type { Logger } from './logger';
import type { Persona } from './persona/persona-schema';
import {
  decide,
  noticeLimit,
  type ReplyDecision,
  type ReplyState,
  type ServerBackoffCode,
  type SkipReason,
} from './reply-policy/reply-policy';
import { addTokens, pruneTurnStarts, tokensUsedOn, utcDay, type TokenBudget } from './reply-policy/reply-limits';
import { createConditionWaiters } from './condition-waiters';
import { createSpaceState, isSettled, type SpaceState } from './space-state';
import { createServerContentLimit } from './server-content-limit';
import { runTurn } from './turn';

export interface AgentRunnerOptions {
  persona: Persona;
  /** tim-code's base URL, e.g. http://127.0.0.1:8787. */
  baseUrl: string;
  /** The agent token printed by `tim-code agent add <nick>`. */
  token: string;
  llm: LlmProvider;
  logger: Logger;
  /** @default `ws`'s WebSocket */
  WebSocket?: WebSocketConstructor;
  /** Clock, in ms since the epoch. @default Date.now */
  now?: () => number;
  /** Reconnect delays of the client, in ms. @default the client's (250 / 15000) */
  reconnectBackoff?: { minMs?: number; maxMs?: number };
}

export interface AgentRunner {
  readonly nick: string;
  /** Resolves when the connection is closed for good: `stop()`, or the server refused the token. */
  readonly closed: Promise<void>;
  /** LLM tokens used today (UTC), as the API reported them. */
  tokensUsedToday(): number;
  /**
   * Resolves once the agent has joined `spaceId`, handled every update up to `updateId` and has
   * no turn running or waiting; rejects after `timeoutMs` naming what it waited for.
   */
  whenSettled(spaceId: string, updateId: number, timeoutMs?: number): Promise<void>;
  /** Resolves once the agent has handled (decided on) every update of `spaceId` up to `updateId`. */
  whenSeen(spaceId: string, updateId: number, timeoutMs?: number): Promise<void>;
  /** Closes the connection, aborts a running LLM call and waits for the turns to end. */
  stop(): Promise<void>;
}

/** Waits used when a 429 carries no Retry-After, in seconds. */
const DEFAULT_RETRY_AFTER_SECONDS: Record<ServerBackoffCode, number> = { agent_turn_limit: 60, rate_limited: 10 };

/**
 * Runs one persona: its own connection, subscriptions and reply state. Every failure is
 * logged and the agent carries on; nothing it does posts error text into a space.
 */
export function startAgentRunner(options: AgentRunnerOptions): AgentRunner {
  const { persona, llm } = options;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ agent: persona.nick });
  const client = new TimClient({
    baseUrl: options.baseUrl,
    key: options.token,
    WebSocket: options.WebSocket ?? (WebSocket as unknown as WebSocketConstructor),
    ...(options.reconnectBackoff && { backoff: options.reconnectBackoff }),
  });
  const contentLimit = createServerContentLimit(client, (err) =>
    log.warn('server limits not read; using the default', describeError(err)),
  );
  const abort = new AbortController();
  const spaces = new Map(persona.spaces.map((spaceId) => [spaceId, createSpaceState(spaceId)]));
  const joinedSpaces = new Set<string>();
  const waiters = createConditionWaiters();
  let self: Timite | undefined;
  let turnStartsMs: number[] = [];
  let budget: TokenBudget = { day: utcDay(now()), tokens: 0 };
  let lastAnnouncedLimit: SkipReason | undefined;
  let isOpeningClaimed = false;

  const replyState = (space: SpaceState, me: Timite, overrides: Partial<ReplyState> = {}): ReplyState => ({
    selfId: me.id,
    policy: persona.replyPolicy,
    limits: persona.limits,
    liveAfterId: space.liveAfterId ?? 0,
    agentChain: space.known.agentChain(),
    newestHumanUpdateId: space.known.newestHumanId(),
    turnStartsMs,
    tokensUsedToday: tokensUsedOn(budget, now()),
    isGenerating: space.turns !== undefined,
    serverBackoff: space.serverBackoff,
    nowMs: now(),
    ...overrides,
  });

  const noteDecision = (decision: ReplyDecision, context: Record<string, unknown>): void => {
    const notice = noticeLimit(lastAnnouncedLimit, decision);
    lastAnnouncedLimit = notice.lastAnnounced;
    if (notice.shouldLog && decision.action === 'skip') {
      log.warn('limit reached: staying silent until it lifts', { reason: decision.reason, ...context });
    } else if (decision.action === 'skip') {
      log.debug('not answering', { reason: decision.reason, ...context });
    }
  };

  const subscription = client.connect();
  const closed = new Promise<void>((resolve) => {
    subscription.on('state', ({ previous, next, reason }) => {
      log.info('connection state', { previous, next, reason });
      if (next !== 'closed') return;
      if (!abort.signal.aborted) log.error('connection closed for good; is the agent token valid?', { reason });
      resolve();
    });
  });
  subscription.on('ready', (timite) => {
    self = timite;
    if (timite.kind !== 'agent') log.warn('the token belongs to a human timite, not an agent', { nick: timite.nick });
  });
  subscription.on('error', (error) => log.warn('server error frame', { code: error.code, spaceId: error.spaceId }));
  subscription.on('subscribed', ({ spaceId, headId }) => {
    const space = spaces.get(spaceId);
    if (space === undefined) return;
    const isFirst = space.liveAfterId === undefined;
    // Everything up to the head at (re)subscribe time is history; after a reconnect the
    // client replays what was missed, and those updates must not be answered either.
    space.liveAfterId = Math.max(space.liveAfterId ?? 0, headId);
    if (!isFirst) return;
    space.seenThroughId = Math.max(space.seenThroughId, headId);
    space.joined = join(space, headId).finally(() => {
      joinedSpaces.add(spaceId);
      waiters.notify();
    });
  });
  subscription.on('update', (update) => {
    try {
      onUpdate(update);
    } catch (err) {
      log.error('update handling failed', { updateId: update.id, ...describeError(err) });
    }
  });
  for (const spaceId of persona.spaces) subscription.subscribe(spaceId);

  async function join(space: SpaceState, headId: number): Promise<void> {
    try {
      if (headId > 0) {
        const limit = Math.max(persona.historyMessages, persona.replyPolicy.maxAgentChain);
        const page = await client.readUpdates(space.spaceId, { before: headId + 1, limit });
        for (const update of page.updates) {
          if (update.event.type === 'message') space.known.add(update.id, update.event.message);
        }
      }
    } catch (err) {
      log.warn('history not loaded; the agent chain starts from what arrives', {
        spaceId: space.spaceId,
        ...describeError(err),
      });
    }
    const opening = persona.openingMessage;
    if (opening === undefined || opening.space !== space.spaceId || isOpeningClaimed) return;
    // Claimed before sending: the opening is posted at most once per run, whatever happens.
    isOpeningClaimed = true;
    // After a restart nobody may have spoken since this agent last did; another opening would
    // only repeat itself (and feed the agent run).
    if (space.known.agentRun().some((message) => message.sender.id === self?.id)) {
      log.info('opening message skipped: nobody spoke since this agent last did', { spaceId: space.spaceId });
      return;
    }
    try {
      const posted = await client.sendMessage(space.spaceId, opening.content);
      space.known.add(posted.updateId, posted.message);
      log.info('opening message posted', { spaceId: space.spaceId, updateId: posted.updateId });
    } catch (err) {
      log.warn('opening message not posted', { spaceId: space.spaceId, ...describeError(err) });
    }
  }

  function onUpdate(update: Update): void {
    const space = spaces.get(update.spaceId);
    if (space === undefined || self === undefined) return;
    if (update.event.type === 'message') space.known.add(update.id, update.event.message);
    space.seenThroughId = Math.max(space.seenThroughId, update.id);
    const decision = decide(replyState(space, self), update);
    noteDecision(decision, { spaceId: space.spaceId, updateId: update.id });
    if (decision.action !== 'skip') {
      space.pending.push(update);
      if (space.turns === undefined) startTurns(space);
    }
    waiters.notify();
  }

  function startTurns(space: SpaceState): void {
    space.turns = runTurns(space)
      .catch((err: unknown) => {
        log.error('turn loop failed', { spaceId: space.spaceId, ...describeError(err) });
      })
      .finally(() => {
        space.turns = undefined;
        waiters.notify();
      });
  }

  /** Takes turns until nothing waits; what arrives during a turn is folded into the next one. */
  async function runTurns(space: SpaceState): Promise<void> {
    await space.joined;
    while (space.pending.length > 0 && !abort.signal.aborted && self !== undefined) {
      if (persona.responseDelayMs > 0) {
        const isAborted = await delay(persona.responseDelayMs, false, { signal: abort.signal }).catch(
          (err: unknown) => {
            if (abort.signal.aborted) return true;
            throw err;
          },
        );
        if (isAborted) return;
      }
      const triggers = space.pending.splice(0);
      // Decided again now: the agent's own replies, new limits and backoffs count. The
      // history check was made when each trigger arrived.
      const state = replyState(space, self, { isGenerating: false, liveAfterId: 0 });
      const decisions = triggers.map((update) => decide(state, update));
      const triggerIds = triggers.map((update) => update.id);
      const reply = decisions.find((decision) => decision.action === 'reply');
      if (reply === undefined) {
        for (const decision of decisions) noteDecision(decision, { spaceId: space.spaceId, updateIds: triggerIds });
        continue;
      }
      noteDecision(reply, {});
      turnStartsMs = [...pruneTurnStarts(turnStartsMs, now()), now()];
      await takeTurn(space, self, triggerIds);
    }
  }

  async function takeTurn(space: SpaceState, me: Timite, triggerIds: number[]): Promise<void> {
    const spaceId = space.spaceId;
    subscription.sendActivity(spaceId, 'thinking');
    try {
      const posted = await runTurn({
        client,
        llm,
        persona,
        self: me,
        spaceId,
        throughUpdateId: Math.max(space.known.newestId(), space.seenThroughId),
        maxContentChars: await contentLimit(),
        recordUsage: (usage) => {
          budget = addTokens(budget, usage.totalTokens, now());
        },
        signal: abort.signal,
      });
      space.known.add(posted.updateId, posted.message);
      log.info('replied', {
        spaceId,
        updateId: posted.updateId,
        answering: triggerIds,
        tokensUsedToday: tokensUsedOn(budget, now()),
      });
    } catch (err) {
      handleTurnFailure(space, err, triggerIds);
    } finally {
      subscription.sendActivity(spaceId, 'idle');
    }
  }

  function handleTurnFailure(space: SpaceState, err: unknown, triggerIds: number[]): void {
    const context = { spaceId: space.spaceId, answering: triggerIds };
    if (abort.signal.aborted) {
      log.debug('turn abandoned: stopping', context);
    } else if (err instanceof LlmError) {
      log.warn('turn skipped: the LLM gave no reply', {
        ...context,
        kind: err.kind,
        status: err.status,
        error: err.message,
      });
    } else if (err instanceof TimClientError && isServerBackoffCode(err.code)) {
      const seconds = err.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS[err.code];
      space.serverBackoff = { untilMs: now() + seconds * 1000, code: err.code };
      log.warn('turn skipped: the server refused the reply; backing off', { ...context, code: err.code, seconds });
    } else {
      log.warn('turn skipped', { ...context, ...describeError(err) });
    }
  }

  function waitUntil(
    spaceId: string,
    timeoutMs: number,
    what: string,
    condition: (space: SpaceState) => boolean,
  ): Promise<void> {
    const space = spaces.get(spaceId);
    if (space === undefined) return Promise.reject(new Error(`${persona.nick} does not join ${spaceId}`));
    return waiters.waitFor(
      () => condition(space),
      timeoutMs,
      () => {
        const now = `seen through ${space.seenThroughId}, ${space.pending.length} pending, turn ${space.turns ? 'running' : 'idle'}`;
        return `${persona.nick} not ${what} in ${spaceId} within ${timeoutMs} ms (${now})`;
      },
    );
  }

  return {
    nick: persona.nick,
    closed,
    tokensUsedToday: () => tokensUsedOn(budget, now()),
    whenSettled(spaceId, updateId, timeoutMs = 10_000) {
      return waitUntil(spaceId, timeoutMs, `settled through update ${updateId}`, (space) =>
        isSettled(space, updateId, joinedSpaces.has(spaceId)),
      );
    },
    whenSeen(spaceId, updateId, timeoutMs = 10_000) {
      return waitUntil(spaceId, timeoutMs, `seen update ${updateId}`, (space) => space.seenThroughId >= updateId);
    },
    async stop() {
      abort.abort();
      subscription.close();
      await Promise.allSettled([...spaces.values()].flatMap((space) => [space.joined, space.turns]));
    },
  };
}

function isServerBackoffCode(code: string): code is ServerBackoffCode {
  return Object.hasOwn(DEFAULT_RETRY_AFTER_SECONDS, code);
}

/** What is safe to log about a failure: codes and sentences, never bodies or keys. */
function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof TimClientError) return { code: err.code, status: err.status, error: err.message };
  if (err instanceof Error) return { error: err.stack ?? err.message };
  return { error: String(err) };
}
