import { SendMessageRequest, UpdatesQuery, createSendMessageRequest } from './http';
import { DEFAULT_LIMITS } from './limits';

describe('SendMessageRequest', () => {
  it('trims content and accepts exactly the limit in code points', () => {
    const emoji = '😀'.repeat(DEFAULT_LIMITS.messageChars);
    expect(SendMessageRequest.parse({ content: `  ${emoji}  ` }).content).toBe(emoji);
  });

  it('refuses content past the limit, empty content and unknown fields', () => {
    expect(SendMessageRequest.safeParse({ content: 'x'.repeat(DEFAULT_LIMITS.messageChars + 1) }).success).toBe(false);
    expect(SendMessageRequest.safeParse({ content: '   ' }).success).toBe(false);
    const unknown = SendMessageRequest.safeParse({ content: 'hi', color: 'red' });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toContain('color');
  });
});

describe('createSendMessageRequest', () => {
  it("checks content against a server's configured limit, in code points, and names the limit when refusing", () => {
    const schema = createSendMessageRequest(10);
    expect(schema.parse({ content: ` ${'😀'.repeat(10)} ` }).content).toBe('😀'.repeat(10));
    const refused = schema.safeParse({ content: '😀'.repeat(11) });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({
      path: ['content'],
      message: 'A message is at most 10 characters.',
    });
    expect(createSendMessageRequest(5000).safeParse({ content: 'x'.repeat(5000) }).success).toBe(true);
  });
});

describe('UpdatesQuery', () => {
  it('coerces query strings and defaults the limit', () => {
    expect(UpdatesQuery.parse({ after: '5' })).toEqual({ after: 5, limit: DEFAULT_LIMITS.pageDefault });
  });

  it('refuses both cursors at once and limits out of range', () => {
    expect(UpdatesQuery.safeParse({ after: '1', before: '5' }).success).toBe(false);
    expect(UpdatesQuery.safeParse({ limit: '501' }).success).toBe(false);
    expect(UpdatesQuery.safeParse({ limit: '0' }).success).toBe(false);
  });
});
