import { TimClientError, type SearchQuery, type SearchResponse } from '@tim/protocol';
import { SearchModel, snippet, type SearchState } from './search';
import { makeUpdate } from './test-updates';

function hit(id: number, content: string, spaceId = 'main') {
  const { event } = makeUpdate(id, { content, spaceId });
  return { message: event.message, updateId: id };
}

function setup() {
  const queries: SearchQuery[] = [];
  const answers: Array<{ resolve: (page: SearchResponse) => void; reject: (error: Error) => void }> = [];
  const states: SearchState[] = [];
  const model = new SearchModel({
    client: {
      search: (query) =>
        new Promise<SearchResponse>((resolve, reject) => {
          queries.push(query);
          answers.push({ resolve, reject });
        }),
    },
    onChange: (state) => void states.push(state),
    debounceMs: 300,
    pageSize: 2,
  });
  return { model, queries, answers, last: () => model.state };
}

describe('SearchModel', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the query once typing pauses, and shows the results', async () => {
    const { model, queries, answers, last } = setup();
    model.setQuery('lu');
    await jest.advanceTimersByTimeAsync(200);
    model.setQuery('lunch');
    await jest.advanceTimersByTimeAsync(299);
    expect(queries).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(queries).toEqual([{ q: 'lunch', order: 'newest', limit: 2 }]);
    expect(last().status).toBe('searching');
    answers[0]?.resolve({ results: [hit(9, 'Lunch at noon?', 'side')] });
    await jest.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ status: 'done', hasMore: false });
    expect(last().results).toEqual([
      expect.objectContaining({ key: 'side:9', spaceId: 'side', messageId: 9, updateId: 9 }),
    ]);
    expect(last().results[0]?.snippet).toEqual([
      { text: 'Lunch', hit: true },
      { text: ' at noon?', hit: false },
    ]);
  });

  it('clears on a query without a word, and drops the answer to a query changed since', async () => {
    const { model, answers, last } = setup();
    model.setQuery('lunch');
    await jest.advanceTimersByTimeAsync(300);
    model.setQuery('  !! ');
    expect(last()).toMatchObject({ status: 'idle', results: [] });
    answers[0]?.resolve({ results: [hit(1, 'lunch')] });
    await jest.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ status: 'idle', results: [] });
  });

  it('searches again at once in the other order', async () => {
    const { model, queries } = setup();
    model.setQuery('lunch');
    await jest.advanceTimersByTimeAsync(300);
    model.setOrder('relevance');
    expect(queries.map((query) => query.order)).toEqual(['newest', 'relevance']);
  });

  it('pages on with the cursor', async () => {
    const { model, queries, answers, last } = setup();
    model.setQuery('seed');
    await jest.advanceTimersByTimeAsync(300);
    answers[0]?.resolve({ results: [hit(9, 'seed 9'), hit(8, 'seed 8')], nextCursor: '8' });
    await jest.advanceTimersByTimeAsync(0);
    expect(last().hasMore).toBe(true);
    const loading = model.loadMore();
    expect(last().loadingMore).toBe(true);
    expect(queries[1]).toEqual({ q: 'seed', order: 'newest', limit: 2, cursor: '8' });
    answers[1]?.resolve({ results: [hit(7, 'seed 7')] });
    await loading;
    expect(last().results.map((result) => result.messageId)).toEqual([9, 8, 7]);
    expect(last()).toMatchObject({ hasMore: false, loadingMore: false });
  });

  it('pages on with the listed query while a query typed since still waits', async () => {
    const { model, queries, answers, last } = setup();
    model.setQuery('seed');
    await jest.advanceTimersByTimeAsync(300);
    answers[0]?.resolve({ results: [hit(9, 'seed 9'), hit(8, 'seed 8')], nextCursor: '8' });
    await jest.advanceTimersByTimeAsync(0);
    model.setQuery('seed lawn');
    const loading = model.loadMore();
    expect(queries[1]).toEqual({ q: 'seed', order: 'newest', limit: 2, cursor: '8' });
    answers[1]?.resolve({ results: [hit(7, 'seed 7')] });
    await loading;
    expect(last().results.map((result) => result.messageId)).toEqual([9, 8, 7]);
  });

  it('says why a search failed', async () => {
    const { model, answers, last } = setup();
    model.setQuery('lunch');
    await jest.advanceTimersByTimeAsync(300);
    answers[0]?.reject(new TimClientError('rate_limited', 'Too many searches.', { status: 429 }));
    await jest.advanceTimersByTimeAsync(0);
    expect(last().status).toBe('failed');
    expect(last().error).toMatch(/^Search failed\./);
  });
});

describe('snippet', () => {
  it('marks the start of every word the query matched, ignoring case', () => {
    expect(snippet('Lunch? lunchtime, brunch', ['lunch'])).toEqual([
      { text: 'Lunch', hit: true },
      { text: '? ', hit: false },
      { text: 'lunch', hit: true },
      { text: 'time, brunch', hit: false },
    ]);
  });

  it('cuts a long message around the first match, at a word', () => {
    const content = `${'word '.repeat(60)}needle here ${'tail '.repeat(60)}`;
    const parts = snippet(content, ['needle'], 60);
    expect(parts[0]).toEqual({ text: '…', hit: false });
    expect(parts[parts.length - 1]).toEqual({ text: '…', hit: false });
    expect(parts.some((part) => part.hit && part.text === 'needle')).toBe(true);
    const text = parts.map((part) => part.text).join('');
    expect(text.length).toBeLessThanOrEqual(62);
    expect(text.slice(1, 5)).toBe('word');
  });

  it('marks the whole word when lower case changes its length', () => {
    expect(snippet('İstanbul trip', ['i̇st'])).toEqual([
      { text: 'İstanbul', hit: true },
      { text: ' trip', hit: false },
    ]);
  });

  it('shows the start of a message with no visible match', () => {
    expect(snippet('hello\n\nworld', ['zzz'])).toEqual([{ text: 'hello world', hit: false }]);
  });
});
