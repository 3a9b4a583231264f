import WebSocket from 'ws';
import { isMessageUpdate, TimClient, type Update, type WebSocketConstructor } from '@tim/protocol';
import { openAgentConnection } from './connection/agent-connection';
import { DEFAULT_WARNING_BACKOFF, type WarningBackoff } from './connection/warning-backoff';
import type { LlmProvider } from './llm/llm-provider';
import type { Logger } from './logger';
import type { Persona } from './persona/persona-schema';
import { createCatchUp } from './space/catch-up';
import { createSpaceJoin } from './space/space-join';
import { createSpaceState, learnChange, logIfCaughtUp } from './space/space-state';
import { createBudgetFile } from './turns/budget-file';
import { createBudgets } from './turns/budgets';
import { createReplyJudge } from './turns/reply-judge';
import { createTurnTaker } from './turns/reply-turn';
import { createThinking, DEFAULT_THINKING_REFRESH_MS } from './turns/thinking';
import { createTurnScheduler } from './turns/turn-scheduler';
import { createAbilityCaller } from './tools/ability-caller';
import { abilityEventOf, actorOf, type AbilityEvent } from './tools/ability-updates';
import { createCallAnswers } from './tools/call-answers';
import { createCallOutcomes } from './tools/call-outcomes';
import { createMcpToolbox } from './tools/mcp-toolbox';
import { readSpaceTools } from './tools/space-tools';
import type { SpaceState } from './space/space-state';

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
  /**
   * How often a lasting problem is warned about: an unreachable server (while the client
   * reconnects) and a space the server refuses (which is also subscribed again each time).
   * @default { firstMs: 2000, maxMs: 300000 }
   */
  warningBackoff?: Partial<WarningBackoff>;
  /** Interval at which `thinking` is sent again while a turn lasts, in ms. @default 3000 */
  thinkingRefreshMs?: number;
  /**
   * A JSON file that keeps the persona's budgets (turns in the last minute, tokens today)
   * across restarts; read at start, rewritten atomically after every change. @default none: kept in memory
   */
  stateFile?: string;
  /** Delays before a crashed MCP server is started again, in ms. @default { minMs: 1000, maxMs: 60000 } */
  mcpRestartBackoff?: { minMs: number; maxMs: number };
}

export interface AgentRunner {
  readonly nick: string;
  /** Resolves when the connection is closed for good: `stop()`, or the server refused the token. */
  readonly closed: Promise<void>;
  /** Closes the connection, aborts a running LLM call and waits for the turns to end. */
  stop(): Promise<void>;
}

/**
 * Runs one persona: its own connection, subscriptions and reply state. Every failure is
 * logged and the agent carries on; nothing it does posts error text into a space.
 *
 * What it does shows in its effects and logs: at debug, `update judged` for every update
 * (with the decision) and `caught up` whenever a space has nothing running or waiting.
 */
