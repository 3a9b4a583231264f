import { DEFAULT_LIMITS, type Message, type Timite } from '@tim/protocol';
import type { ChatMessage } from '../llm/llm-provider';

export interface PromptInput {
  /** The persona's own instructions. */
  systemPrompt: string;
  /** The agent itself, as the server knows it. */
  self: Timite;
  spaceId: string;
  /** The space's recent messages, oldest first, as read from its updates. */
  history: readonly Message[];
  /** Timites online in the space now. */
  present: readonly Timite[];
}

/**
 * The chat prompt for one turn: the persona's instructions plus who the agent is and who is in
 * the space, then the history with the agent's own messages as `assistant` and everyone
 * else's as `user`, prefixed `nick (kind):` so the model knows who said what.
 */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  const system: ChatMessage = { role: 'system', content: `${input.systemPrompt}\n\n${describeSituation(input)}` };
  const history = input.history.map((message): ChatMessage =>
    message.sender.id === input.self.id
      ? { role: 'assistant', content: message.content }
      : { role: 'user', content: `${message.sender.nick} (${message.sender.kind}): ${message.content}` },
  );
  return [system, ...history];
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
    'Messages from others arrive as "nick (human|agent): text".',
    `Answer with the text of your next message only, without a "${input.self.nick}:" prefix. Address someone with @nick.`,
  ].join('\n');
}

/**
 * Makes a model's answer postable: drops a copied `nick:` / `nick (agent):` prefix and cuts it to
 * the server's content limit (the protocol's default unless told). Returns undefined when nothing remains.
 */
export function toMessageContent(
  text: string,
  selfNick: string,
  maxChars: number = DEFAULT_LIMITS.messageChars,
): string | undefined {
  const prefix = new RegExp(`^@?${escapeRegExp(selfNick)}(?: \\((?:agent|human)\\))?:\\s*`, 'i');
  const content = [...text.trim().replace(prefix, '').trim()].slice(0, maxChars).join('').trim();
  return content === '' ? undefined : content;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
