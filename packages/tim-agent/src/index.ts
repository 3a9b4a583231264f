export { startAgentRunner, type AgentRunner, type AgentRunnerOptions } from './runner';
export { runCli, DEFAULT_TIM_URL, type CliIo } from './cli';
export { loadPersona, resolvePersonaPath, PersonaError, BUILTIN_PERSONAS_DIR } from './persona/load-persona';
export { PersonaFile, type Persona } from './persona/persona-schema';
export { decide, checkLimits, type ReplyDecision, type ReplyState, type SkipReason } from './reply-policy/reply-policy';
export {
  LlmError,
  type LlmProvider,
  type LlmRequest,
  type LlmReply,
  type LlmUsage,
  type ChatMessage,
} from './llm/llm-provider';
export { createOpenAiProvider, type OpenAiProviderOptions } from './llm/openai-provider';
export { readLlmEndpoint, NO_LLM_MESSAGE, type LlmEndpoint } from './llm/llm-config';
export { createLogger, createSilentLogger, type Logger } from './logger';
