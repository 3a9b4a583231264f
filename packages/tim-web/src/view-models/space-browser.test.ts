import {
  TimClientError,
  type ListSpacesOptions,
  type Space,
  type SpaceListing,
  type SpacesResponse,
} from '@tim/protocol';
import { SpaceBrowser, type SpaceBrowserState } from './space-browser';

function listing(id: string, role?: 'member'): SpaceListing {
  return { id, name: id.toUpperCase(), createdAt: '2026-01-01T00:00:00.000Z', ...(role === undefined ? {} : { role }) };
}

/** A browser whose listings and joins wait until the test answers them. */
function setup() {
  const asked: ListSpacesOptions[] = [];
  const answers: Array<{ resolve: (page: SpacesResponse) => void; reject: (error: Error) => void }> = [];
  const joins: Array<{ space: Space; resolve: () => void; reject: (error: Error) => void }> = [];
  const browser = new SpaceBrowser({
    client: {
      listSpaces: (options = {}) =>
        new Promise<SpacesResponse>((resolve, reject) => {
          asked.push(options);
          answers.push({ resolve, reject });
        }),
    },
    join: (space) => new Promise<void>((resolve, reject) => void joins.push({ space, resolve, reject })),
    onChange: () => undefined,
    debounceMs: 250,
    pageSize: 2,
  });
  return { browser, asked, answers, joins, state: (): SpaceBrowserState => browser.state };
}

const ids = (state: SpaceBrowserState) => state.spaces.map((space) => space.id);

