import { randomUUID } from 'node:crypto';
import {
  TimClientError,
  type SendMessageResult,
  type StreamEndEvent,
  type TimClient,
  type Timite,
} from '@tim/protocol';
import type { AgentConnection } from '../connection/agent-connection';
import { describeError } from '../describe-error';
import { createCallSignal } from '../llm/call-signal';
import { LlmError, type LlmProvider, type LlmRequest } from '../llm/llm-provider';
import type { Logger } from '../logger';
import type { Persona } from '../persona/persona-schema';
import { createStreamedContent, toMessageContent } from '../prompt/reply-content';
import { createServerContentLimit } from '../server-content-limit';
import type { SpaceState } from '../space/space-state';
import type { Budgets } from './budgets';
import { createReplyStream, STREAM_APPEND_INTERVAL_MS, type ReplyStream } from './reply-stream';
import { buildReplyRequest } from './reply-request';
import { replyTargetOf } from './reply-target';
import type { Thinking } from './thinking';
import { runToolRounds } from './tool-rounds';
import { classifyTurnFailure } from './turn-failure';
import type { AbilityCaller } from '../tools/ability-caller';
import type { SpaceTools } from '../tools/space-tools';

/**
 * Takes one turn in a space: streams the LLM's reply into the space as it is written, clears
 * `thinking` once it shows, and logs the outcome.
 */
export interface TurnTaker {
  /** Never throws: a failure is logged, and a server refusal sets the space's backoff. */
  take(space: SpaceState, self: Timite, triggerIds: readonly number[]): Promise<void>;
}

export interface TurnTakerOptions {
  client: TimClient;
  openStream: AgentConnection['openStream'];
  llm: LlmProvider;
  persona: Persona;
  budgets: Budgets;
  /** Shown by the scheduler from the start of the response delay; cleared here, whatever happens. */
  thinking: Thinking;
  /** Aborted when the agent stops: the LLM call ends, an open stream is withdrawn, and nothing more is posted. */
  signal: AbortSignal;
  now: () => number;
  log: Logger;
  /** The tools the model may use in a turn and how its calls are made; none when omitted. */
  tools?: TurnTools;
}

/** Tool use in turns: the abilities declared in a space, and the caller that makes calls in the open. */
export interface TurnTools {
  /** The space's abilities as the model's tools, read at the start of each turn. */
  read(spaceId: string): Promise<SpaceTools>;
  caller: AbilityCaller;
}

type TurnContext = { spaceId: string; answering: readonly number[] };