export async function startAgentRunner(options: AgentRunnerOptions): Promise<AgentRunner> {
  const { persona } = options;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ agent: persona.nick });
  const client = new TimClient({
    baseUrl: options.baseUrl,
    key: options.token,
    WebSocket: options.WebSocket ?? (WebSocket as unknown as WebSocketConstructor),
    ...(options.reconnectBackoff && { backoff: options.reconnectBackoff }),
  });
  const abort = new AbortController();
  const spaces = new Map(persona.spaces.map((spaceId) => [spaceId, createSpaceState(spaceId)]));
  const budgetFile = options.stateFile === undefined ? undefined : createBudgetFile(options.stateFile, log);
  const budgets = createBudgets({
    now,
    ...(budgetFile && { saved: await budgetFile.load(), onChange: (state) => budgetFile.save(state) }),
  });
  const judge = createReplyJudge({ persona, budgets, now, log });

  // Its events arrive asynchronously, once every part built below exists.
  const connection = openAgentConnection({
    client,
    spaceIds: persona.spaces,
    warningBackoff: { ...DEFAULT_WARNING_BACKOFF, ...options.warningBackoff },
    now,
    log,
    listener: { subscribed: onSubscribed, update: onUpdate },
  });
  const thinking = createThinking({
    sendActivity: connection.sendActivity,
    refreshMs: options.thinkingRefreshMs ?? DEFAULT_THINKING_REFRESH_MS,
  });
  const outcomes = createCallOutcomes();
  const toolbox = createMcpToolbox({
    servers: persona.mcpServers,
    callTimeoutMs: persona.toolCallTimeoutMs,
    log,
    ...(options.mcpRestartBackoff && { restartBackoff: options.mcpRestartBackoff }),
  });
  const answers = createCallAnswers({ client, toolbox, outcomes, now, signal: abort.signal, log });
  // Declared in every space, again whenever a server starts or exits; the connection keeps them across reconnects.
  toolbox.onChange(() => {
    const abilities = toolbox.abilities();
    log.info('abilities declared', { abilities: abilities.map((ability) => ability.name) });
    for (const spaceId of persona.spaces) connection.declareAbilities(spaceId, abilities);
  });
  const turns = createTurnTaker({
    client,
    tools: {
      read: (spaceId) => readSpaceTools(client, spaceId, log),
      caller: createAbilityCaller({ client, outcomes, timeoutMs: persona.toolCallTimeoutMs }),
    },
    openStream: connection.openStream,
    llm: options.llm,
    persona,
    budgets,
    thinking,
    signal: abort.signal,
    now,
    log,
  });
  const scheduler = createTurnScheduler({
    responseDelayMs: persona.responseDelayMs,
    judge,
    budgets,
    turns,
    thinking,
    self: connection.self,
    signal: abort.signal,
    log,
  });

  const catchUp = createCatchUp({
    windowMs: persona.replyPolicy.catchUpWindowMs,
    judge,
    scheduler,
    self: connection.self,
    now,
    log,
  });
  const join = createSpaceJoin({ client, persona, catchUp, self: connection.self, log });

  function onSubscribed(spaceId: string, headId: number): void {
    const space = spaces.get(spaceId);
    if (space !== undefined) join.onSubscribed(space, headId);
  }

  function onUpdate(update: Update): void {
    const space = spaces.get(update.spaceId);
    const self = connection.self();
    if (space === undefined || self === undefined) return;
    const abilityEvent = abilityEventOf(update);
    if (abilityEvent !== undefined) return onAbilityUpdate(space, self.id, update.id, abilityEvent);
    if (isMessageUpdate(update)) space.known.add(update.id, update.event.message);
    else learnChange(space, update);
    space.seenThroughId = Math.max(space.seenThroughId, update.id);
    const decision = judge.judgeArrival(space, self, update);
    if (decision.action !== 'skip') scheduler.enqueue(space, update);
    catchUp.onDelivered(space);
    if (space.awaitedReplay === undefined) answers.replayEnded(space.spaceId);
    logIfCaughtUp(log, space);
  }

  /** A call or outcome: a turn in the agent chain; a call of this agent's ability is answered. */
  function onAbilityUpdate(space: SpaceState, selfId: number, updateId: number, event: AbilityEvent): void {
    const actor = actorOf(event);
    if (actor !== undefined) space.known.addAct(updateId, actor);
    space.seenThroughId = Math.max(space.seenThroughId, updateId);
    if (event.type === 'ability_outcome') outcomes.record(space.spaceId, event);
    else if (event.target.id === selfId) {
      answers.onCall(space.spaceId, event, { isReplay: space.awaitedReplay !== undefined });
    }
    catchUp.onDelivered(space);
    if (space.awaitedReplay === undefined) answers.replayEnded(space.spaceId);
    logIfCaughtUp(log, space);
  }

  return {
    nick: persona.nick,
    closed: connection.closed,
    async stop() {
      abort.abort();
      connection.close();
      await Promise.allSettled([
        ...[...spaces.values()].flatMap((space) => [space.joined, space.turns]),
        answers.settled(),
        toolbox.close(),
      ]);
      await budgetFile?.flush();
    },
  };
}
