import type { ListSpacesOptions, Space, SpaceListing, SpacesResponse } from '@tim/protocol';
import { dmLabel, parseNicks, SpaceList } from './space-list';
import { memoryStore } from './test-chat-client';
import { UnreadCounts } from './unread';

const PAGE = 100;

/**
 * A server whose reader ('ada') is a member of `count` spaces (main first), listed page by page
 * for scope 'mine', beside `others` public spaces she is not a member of (scope 'public', with
 * `q`). It records each listing asked for, and the spaces joined.
 */
function pagedServer(count: number, others: string[] = []) {
  const spaces: SpaceListing[] = Array.from({ length: count }, (_, index) => ({
    id: index === 0 ? 'main' : `space-${index}`,
    name: index === 0 ? 'main' : `Space ${index}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    role: 'member',
  }));
  const publicOthers: SpaceListing[] = others.map((id) => ({ id, name: id, createdAt: '2026-01-01T00:00:00.000Z' }));
  const asked: ListSpacesOptions[] = [];
  const joined: string[] = [];
  let failNext = false;
  const client = {
    async listSpaces(options: ListSpacesOptions = {}): Promise<SpacesResponse> {
      asked.push(options);
      if (failNext) {
        failNext = false;
        throw new Error('network down');
      }
      const q = options.q?.toLowerCase() ?? '';
      const scoped =
        options.scope === 'public'
          ? [...spaces, ...publicOthers].filter((space) => space.visibility !== 'private' && space.kind !== 'dm')
          : spaces;
      const listed = scoped.filter((space) => space.id.includes(q) || space.name.toLowerCase().includes(q));
      const start = options.after === undefined ? 0 : listed.findIndex((space) => space.id === options.after) + 1;
      const limit = options.limit ?? PAGE;
      const page = listed.slice(start, start + limit);
      const last = page.at(-1);
      return start + limit < listed.length && last !== undefined
        ? { spaces: page, nextCursor: last.id }
        : { spaces: page };
    },
    async createSpace(input: { id: string; name: string }): Promise<Space> {
      const space = { ...input, createdAt: '2026-01-02T00:00:00.000Z' };
      spaces.push({ ...space, role: 'owner' });
      return space;
    },
    /** As the server: the same people (the caller 'ada' included, case ignored) give the same space. */
    async openDm(nicks: string[]): Promise<{ space: Space; created: boolean }> {
      const name = [...new Set(['ada', ...nicks.map((nick) => nick.toLowerCase())])].sort().join(', ');
      const known = spaces.find((space) => space.kind === 'dm' && space.name === name);
      if (known !== undefined) return { space: known, created: false };
      const space: Space = { id: `dm-${spaces.length}`, name, createdAt: '2026-01-02T00:00:00.000Z', kind: 'dm' };
      spaces.push({ ...space, role: 'member' });
      return { space, created: true };
    },
    async joinSpace(spaceId: string) {
      if (failNext) {
        failNext = false;
        throw new Error('network down');
      }
      joined.push(spaceId);
      const other = publicOthers.find((space) => space.id === spaceId);
      if (other !== undefined && !spaces.includes(other)) spaces.push(Object.assign(other, { role: 'member' }));
      return { timite: { id: 7, nick: 'ada', kind: 'human' as const }, role: 'member' as const, joinedAt: '' };
    },
  };
  return {
    client,
    spaces,
    asked,
    joined,
    failNext: () => {
      failNext = true;
    },
  };
}

function makeList(server: ReturnType<typeof pagedServer>, unread?: UnreadCounts) {
  const notices: Array<string | undefined> = [];
  let changes = 0;
  const list = new SpaceList({
    client: server.client,
    store: memoryStore(),
    signals: { changed: () => (changes += 1), notice: (text) => void notices.push(text) },
    unread,
  });
  return { list, notices, changes: () => changes };
}

/** A list over `pagedServer(count, others)` that has read its first page. */
async function refreshedList(count: number, { others, unread }: { others?: string[]; unread?: UnreadCounts } = {}) {
  const server = pagedServer(count, others);
  const made = makeList(server, unread);
  await made.list.refresh();
  return { server, ...made };
}

const ids = (spaces: Space[]) => spaces.map((space) => space.id);

describe('SpaceList', () => {
  it('lists the reader’s own spaces, the first page, then those beyond it page by page, each once', async () => {
    const { server, list, changes } = await refreshedList(250);
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
    expect(server.asked).toEqual([
      { scope: 'mine' },
      { scope: 'mine', after: 'space-99' },
      { scope: 'mine', after: 'space-199' },
    ]);
    expect(changes()).toBe(3);
  });

  it('loads one page at a time however often more is asked for', async () => {
    const { server, list } = await refreshedList(250);
    await Promise.all([list.loadMore(), list.loadMore()]);
    expect(list.spaces).toHaveLength(200);
    expect(server.asked).toEqual([{ scope: 'mine' }, { scope: 'mine', after: 'space-99' }]);
  });

  it('refreshes as many pages as it had listed, and keeps a space created here once', async () => {
    const { server, list } = await refreshedList(150);
    await list.loadMore();
    await list.create({ id: 'new-one', name: 'New one' });
    expect(ids(list.spaces).slice(-2)).toEqual(['space-149', 'new-one']);
    await list.refresh();
    expect(ids(list.spaces)).toEqual([...ids(server.spaces)]);
    expect(ids(list.spaces).filter((id) => id === 'new-one')).toHaveLength(1);
    expect(list.hasMore).toBe(false);
  });

  it('keeps what it listed and says so when a page fails', async () => {
    const { server, list, notices } = await refreshedList(250);
    server.failNext();
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
    const { list } = makeList(server, unread);
    await list.refresh();
    await list.loadMore();
    expect(unread.badge('space-5')).toEqual({ messages: 5, mentions: 0 });
    expect(unread.badge('space-120')).toEqual({ messages: 120, mentions: 0 });
    expect(list.spaces.some((space) => 'unread' in space || 'role' in space)).toBe(false);
    Object.assign(server.spaces[5] as Space, { unread: { readUpTo: 9, messages: 0, mentions: 0 } });
    await list.refresh();
    expect(unread.badge('space-5')).toEqual({ messages: 0, mentions: 0 });
  });

  it('lists direct messages apart from the other spaces, once however often they are opened', async () => {
    const { list } = await refreshedList(3);
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
    const { list } = await refreshedList(3);
    list.noteOpened('space-1');
    expect(list.remove('space-1')).toBe(true);
    expect(ids(list.spaces)).toEqual(['main', 'space-2']);
    expect(list.lastOpenedId).toBe('main');
    expect(list.remove('space-1')).toBe(false);
  });
});

describe('SpaceList: a public space the reader is not a member of', () => {
  it('previews it when opened, looked up among the public spaces, and keeps it out of the list', async () => {
    const { server, list } = await refreshedList(3, { others: ['garden', 'gardening'] });
    await list.noteOpening('garden');
    expect(list.previewing).toMatchObject({ id: 'garden', name: 'garden' });
    expect(list.has('garden')).toBe(false);
    expect(list.nameOf('garden')).toBe('garden');
    expect(server.asked.at(-1)).toMatchObject({ scope: 'public', q: 'garden' });
    await list.noteOpening('space-1');
    expect(list.previewing).toBeUndefined();
  });

  it('takes the browser’s listing as it is, without a look-up', async () => {
    const { server, list } = await refreshedList(3, { others: ['garden'] });
    const asked = server.asked.length;
    await list.noteOpening('garden', { id: 'garden', name: 'Garden', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(list.previewing).toMatchObject({ id: 'garden', name: 'Garden' });
    await list.noteOpening('space-1');
    await list.noteOpening('far', { id: 'far', name: 'Far', createdAt: '2026-01-01T00:00:00.000Z', role: 'member' });
    expect(list.previewing).toBeUndefined();
    expect(server.asked).toHaveLength(asked);
  });

  it('does not preview a space of the reader’s on a page not listed yet, nor one it cannot find', async () => {
    const { server, list } = await refreshedList(150);
    await list.noteOpening('space-140');
    expect(list.previewing).toBeUndefined();
    await list.noteOpening('private-one');
    expect(list.previewing).toBeUndefined();
    server.failNext();
    await list.noteOpening('unknown');
    expect(list.previewing).toBeUndefined();
  });

  it('drops the look-up of a space the reader has left meanwhile', async () => {
    const { list } = await refreshedList(3, { others: ['garden'] });
    const slow = list.noteOpening('garden');
    await list.noteOpening('main');
    await slow;
    expect(list.previewing).toBeUndefined();
  });

  it('joins it: listed at the end from then on, its activity counted, and no longer previewed', async () => {
    const unread = new UnreadCounts({ myId: 7 });
    const { server, list } = await refreshedList(3, { others: ['garden'], unread });
    await list.noteOpening('garden');
    unread.setOpen('main');
    await list.join(list.previewing as Space);
    expect(server.joined).toEqual(['garden']);
    expect(list.previewing).toBeUndefined();
    expect(ids(list.rooms)).toEqual(['main', 'space-1', 'space-2', 'garden']);
    unread.applyActivity({
      type: 'space_activity',
      spaceId: 'garden',
      updateId: 1,
      messageId: 1,
      senderId: 1,
      mentions: [],
    });
    expect(unread.badges().get('garden')).toEqual({ messages: 1, mentions: 0 });
    await list.refresh();
    expect(ids(list.rooms).filter((id) => id === 'garden')).toHaveLength(1);
  });

  it('keeps previewing when joining fails, and throws for the one who asked', async () => {
    const { server, list } = await refreshedList(3, { others: ['garden'] });
    await list.noteOpening('garden');
    server.failNext();
    await expect(list.join(list.previewing as Space)).rejects.toThrow('network down');
    expect(list.previewing?.id).toBe('garden');
    expect(list.has('garden')).toBe(false);
  });

  it('stops previewing a space joined elsewhere once the list is read again, or one the reader lost', async () => {
    const { server, list } = await refreshedList(3, { others: ['garden', 'lawn'] });
    await list.noteOpening('garden');
    await server.client.joinSpace('garden');
    await list.refresh();
    expect(list.previewing).toBeUndefined();
    expect(list.has('garden')).toBe(true);
    await list.noteOpening('lawn');
    expect(list.remove('lawn')).toBe(false);
    expect(list.previewing).toBeUndefined();
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
