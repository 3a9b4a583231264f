import type { Space, SpacesResponse } from '@tim/protocol';
import { dmLabel, parseNicks, SpaceList } from './space-list';
import { memoryStore } from './test-chat-client';
import { UnreadCounts } from './unread';

const PAGE = 100;

/** A server's paged list of `count` spaces (main first) that records each page asked for. */
function pagedServer(count: number) {
  const spaces: Space[] = Array.from({ length: count }, (_, index) => ({
    id: index === 0 ? 'main' : `space-${index}`,
    name: index === 0 ? 'main' : `Space ${index}`,
    createdAt: '2026-01-01T00:00:00.000Z',
  }));
  const asked: Array<string | undefined> = [];
  let failNext = false;
  const client = {
    async listSpaces(options: { after?: string } = {}): Promise<SpacesResponse> {
      asked.push(options.after);
      if (failNext) {
        failNext = false;
        throw new Error('network down');
      }
      const start = options.after === undefined ? 0 : spaces.findIndex((space) => space.id === options.after) + 1;
      const page = spaces.slice(start, start + PAGE);
      const last = page.at(-1);
      return start + PAGE < spaces.length && last !== undefined
        ? { spaces: page, nextCursor: last.id }
        : { spaces: page };
    },
    async createSpace(input: { id: string; name: string }): Promise<Space> {
      const space = { ...input, createdAt: '2026-01-02T00:00:00.000Z' };
      spaces.push(space);
      return space;
    },
    /** As the server: the same people (the caller 'ada' included, case ignored) give the same space. */
    async openDm(nicks: string[]): Promise<{ space: Space; created: boolean }> {
      const name = [...new Set(['ada', ...nicks.map((nick) => nick.toLowerCase())])].sort().join(', ');
      const known = spaces.find((space) => space.kind === 'dm' && space.name === name);
      if (known !== undefined) return { space: known, created: false };
      const space: Space = { id: `dm-${spaces.length}`, name, createdAt: '2026-01-02T00:00:00.000Z', kind: 'dm' };
      spaces.push(space);
      return { space, created: true };
    },
  };
  return {
    client,
    spaces,
    asked,
    failNextList: () => {
      failNext = true;
    },
  };
}

function makeList(server: ReturnType<typeof pagedServer>) {
  const notices: Array<string | undefined> = [];
  let changes = 0;
  const list = new SpaceList({
    client: server.client,
    store: memoryStore(),
    signals: { changed: () => (changes += 1), notice: (text) => void notices.push(text) },
  });
  return { list, notices, changes: () => changes };
}

const ids = (spaces: Space[]) => spaces.map((space) => space.id);

