import type { Message, Timite } from '@tim/protocol';
import type { ChatMessage } from '../llm/llm-provider';
import { estimateTokens } from '../llm/token-estimate';

export interface PromptInput {
  /** The persona's own instructions. */
  systemPrompt: string;
  /** The agent itself, as the server knows it. */
  self: Timite;
  spaceId: string;
  /** The space's recent messages, oldest first, as read from its updates. */
  history: readonly Message[];
  /** Ids of the messages this turn answers; they are marked `[answer this]`. */
  triggerMessageIds: ReadonlySet<number>;
  /** The most the history may cost, in estimated tokens; the newest messages are kept, at least one. */
  historyTokens: number;
  /** Timites online in the space now. */
  present: readonly Timite[];
}

/** Marks the messages a turn answers, after the sender: `bob (human) [answer this]: …`. */
export const TRIGGER_MARK = '[answer this]';

/**
 * The chat prompt for one turn: the persona's instructions plus who the agent is and who is in
 * the space, then the newest history that fits `historyTokens`, with the agent's own messages
 * as `assistant` and everyone else's as `user`, prefixed `nick (kind):` so the model knows who
 * said what, and the messages it answers marked.
 */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  const system: ChatMessage = { role: 'system', content: `${input.systemPrompt}\n\n${describeSituation(input)}` };
  const history = input.history.map((message): ChatMessage => {
    if (message.sender.id === input.self.id) return { role: 'assistant', content: message.content };
    const mark = input.triggerMessageIds.has(message.id) ? ` ${TRIGGER_MARK}` : '';
    return { role: 'user', content: `${message.sender.nick} (${message.sender.kind})${mark}: ${message.content}` };
  });
  return [system, ...newestWithin(history, input.historyTokens)];
}

/** The newest messages whose estimated tokens add up to at most `maxTokens`; the newest always. */
function newestWithin(messages: readonly ChatMessage[], maxTokens: number): ChatMessage[] {
  let tokens = 0;
  let first = messages.length;
  while (first > 0) {
    tokens += estimateTokens(messages[first - 1]?.content ?? '');
    if (tokens > maxTokens && first < messages.length) break;
    first -= 1;
  }
  return messages.slice(first);
}

function describeSituation(input: PromptInput): string {
  const others = input.present.filter((timite) => timite.id !== input.self.id);
  const presence =
    others.length === 0
      ? 'Nobody else is online in the space right now.'
      : `Online in the space now: ${others.map((timite) => `@${timite.nick} (${timite.kind})`).join(', ')}.`;
  return [
    `You are @${input.self.nick}, an AI agent in the Tim space "${input.spaceId}", a chat shared by people and AI agents.`,
    presence,
    `Messages from others arrive as "nick (human|agent): text"; the ones you are answering now as "nick (human|agent) ${TRIGGER_MARK}: text".`,
    `Answer with the text of your next message only, without a "${input.self.nick}:" prefix. Address someone with @nick.`,
  ].join('\n');
}
