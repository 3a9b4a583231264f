/** A function the model may call: its name as the model sees it and a JSON Schema of its arguments. */
export interface LlmTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A call the model asked for; `arguments` is the JSON text it wrote, not yet parsed. */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * One message of a chat prompt, in the roles every OpenAI-compatible endpoint knows: an
 * assistant message may carry the tool calls it asked for, and a `tool` message answers one.
 */
export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: LlmToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface LlmRequest {
  model: string;
  temperature: number;
  messages: ChatMessage[];
  /** Upper bound of the reply, in tokens; omitted means the endpoint's default. */
  maxReplyTokens?: number;
  /** Aborts the request, e.g. when the agent stops. */
  signal?: AbortSignal;
  /** Functions the model may call; none when omitted or empty. */
  tools?: LlmTool[];
  /** `none` keeps the model from calling the tools it is shown. @default 'auto' */
  toolChoice?: 'auto' | 'none';
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** The endpoint reported no usage; the counts are estimated from the text length. */
  isEstimated: boolean;
}

export interface LlmReply {
  /** The reply's text; may be empty when the model asked for tool calls instead. */
  text: string;
  usage: LlmUsage;
  /** The tool calls the model asked for, when it was offered tools and used them. */
  toolCalls?: LlmToolCall[];
}

/** Receives a streamed reply's text, piece by piece, as it arrives. */
export type OnReplyText = (text: string) => void;

/**
 * The seam between an agent and a language model. Implementations retry transient failures
 * themselves (within a bound) and throw `LlmError` for everything that did not give a reply.
 */
export interface LlmProvider {
  complete(request: LlmRequest): Promise<LlmReply>;
  /**
   * Asks for the reply as a stream: `onText` gets each piece of text as it arrives (untrimmed;
   * their concatenation, trimmed, is the reply's `text`), and the promise resolves with the
   * whole reply once it ended. An endpoint that cannot stream is asked with a plain request,
   * now and from then on; `onText` is then never called, and the reply comes whole. Failures
   * are retried only before any text arrived; a failure after that carries the tokens used so
   * far in `usage`.
   */
  streamReply(request: LlmRequest, onText: OnReplyText): Promise<LlmReply>;
}

export type LlmFailureKind =
  /** No answer within the timeout, after the retries. */
  | 'timeout'
  /** The endpoint kept answering 429. */
  | 'rate_limited'
  /** The endpoint kept answering 5xx. */
  | 'server_error'
  /** Any other HTTP error (bad key, unknown model, …); retrying does not help. */
  | 'http_error'
  /** Connection refused, reset, DNS, … after the retries. */
  | 'network'
  /** The request was aborted by the caller. */
  | 'aborted'
  /** An answer that is not a chat completion. */
  | 'invalid_response'
  /** A chat completion without any text (and without tool calls). */
  | 'empty_response';

/** A turn that produced no reply. The message is safe to log: it never holds keys or prompt text. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    message: string,
    options?: { status?: number; cause?: unknown; usage?: LlmUsage },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'LlmError';
    this.status = options?.status;
    this.usage = options?.usage;
  }

  readonly status: number | undefined;
  /** Tokens the failed request used anyway (a stream cut short), estimated; undefined when unknown. */
  readonly usage: LlmUsage | undefined;
}
