import { z } from 'zod';
import { DEFAULT_LIMITS, Nick, SpaceId } from '@tim/protocol';

/** Whom an agent answers among humans: every message, or only messages that @mention it. */
export const HumanReplyMode = z.enum(['every-message', 'mentions']);
export type HumanReplyMode = z.infer<typeof HumanReplyMode>;

export const ReplyPolicyConfig = z.strictObject({
  /** @default 'mentions' */
  humans: HumanReplyMode.default('mentions'),
  /**
   * The longest run of agent messages since the last human message that this agent helps build:
   * it answers an agent only while the run, counting the incoming message, is shorter than this.
   * @default 2
   */
  maxAgentChain: z.number().int().min(1).max(DEFAULT_LIMITS.maxAgentStreak).default(2),
  /**
   * Messages this agent would have answered that arrived while it was not running or was
   * reconnecting are answered once it is back, when at most this old (ms, by the server's
   * clock); 0 answers none. @default 600000 (10 minutes)
   */
  catchUpWindowMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3_600_000)
    .default(600_000),
});
export type ReplyPolicyConfig = z.infer<typeof ReplyPolicyConfig>;

export const PersonaLimits = z.strictObject({
  /** LLM turns started in any 60 s window. @default 6 */
  repliesPerMinute: z.number().int().min(1).max(600).default(6),
  /** LLM tokens (prompt + completion, as the API reports them) per UTC day. @default 200000 */
  dailyTokenBudget: z.number().int().min(1).default(200_000),
});
export type PersonaLimits = z.infer<typeof PersonaLimits>;

export const PersonaLlm = z.strictObject({
  /** Model name as the endpoint knows it, e.g. `gpt-4o-mini` or `llama3.2`. */
  model: z.string().trim().min(1),
  /** @default 0.7 */
  temperature: z.number().min(0).max(2).default(0.7),
  /** Upper bound of one reply, in tokens; omitted means the endpoint's default. */
  maxReplyTokens: z.number().int().min(1).max(32_000).optional(),
  /** One request's timeout in ms. @default 30000 */
  timeoutMs: z.number().int().min(1).max(600_000).default(30_000),
  /** Retries after a 429, a 5xx, a timeout or a network failure, with backoff. @default 2 */
  maxRetries: z.number().int().min(0).max(5).default(2),
  /**
   * Longest wait before a retry when the endpoint sends `Retry-After`, in ms; a longer wait
   * is cut to this. `TIM_AGENT_MAX_RETRY_AFTER_MS` overrides it for every persona. @default 30000
   */
  maxRetryAfterMs: z.number().int().min(0).max(600_000).default(30_000),
});
export type PersonaLlm = z.infer<typeof PersonaLlm>;

export const OpeningMessage = z.strictObject({
  /** Space to post in; defaults to the persona's first space. */
  space: SpaceId.optional(),
  content: z.string().trim().min(1).max(DEFAULT_LIMITS.messageChars),
});
export type OpeningMessage = z.infer<typeof OpeningMessage>;

/** `${personaDir}` in an MCP server's command, args, env values and cwd: the persona file's directory. */
export const PERSONA_DIR_PLACEHOLDER = '${personaDir}';

/**
 * An MCP server the agent starts over stdio; its tools become the agent's abilities in each of
 * its spaces. `${personaDir}` in `command`, `args`, `env` and `cwd` is the persona file's directory.
 */
export const McpServerConfig = z.strictObject({
  /** Names the server in logs. */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { error: '1–32 letters, digits, "_" or "-".' }),
  /** The program; `node` is the Node.js running the agent. */
  command: z.string().trim().min(1),
  args: z.array(z.string()).max(64).default([]),
  /** Added to a small inherited environment (PATH, HOME, …), as the MCP SDK does. */
  env: z.record(z.string(), z.string()).default({}),
  /** Working directory. @default the agent's */
  cwd: z.string().trim().min(1).optional(),
  /** The tools exposed as abilities (MCP tool names); omitted exposes every tool the server lists. */
  tools: z.array(z.string().min(1)).min(1).optional(),
});
export type McpServerConfig = z.infer<typeof McpServerConfig>;

/** A persona file as written by an operator (YAML or JSON). */
export const PersonaFile = z
  .strictObject({
    nick: Nick,
    /** Name of the environment variable that holds the agent token, e.g. `TIM_AGENT_TOKEN_JARVIS`. */
    tokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
      error: 'An environment variable name of uppercase letters, digits and "_".',
    }),
    /** Server base URL; when absent, `TIM_URL` or http://127.0.0.1:8787. */
    server: z.url({ protocol: /^https?$/ }).optional(),
    spaces: z.array(SpaceId).min(1).default(['main']),
    /** The system prompt inline; give this or `systemPromptFile`. */
    systemPrompt: z.string().trim().min(1).optional(),
    /** A Markdown file holding the system prompt, relative to the persona file. */
    systemPromptFile: z.string().trim().min(1).optional(),
    llm: PersonaLlm,
    /** Wait before answering, in ms, so that a burst of messages becomes one turn. @default 1000 */
    responseDelayMs: z.number().int().min(0).max(60_000).default(1000),
    /** Messages of the space's history given to the model. @default 20 */
    historyMessages: z.number().int().min(1).max(DEFAULT_LIMITS.pageMax).default(20),
    /**
     * The most the history given to the model may cost, in tokens estimated at four characters
     * each; the newest messages are kept, at least the newest one. @default 3000
     */
    historyTokens: z.number().int().min(1).max(1_000_000).default(3000),
    /** Posted after joining, once per space ever: skipped when the agent has posted in the space before. */
    openingMessage: OpeningMessage.optional(),
    replyPolicy: ReplyPolicyConfig.default({ humans: 'mentions', maxAgentChain: 2, catchUpWindowMs: 600_000 }),
    limits: PersonaLimits.default({ repliesPerMinute: 6, dailyTokenBudget: 200_000 }),
    /** MCP servers whose tools the agent offers as abilities and uses itself. */
    mcpServers: z.array(McpServerConfig).max(8).default([]),
    /**
     * Tool rounds per turn: times the model may ask for tool calls before it must answer
     * without tools; 0 gives the model no tools. @default 4
     */
    maxToolRounds: z.number().int().min(0).max(16).default(4),
    /** How long the agent waits for the outcome of a call it makes, in ms. @default 30000 */
    toolCallTimeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
  })
  .superRefine((persona, ctx) => {
    if ((persona.systemPrompt === undefined) === (persona.systemPromptFile === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['systemPrompt'],
        message: 'Give exactly one of "systemPrompt" (inline text) or "systemPromptFile" (a Markdown path).',
      });
    }
    const names = persona.mcpServers.map((server) => server.name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['mcpServers'],
        message: `The MCP server name "${repeated}" is given twice.`,
      });
    }
    const space = persona.openingMessage?.space;
    if (space !== undefined && !persona.spaces.includes(space)) {
      ctx.addIssue({
        code: 'custom',
        path: ['openingMessage', 'space'],
        message: `The opening message's space "${space}" is not among "spaces".`,
      });
    }
  });
export type PersonaFile = z.infer<typeof PersonaFile>;

/** A loaded persona: the file's settings with the system prompt resolved to its text. */
export interface Persona extends Omit<PersonaFile, 'systemPrompt' | 'systemPromptFile' | 'openingMessage'> {
  systemPrompt: string;
  openingMessage?: { space: string; content: string };
  /** Absolute path of the file it was loaded from. */
  sourcePath: string;
}
