import { searchTerms } from '@tim/protocol';
import { parseSearchCursor, toSearchPage } from './search-cursor';
import { matchesTerms, wordsOf } from './search-words';
import type { CurrentMessage, MessageSearch } from './storage';

function hit(id: number): CurrentMessage {
  const message = {
    id,
    spaceId: 'main',
    sender: { id: 1, nick: 'ann', kind: 'human' as const },
    content: `message ${id}`,
    mentions: [],
    createdAt: new Date(0).toISOString(),
  };
  return { message, updateId: id };
}

describe('search cursors', () => {
  const newest: MessageSearch = { terms: ['a'], order: 'newest', limit: 2 };
  const relevance: MessageSearch = { terms: ['a'], order: 'relevance', limit: 2 };

  it('names the last message id after a full newest page, and nothing after a short one', () => {
    expect(toSearchPage(newest, [hit(9), hit(4)])).toEqual({ results: [hit(9), hit(4)], nextCursor: '4' });
    expect(toSearchPage(newest, [hit(9)])).toEqual({ results: [hit(9)] });
    expect(toSearchPage(newest, [])).toEqual({ results: [] });
  });

  it('names the offset of the next relevance page', () => {
    expect(toSearchPage(relevance, [hit(9), hit(4)]).nextCursor).toBe('2');
    expect(toSearchPage({ ...relevance, cursor: '6' }, [hit(9), hit(4)]).nextCursor).toBe('8');
  });

  it('reads back the cursors it gives and refuses anything else', () => {
    expect(parseSearchCursor(undefined)).toBeUndefined();
    expect(parseSearchCursor('42')).toBe(42);
    expect(parseSearchCursor('0')).toBe(0);
    for (const bad of ['', '-1', '1.5', 'abc', '1e3', ' 4', '9'.repeat(16)]) expect(parseSearchCursor(bad)).toBeNull();
  });
});

describe('search words', () => {
  it('splits content like searchTerms splits a query: letters and digits, lower case', () => {
    expect(wordsOf('Hello, WORLD! Café-au-lait 42x')).toEqual(['hello', 'world', 'café', 'au', 'lait', '42x']);
    expect(wordsOf('Hello, WORLD! Café-au-lait 42x')).toEqual(searchTerms('Hello, WORLD! Café-au-lait 42x'));
  });

  it('matches when every term begins some word', () => {
    const words = wordsOf('Apple pie recipe');
    expect(matchesTerms(words, ['app'])).toBe(true);
    expect(matchesTerms(words, ['pie', 'app'])).toBe(true);
    expect(matchesTerms(words, ['ple'])).toBe(false);
    expect(matchesTerms(words, ['app', 'juice'])).toBe(false);
    expect(matchesTerms(words, [])).toBe(false);
  });
});
