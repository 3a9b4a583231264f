import type { JsonValue } from '@tim/protocol';
import type { ChatMessage, LlmProvider, LlmReply, LlmRequest, LlmToolCall } from '../llm/llm-provider';
import type { Logger } from '../logger';
import type { AbilityCaller } from '../tools/ability-caller';
import type { SpaceTools } from '../tools/space-tools';
import type { Budgets } from './budgets';

export interface ToolRoundsOptions {
  llm: LlmProvider;
  caller: AbilityCaller;
  budgets: Budgets;
  /** Rounds of tool calls at most; then the model must answer without tools. */
  maxRounds: number;
  dailyTokenBudget: number;
  spaceId: string;
  signal: AbortSignal;
  log: Logger;
}

/** Where the tool rounds left the turn. */
export type ToolRoundsResult =
  /** The model answered in a round: this is the reply. */
  | { kind: 'answered'; reply: LlmReply }
  /** Rounds ran out (or none were possible): ask `request` for the final answer, the tools shown but not callable. */
  | { kind: 'answer_now'; request: LlmRequest };

/**
 * Lets the model use tools before it answers: it is asked with the space's tools; when it
 * returns tool calls, each is made in the open through the server (a call and an outcome in
 * the timeline) and its answer goes back as a `tool` message, for at most `maxRounds` rounds.
 * Every round's tokens count against the daily budget, and an exhausted budget or a refusal
 * by the server's agent limit ends the rounds early.
 */
export async function runToolRounds(
  request: LlmRequest,
  spaceTools: SpaceTools,
  options: ToolRoundsOptions,
): Promise<ToolRoundsResult> {
  const { budgets, log } = options;
  const messages: ChatMessage[] = [...request.messages];
  const context = { spaceId: options.spaceId };
  const finalRequest = (): LlmRequest =>
    spaceTools.tools.length === 0 || messages.length === request.messages.length
      ? { ...request, messages }
      : { ...request, messages, tools: spaceTools.tools, toolChoice: 'none' };

  for (let round = 0; round < options.maxRounds && spaceTools.tools.length > 0; round += 1) {
    if (budgets.tokensUsedToday() >= options.dailyTokenBudget) {
      log.info('tool rounds ended: the token budget is spent', context);
      break;
    }
    const reply = await options.llm.complete({ ...request, messages, tools: spaceTools.tools, toolChoice: 'auto' });
    budgets.recordTokens(reply.usage.totalTokens);
    if (reply.toolCalls === undefined) return { kind: 'answered', reply };
    messages.push({ role: 'assistant', content: reply.text, toolCalls: reply.toolCalls });
    let isRefusedByAgentLimit = false;
    for (const toolCall of reply.toolCalls) {
      const answer = await makeCall(toolCall, spaceTools, options);
      if (answer.refusedCode === 'agent_turn_limit') isRefusedByAgentLimit = true;
      messages.push({ role: 'tool', toolCallId: toolCall.id, content: answer.content });
    }
    log.info('tool round', { ...context, round: round + 1, tools: reply.toolCalls.map((call) => call.name) });
    options.signal.throwIfAborted();
    if (isRefusedByAgentLimit) {
      log.info('tool rounds ended: the server refused a call for its agent limit', context);
      break;
    }
  }
  return { kind: 'answer_now', request: finalRequest() };
}

async function makeCall(
  toolCall: LlmToolCall,
  spaceTools: SpaceTools,
  options: ToolRoundsOptions,
): Promise<{ content: string; refusedCode?: string }> {
  const target = spaceTools.targets.get(toolCall.name);
  if (target === undefined) return { content: `Error: there is no tool named "${toolCall.name}".` };
  const args = parseArguments(toolCall.arguments);
  if (args === undefined) return { content: 'Error: the arguments are not a JSON object.' };
  return options.caller.call(options.spaceId, target, args, options.signal);
}

function parseArguments(text: string): Record<string, JsonValue> | undefined {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, JsonValue>)
      : undefined;
  } catch {
    return undefined;
  }
}
