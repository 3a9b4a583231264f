import type { TimClient } from '@tim/protocol';
import { EXCERPT_CHARS, ReplyQuotes, excerptOf, quoteOf } from './reply-target';
import { makeDelete } from './test-changes';
import { makeUpdate } from './test-updates';

describe('reply quotes', () => {
  it('quotes the first line with text, shortened', () => {
    expect(excerptOf('\n  first line  \nsecond')).toBe('first line');
    expect(excerptOf('')).toBe('');
    const long = excerptOf('🙂'.repeat(EXCERPT_CHARS + 5));
    expect([...long]).toHaveLength(EXCERPT_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });

  it('is the same object for the same message, and says a tombstone is deleted', () => {
    const { message } = makeUpdate(3).event;
    expect(quoteOf(message)).toBe(quoteOf(message));
    expect(quoteOf({ ...message, content: '', deletedAt: message.createdAt, deletedBy: 1 })).toMatchObject({
      state: 'shown',
      excerpt: '',
      deleted: true,
    });
  });

  it('reads an original once, keeps the newest few, and folds live changes into them', async () => {
    const reads: number[] = [];
    const client: Pick<TimClient, 'getMessage'> = {
      getMessage: async (_spaceId, messageId) => {
        reads.push(messageId);
        return { message: makeUpdate(messageId).event.message, updateId: messageId };
      },
    };
    let changes = 0;
    const quotes = new ReplyQuotes({ client, signals: { changed: () => (changes += 1) }, capacity: 2 });
    expect(quotes.quote('main', 1, undefined)).toEqual({ messageId: 1, state: 'loading' });
    expect(quotes.quote('main', 1, undefined).state).toBe('loading');
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes).toBe(1);
    expect(quotes.quote('main', 1, undefined)).toMatchObject({ state: 'shown', excerpt: 'message 1' });
    quotes.apply(makeDelete(9, 1));
    expect(quotes.quote('main', 1, undefined)).toMatchObject({ deleted: true });
    quotes.quote('main', 2, undefined);
    quotes.quote('main', 3, undefined);
    await new Promise((resolve) => setImmediate(resolve));
    quotes.quote('main', 1, undefined);
    expect(reads).toEqual([1, 2, 3, 1]);
    // One in the window is quoted from there.
    const loaded = makeUpdate(4).event.message;
    expect(quotes.quote('main', 4, loaded)).toBe(quoteOf(loaded));
    expect(reads).toHaveLength(4);
  });
});
