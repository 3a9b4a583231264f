import { createOpenAiProvider } from '../../src/llm/openai-provider';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { CHAT_REQUEST } from '../support/chat-request';

const TOOL = {
  name: 'jarvis__calculate',
  description: 'Math.',
  parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] },
};

describe('OpenAI provider with tools', () => {
  let fake: FakeOpenAi;

  beforeEach(async () => {
    fake = await startFakeOpenAi();
  });

  afterEach(async () => {
    await fake.close();
  });

  const provider = () => createOpenAiProvider({ baseURL: fake.baseUrl, apiKey: 'k', maxRetries: 0 });

  it('offers function tools and reads the tool calls the model asks for', async () => {
    fake.script(() => ({
      kind: 'tool_calls',
      calls: [{ name: TOOL.name, arguments: { expression: '1+1' } }],
      totalTokens: 30,
    }));
    const reply = await provider().complete({ ...CHAT_REQUEST, tools: [TOOL] });
    expect(reply).toEqual({
      text: '',
      toolCalls: [{ id: 'call_0_0', name: TOOL.name, arguments: '{"expression":"1+1"}' }],
      usage: { promptTokens: 15, completionTokens: 15, totalTokens: 30, isEstimated: false },
    });
    expect(fake.calls[0]?.tools).toEqual([{ type: 'function', function: TOOL }]);
    expect(fake.calls[0]?.tool_choice).toBe('auto');
  });

  it('sends the calls and their answers back as assistant and tool messages', async () => {
    fake.script(() => ({ kind: 'text', content: 'It is 2.' }));
    const reply = await provider().complete({
      ...CHAT_REQUEST,
      tools: [TOOL],
      toolChoice: 'none',
      messages: [
        ...CHAT_REQUEST.messages,
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c1', name: TOOL.name, arguments: '{"expression":"1+1"}' }],
        },
        { role: 'tool', toolCallId: 'c1', content: '2' },
      ],
    });
    expect(reply.text).toBe('It is 2.');
    expect(fake.calls[0]?.tool_choice).toBe('none');
    expect(fake.calls[0]?.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: TOOL.name, arguments: '{"expression":"1+1"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '2' },
    ]);
  });

  it('sends no tools when none are offered, and ignores tool calls then', async () => {
    fake.script(() => ({ kind: 'tool_calls', calls: [{ name: 'x', arguments: {} }] }));
    await expect(provider().complete(CHAT_REQUEST)).rejects.toMatchObject({ kind: 'empty_response' });
    expect(fake.calls[0]).not.toHaveProperty('tools');
  });
});