describe('SpaceList', () => {
  it('lists the first page, then the spaces beyond it page by page, each once', async () => {
    const server = pagedServer(250);
    const { list, changes } = makeList(server);
    await list.refresh();
    expect(ids(list.spaces)).toEqual(ids(server.spaces.slice(0, PAGE)));
    expect(list.hasMore).toBe(true);
    expect(list.has('space-150')).toBe(false);

    await list.loadMore();
    expect(list.spaces).toHaveLength(200);
    expect(list.has('space-150')).toBe(true);
    expect(list.hasMore).toBe(true);

    await list.loadMore();
    expect(ids(list.spaces)).toEqual(ids(server.spaces));
    expect(list.hasMore).toBe(false);
    await list.loadMore();
    expect(server.asked).toEqual([undefined, 'space-99', 'space-199']);
    expect(changes()).toBe(3);
  });

  it('loads one page at a time however often more is asked for', async () => {
    const server = pagedServer(250);
    const { list } = makeList(server);
    await list.refresh();
    await Promise.all([list.loadMore(), list.loadMore()]);
    expect(list.spaces).toHaveLength(200);
    expect(server.asked).toEqual([undefined, 'space-99']);
  });

  it('refreshes as many pages as it had listed, and keeps a space created here once', async () => {
    const server = pagedServer(150);
    const { list } = makeList(server);
    await list.refresh();
    await list.loadMore();
    await list.create({ id: 'new-one', name: 'New one' });
    expect(ids(list.spaces).slice(-2)).toEqual(['space-149', 'new-one']);
    await list.refresh();
    expect(ids(list.spaces)).toEqual([...ids(server.spaces)]);
    expect(ids(list.spaces).filter((id) => id === 'new-one')).toHaveLength(1);
    expect(list.hasMore).toBe(false);
  });

  it('keeps what it listed and says so when a page fails', async () => {
    const server = pagedServer(250);
    const { list, notices } = makeList(server);
    await list.refresh();
    server.failNextList();
    await list.loadMore();
    expect(list.spaces).toHaveLength(PAGE);
    expect(list.hasMore).toBe(true);
    expect(notices).toEqual([expect.stringContaining('Could not load more spaces.')]);
    await list.loadMore();
    expect(list.spaces).toHaveLength(200);
  });

  it('hands the unread counts of every page listed to UnreadCounts, and lists the spaces without them', async () => {
    const server = pagedServer(150);
    server.spaces.forEach((space, index) =>
      Object.assign(space, { unread: { readUpTo: 1, messages: index, mentions: 0 } }),
    );
    const unread = new UnreadCounts({ myId: 7 });
    const list = new SpaceList({
      client: server.client,
      store: memoryStore(),
      signals: { changed: () => undefined, notice: () => undefined },
      unread,
    });
    await list.refresh();
    await list.loadMore();
    expect(unread.badge('space-5')).toEqual({ messages: 5, mentions: 0 });
    expect(unread.badge('space-120')).toEqual({ messages: 120, mentions: 0 });
    expect(list.spaces.some((space) => 'unread' in space)).toBe(false);
    Object.assign(server.spaces[5] as Space, { unread: { readUpTo: 9, messages: 0, mentions: 0 } });
    await list.refresh();
    expect(unread.badge('space-5')).toEqual({ messages: 0, mentions: 0 });
  });

  it('lists direct messages apart from the other spaces, once however often they are opened', async () => {
    const server = pagedServer(3);
    const { list } = makeList(server);
    await list.refresh();
    const first = await list.openDm(['bob']);
    const again = await list.openDm(['Bob']);
    expect(again.id).toBe(first.id);
    await list.create({ id: 'secret', name: 'secret', visibility: 'private' });
    expect(ids(list.dms)).toEqual([first.id]);
    expect(ids(list.rooms)).toEqual(['main', 'space-1', 'space-2', 'secret']);
    await list.refresh();
    expect(ids(list.dms)).toEqual([first.id]);
  });

  it('forgets a space the reader was removed from, and main opens next time instead of it', async () => {
    const server = pagedServer(3);
    const { list } = makeList(server);
    await list.refresh();
    list.noteOpened('space-1');
    expect(list.remove('space-1')).toBe(true);
    expect(ids(list.spaces)).toEqual(['main', 'space-2']);
    expect(list.lastOpenedId).toBe('main');
    expect(list.remove('space-1')).toBe(false);
  });
});

describe('dmLabel', () => {
  const dm: Space = { id: 'dm-x', name: 'ada, bob, cy', createdAt: '2026-01-01T00:00:00.000Z', kind: 'dm' };

  it('names a direct message by the others in it', () => {
    expect(dmLabel(dm, 'Ada')).toBe('bob, cy');
    expect(dmLabel(dm, 'bob')).toBe('ada, cy');
  });

  it('keeps the name when nobody else is named', () => {
    expect(dmLabel({ ...dm, name: 'ada' }, 'ada')).toBe('ada');
  });
});

describe('parseNicks', () => {
  it('reads nicks separated by commas or spaces, drops a leading @, and keeps each once', () => {
    expect(parseNicks(' @bob, cy  Bob,,dee ')).toEqual(['Bob', 'cy', 'dee']);
    expect(parseNicks(' , ')).toEqual([]);
  });
});
