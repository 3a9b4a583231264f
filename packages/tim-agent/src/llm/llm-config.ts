/** Where the LLM is, read from the environment the way the `openai` SDK reads it. */
export interface LlmEndpoint {
  baseURL?: string;
  apiKey: string;
}

export const NO_LLM_MESSAGE =
  'No LLM is configured: set OPENAI_API_KEY to use OpenAI, or OPENAI_BASE_URL to use any OpenAI-compatible server (for a local Ollama: OPENAI_BASE_URL=http://127.0.0.1:11434/v1).';

// Ollama, vLLM and llama.cpp ignore the key, but the SDK refuses to start without one.
const LOCAL_PLACEHOLDER_KEY = 'no-key';

/** The configured endpoint, or undefined when neither OPENAI_API_KEY nor OPENAI_BASE_URL is set. */
export function readLlmEndpoint(env: NodeJS.ProcessEnv): LlmEndpoint | undefined {
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const baseURL = env.OPENAI_BASE_URL?.trim() || undefined;
  if (apiKey === undefined && baseURL === undefined) return undefined;
  return { ...(baseURL !== undefined && { baseURL }), apiKey: apiKey ?? LOCAL_PLACEHOLDER_KEY };
}