describe('SpaceBrowser', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lists every public space at once, then those matching the query once typing pauses', async () => {
    const { browser, asked, answers, state } = setup();
    void browser.start();
    expect(asked).toEqual([{ scope: 'public', limit: 2 }]);
    expect(state().status).toBe('loading');
    answers[0]?.resolve({ spaces: [listing('main', 'member'), listing('garden')] });
    await jest.advanceTimersByTimeAsync(0);
    expect(state()).toMatchObject({ status: 'done', hasMore: false });
    expect(ids(state())).toEqual(['main', 'garden']);

    browser.setQuery('gar');
    await jest.advanceTimersByTimeAsync(100);
    browser.setQuery(' gard ');
    await jest.advanceTimersByTimeAsync(249);
    expect(asked).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(asked[1]).toEqual({ scope: 'public', limit: 2, q: 'gard' });
    answers[1]?.resolve({ spaces: [listing('garden')] });
    await jest.advanceTimersByTimeAsync(0);
    expect(ids(state())).toEqual(['garden']);
    expect(state().query).toBe(' gard ');
  });

  it('lets the newest query win: a late answer to an older one never replaces it', async () => {
    const { browser, answers, state } = setup();
    void browser.start();
    browser.setQuery('gar');
    await jest.advanceTimersByTimeAsync(250);
    browser.setQuery('lawn');
    await jest.advanceTimersByTimeAsync(250);
    answers[2]?.resolve({ spaces: [listing('lawn')] });
    await jest.advanceTimersByTimeAsync(0);
    answers[1]?.resolve({ spaces: [listing('garden')] });
    answers[0]?.resolve({ spaces: [listing('main'), listing('garden')] });
    await jest.advanceTimersByTimeAsync(0);
    expect(ids(state())).toEqual(['lawn']);
    expect(state().status).toBe('done');
  });

  it('lists all again when the query is emptied, and nothing new for spaces around the same words', async () => {
    const { browser, asked } = setup();
    void browser.start();
    browser.setQuery('gar');
    await jest.advanceTimersByTimeAsync(250);
    browser.setQuery('gar ');
    await jest.advanceTimersByTimeAsync(250);
    expect(asked).toHaveLength(2);
    browser.setQuery('   ');
    await jest.advanceTimersByTimeAsync(250);
    expect(asked[2]).toEqual({ scope: 'public', limit: 2 });
  });

  it('pages on with the cursor, for the same query', async () => {
    const { browser, asked, answers, state } = setup();
    browser.setQuery('room');
    await jest.advanceTimersByTimeAsync(250);
    answers[0]?.resolve({ spaces: [listing('room-1'), listing('room-2')], nextCursor: 'c2' });
    await jest.advanceTimersByTimeAsync(0);
    expect(state().hasMore).toBe(true);
    const more = browser.loadMore();
    void browser.loadMore();
    expect(state().loadingMore).toBe(true);
    expect(asked.slice(1)).toEqual([{ scope: 'public', limit: 2, q: 'room', after: 'c2' }]);
    answers[1]?.resolve({ spaces: [listing('room-2'), listing('room-3')] });
    await more;
    expect(ids(state())).toEqual(['room-1', 'room-2', 'room-3']);
    expect(state()).toMatchObject({ hasMore: false, loadingMore: false });
  });

  it('pages on with the listed query while a query typed since still waits', async () => {
    const { browser, asked, answers, state } = setup();
    browser.setQuery('room');
    await jest.advanceTimersByTimeAsync(250);
    answers[0]?.resolve({ spaces: [listing('room-1'), listing('room-2')], nextCursor: 'c2' });
    await jest.advanceTimersByTimeAsync(0);
    browser.setQuery('lawn');
    const more = browser.loadMore();
    expect(asked[1]).toEqual({ scope: 'public', limit: 2, q: 'room', after: 'c2' });
    answers[1]?.resolve({ spaces: [listing('room-3')] });
    await more;
    expect(ids(state())).toEqual(['room-1', 'room-2', 'room-3']);
  });

  it('drops a page for a query changed meanwhile', async () => {
    const { browser, answers, state } = setup();
    void browser.start();
    answers[0]?.resolve({ spaces: [listing('a'), listing('b')], nextCursor: 'b' });
    await jest.advanceTimersByTimeAsync(0);
    const more = browser.loadMore();
    browser.setQuery('lawn');
    answers[1]?.resolve({ spaces: [listing('c')] });
    await more;
    expect(ids(state())).toEqual(['a', 'b']);
    expect(state().loadingMore).toBe(false);
  });

  it('says why a listing or a page failed', async () => {
    const { browser, answers, state } = setup();
    void browser.start();
    answers[0]?.reject(new TimClientError('network', 'fetch failed'));
    await jest.advanceTimersByTimeAsync(0);
    expect(state().status).toBe('failed');
    expect(state().error).toBe(
      'Could not list the spaces. Could not reach the server. Check your connection and retry.',
    );
    void browser.start();
    answers[1]?.resolve({ spaces: [listing('a')], nextCursor: 'a' });
    await jest.advanceTimersByTimeAsync(0);
    const more = browser.loadMore();
    answers[2]?.reject(new TimClientError('unavailable', 'down'));
    await more;
    expect(state().error).toMatch(/^Could not load more spaces\./);
    expect(ids(state())).toEqual(['a']);
  });

  it('joins a space the reader is not a member of, once, and shows it as joined', async () => {
    const { browser, answers, joins, state } = setup();
    void browser.start();
    answers[0]?.resolve({ spaces: [listing('main', 'member'), listing('garden')] });
    await jest.advanceTimersByTimeAsync(0);
    await browser.join('main');
    expect(joins).toEqual([]);
    const joining = browser.join('garden');
    void browser.join('garden');
    expect(state().joining.has('garden')).toBe(true);
    expect(joins.map((join) => join.space.id)).toEqual(['garden']);
    joins[0]?.resolve();
    await joining;
    expect(state().spaces.find((space) => space.id === 'garden')?.role).toBe('member');
    expect(state().joining.size).toBe(0);
  });

  it('says why a join failed, and keeps the space joinable', async () => {
    const { browser, answers, joins, state } = setup();
    void browser.start();
    answers[0]?.resolve({ spaces: [listing('garden')] });
    await jest.advanceTimersByTimeAsync(0);
    const joining = browser.join('garden');
    joins[0]?.reject(new TimClientError('forbidden', 'Nobody joins "garden" by themselves.'));
    await joining;
    expect(state().error).toBe('Could not join #GARDEN. Nobody joins "garden" by themselves.');
    expect(state().spaces[0]?.role).toBeUndefined();
    expect(state().joining.size).toBe(0);
  });
});
