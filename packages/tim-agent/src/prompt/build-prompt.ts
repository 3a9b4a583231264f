import type { Message, Timite } from '@tim/protocol';
import type { ChatMessage } from '../llm/llm-provider';
import { estimateTokens } from '../llm/token-estimate';

export interface PromptInput {
  /** The persona's own instructions. */
  systemPrompt: string;
  /** The agent itself, as the server knows it. */
  self: Timite;
  spaceId: string;
  /** The space's recent messages, oldest first, as they are now; deleted ones are left out. */
  history: readonly Message[];
  /** The messages the history's messages reply to, by id, as they are now (see `readRepliedTo`). */
  repliedTo: ReadonlyMap<number, Message>;
  /** Ids of the messages this turn answers; they are marked `[answer this]`. */
  triggerMessageIds: ReadonlySet<number>;
  /** The most the history may cost, in estimated tokens; the newest messages are kept, at least one. */
  historyTokens: number;
  /** Timites online in the space now. */
  present: readonly Timite[];
}

/** Marks the messages a turn answers, after the sender: `bob (human) [answer this]: …`. */
export const TRIGGER_MARK = '[answer this]';

/** The most of a replied-to message's text a reply quotes, in characters. */
export const REPLY_QUOTE_CHARS = 500;

/**
 * The chat prompt for one turn: the persona's instructions plus who the agent is and who is in
 * the space, then the newest history that fits `historyTokens`, with the agent's own messages
 * as `assistant` and everyone else's as `user`, prefixed `nick (kind):` so the model knows who
 * said what, and the messages it answers marked. A reply starts with the message it answers,
 * quoted (`(in reply to @alice: "…")`), however old; a deleted message shows nowhere, neither
 * itself nor quoted.
 */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  const system: ChatMessage = { role: 'system', content: `${input.systemPrompt}\n\n${describeSituation(input)}` };
  const shown = input.history.filter((message) => message.deletedAt === undefined);
  const history = shown.map((message): ChatMessage => {
    if (message.sender.id === input.self.id) return { role: 'assistant', content: message.content };
    const mark = input.triggerMessageIds.has(message.id) ? ` ${TRIGGER_MARK}` : '';
    const text = `${describeReply(message, input.repliedTo)}${message.content}`;
    return { role: 'user', content: `${message.sender.nick} (${message.sender.kind})${mark}: ${text}` };
  });
  return [system, ...newestWithin(history, input.historyTokens)];
}

/** `(in reply to @nick: "…") ` before a reply's text; '' for a message that replies to nothing. */
function describeReply(message: Message, repliedTo: ReadonlyMap<number, Message>): string {
  if (message.replyTo === undefined) return '';
  const original = repliedTo.get(message.replyTo);
  if (original === undefined) return '(in reply to an earlier message) ';
  if (original.deletedAt !== undefined) return '(in reply to a deleted message) ';
  return `(in reply to @${original.sender.nick}: "${quote(original.content)}") `;
}

/** A message's text on one line, cut to `REPLY_QUOTE_CHARS`. */
function quote(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= REPLY_QUOTE_CHARS ? line : `${chars.slice(0, REPLY_QUOTE_CHARS - 1).join('')}…`;
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
    `A message that replies to an earlier one begins with it quoted: (in reply to @nick: "earlier text").`,
    `Answer with the text of your next message only, without a "${input.self.nick}:" prefix. Address someone with @nick.`,
  ].join('\n');
}
