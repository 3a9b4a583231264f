/** A small prompt for the provider tests. */
export const CHAT_REQUEST = {
  model: 'fake-model',
  temperature: 0.2,
  messages: [
    { role: 'system' as const, content: 'You are a test.' },
    { role: 'user' as const, content: 'bob [human]: hi' },
  ],
};