export function createTurnTaker(options: TurnTakerOptions): TurnTaker {
  const { client, budgets, signal, log } = options;
  const contentLimit = createServerContentLimit(client, (err) =>
    log.warn('server limits not read; using the default', describeError(err)),
  );

  /** Adds the agent's own message to what it knows, so it counts in the agent chain before its echo arrives. */
  async function learnOwnMessage(space: SpaceState, updateId: number): Promise<void> {
    if (space.known.has(updateId)) return;
    try {
      const page = await client.readUpdates(space.spaceId, { after: updateId - 1, limit: 1 });
      const update = page.updates.find((candidate) => candidate.id === updateId);
      if (update?.event.type === 'message') space.known.add(updateId, update.event.message);
    } catch (err) {
      // The subscription brings the same update soon.
      log.debug('own reply not read back', { spaceId: space.spaceId, updateId, ...describeError(err) });
    }
  }

  /** A reply whose stream ended other than by its finish: what the server kept is the agent's message. */
  async function onEndedOtherwise(space: SpaceState, end: StreamEndEvent, context: TurnContext): Promise<void> {
    if (end.updateId !== undefined) await learnOwnMessage(space, end.updateId);
    const fields = { ...context, updateId: end.updateId, tokensUsedToday: budgets.tokensUsedToday() };
    if (end.reason === 'stopped') log.info('reply stopped', { ...fields, stoppedBy: end.stoppedBy?.id });
    else log.warn('reply cut short: its stream ended', { ...fields, reason: end.reason });
  }

  function logReplied(context: TurnContext, updateId: number, isStreamed: boolean): void {
    log.info('replied', { ...context, updateId, streamed: isStreamed, tokensUsedToday: budgets.tokensUsedToday() });
  }

  /** Finishes the streamed reply, or posts it whole when it could not be streamed. */
  async function deliver(
    space: SpaceState,
    stream: ReplyStream,
    content: string,
    clientMsgId: string,
    context: TurnContext,
  ): Promise<void> {
    const outcome = await stream.finish();
    if (outcome.kind === 'finished') {
      await learnOwnMessage(space, outcome.updateId);
      return logReplied(context, outcome.updateId, true);
    }
    if (outcome.kind === 'ended' && outcome.end.reason === 'stopped')
      return onEndedOtherwise(space, outcome.end, context);
    if (outcome.kind === 'not_streamed') log.debug('reply not streamed', { ...context, code: outcome.code });
    // Never opened, refused, or ended by something other than a person (a dropped connection):
    // posted whole, with the stream's clientMsgId, so a message the server already stored for
    // the stream is answered back instead of a second one being stored.
    options.thinking.clear(space.spaceId);
    const posted = await postWhole(space.spaceId, content, clientMsgId, replyTargetOf(space, context.answering));
    space.known.add(posted.updateId, posted.message);
    logReplied(context, posted.updateId, false);
  }

  /** Posts a reply whole; to a server from before replies, which refuses `replyTo`, without it. */
  async function postWhole(
    spaceId: string,
    content: string,
    clientMsgId: string,
    replyTo: number | undefined,
  ): Promise<SendMessageResult> {
    if (replyTo === undefined) return client.sendMessage(spaceId, content, { clientMsgId });
    try {
      return await client.sendMessage(spaceId, content, { clientMsgId, replyTo });
    } catch (err) {
      if (!(err instanceof TimClientError) || err.code !== 'invalid_request') throw err;
      log.debug('reply posted without replyTo: the server refused it', { spaceId, replyTo, ...describeError(err) });
      return client.sendMessage(spaceId, content, { clientMsgId });
    }
  }

  async function useTools(request: LlmRequest, spaceId: string, callSignal: AbortSignal) {
    const tools = options.tools;
    const maxRounds = options.persona.maxToolRounds;
    if (tools === undefined || maxRounds === 0) return { kind: 'answer_now' as const, request };
    return runToolRounds(request, await tools.read(spaceId), {
      llm: options.llm,
      caller: tools.caller,
      budgets,
      maxRounds,
      dailyTokenBudget: options.persona.limits.dailyTokenBudget,
      spaceId,
      signal: callSignal,
      log,
    });
  }

  return {
    async take(space, self, triggerIds) {
      const spaceId = space.spaceId;
      const context = { spaceId, answering: triggerIds };
      const clientMsgId = randomUUID();
      // One signal for the LLM call: the agent stopping, or the stream ending under it.
      const call = createCallSignal(signal);
      const stream = createReplyStream({
        open: (text) => options.openStream(spaceId, { clientMsgId, text }),
        appendIntervalMs: STREAM_APPEND_INTERVAL_MS,
        // A stream cannot name the message it answers: a reply that should is posted whole.
        whyNotStream: () => (replyTargetOf(space, triggerIds) === undefined ? undefined : 'reply_to'),
        onOpened: () => options.thinking.clear(spaceId),
        onEndedOtherwise: () => call.abort(new Error('The reply stream ended.')),
      });
      // At once, while the connection is still open: an unfinished reply is withdrawn, not stored.
      const withdraw = (): void => stream.abort();
      signal.addEventListener('abort', withdraw, { once: true });
      try {
        const maxContentChars = await contentLimit();
        const request = await buildReplyRequest({
          client,
          persona: options.persona,
          self,
          space,
          throughUpdateId: Math.max(space.known.newestId(), space.seenThroughId),
          triggerIds,
          log,
        });
        const shown = createStreamedContent(self.nick, maxContentChars);
        const rounds = await useTools({ ...request, signal: call.signal }, spaceId, call.signal);
        let reply;
        if (rounds.kind === 'answered') {
          // Answered in a round with tools: it came whole, and its tokens are counted.
          reply = rounds.reply;
          stream.write(shown.push(reply.text));
        } else {
          reply = await options.llm.streamReply({ ...rounds.request, signal: call.signal }, (piece) =>
            stream.write(shown.push(piece)),
          );
          budgets.recordTokens(reply.usage.totalTokens);
        }
        stream.write(shown.end());
        const content = toMessageContent(reply.text, self.nick, maxContentChars);
        if (content === undefined) throw new LlmError('empty_response', "The LLM answered only the agent's own name.");
        // A reply that finished after the agent was told to stop is not posted.
        signal.throwIfAborted();
        await deliver(space, stream, content, clientMsgId, context);
      } catch (err) {
        stream.abort();
        if (err instanceof LlmError && err.usage !== undefined) budgets.recordTokens(err.usage.totalTokens);
        const ended = stream.endedOtherwise();
        if (ended !== undefined && err instanceof LlmError && err.kind === 'aborted' && !signal.aborted) {
          return await onEndedOtherwise(space, await ended, context);
        }
        const failure = classifyTurnFailure(err, { isStopping: signal.aborted, nowMs: options.now() });
        if (failure.serverBackoff !== undefined) space.serverBackoff = failure.serverBackoff;
        log.log(failure.level, failure.message, { ...context, ...failure.fields });
      } finally {
        signal.removeEventListener('abort', withdraw);
        call.release();
        options.thinking.clear(spaceId);
      }
    },
  };
}
