import type { Update } from '@tim/protocol';
import type { ChatClient } from './chat-ports';
import { SpaceHistory } from './space-history';
import { pageOf } from './test-chat-client';
import { makeUpdates } from './test-updates';

/** A `readUpdates` whose answers wait until the test releases them, oldest first. */
function createPagedClient(updates: Update[]) {
  const reads: Array<{ range: object; release: (fails?: Error) => void }> = [];
  const client: Pick<ChatClient, 'readUpdates'> = {
    readUpdates: (_spaceId, range = {}) =>
      new Promise((resolve, reject) => {
        reads.push({ range, release: (fails) => (fails ? reject(fails) : resolve(pageOf(updates, range))) });
      }),
  };
  return { client, reads };
}

function createHistory(updates: Update[]) {
  const paged = createPagedClient(updates);
  const notices: Array<string | undefined> = [];
  const history = new SpaceHistory({
    client: paged.client,
    spaceId: 'main',
    pageSize: 50,
    windowSize: 120,
    signals: { changed: () => undefined, notice: (text) => notices.push(text) },
  });
  return { history, reads: paged.reads, notices };
}

/** Releases reads as they come until `work` is done. */
async function answering(reads: Array<{ release: (fails?: Error) => void }>, work: Promise<void>): Promise<void> {
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    reads.shift()?.release();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SpaceHistory', () => {
  it("reads a long space's newest page by its head id", async () => {
    const { history, reads } = createHistory(makeUpdates(1, 130));
    const loading = history.loadLatest();
    expect(reads[0]?.range).toEqual({ after: 0, limit: 50 });
    reads.shift()?.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads[0]?.range).toEqual({ after: 80, limit: 50 });
    reads.shift()?.release();
    await loading;
    expect(history.entries.map((entry) => entry.updateId)).toEqual(makeUpdates(81, 130).map((update) => update.id));
    expect(history.hasOlder).toBe(true);
  });

  it('reads one page at a time', async () => {
    const { history, reads } = createHistory(makeUpdates(1, 130));
    await answering(reads, history.loadLatest());
    const first = history.loadOlder();
    const second = history.loadOlder();
    expect(history.loadingOlder).toBe(true);
    expect(reads).toHaveLength(1);
    reads.shift()?.release();
    await Promise.all([first, second]);
    expect(history.loadingOlder).toBe(false);
    expect(history.entries[0]?.updateId).toBe(31);
  });

  it('drops a page answered after the reader left the space, and its failure too', async () => {
    const { history, reads, notices } = createHistory(makeUpdates(1, 130));
    await answering(reads, history.loadLatest());
    const older = history.loadOlder();
    history.close();
    reads.shift()?.release();
    await older;
    expect(history.entries[0]?.updateId).toBe(81);

    const newest = history.jumpToLatest();
    reads.shift()?.release(new Error('gone'));
    await newest;
    expect(notices).toEqual([]);
  });

  it('drops a newest page read before a restart', async () => {
    const { history, reads } = createHistory(makeUpdates(1, 30));
    const stale = history.loadLatest();
    history.restart();
    reads.shift()?.release();
    await stale;
    expect(history.entries).toEqual([]);
  });

  it('opens around a message: half a page up to it and half after, then pages forward to the newest', async () => {
    const { history, reads } = createHistory(makeUpdates(1, 200));
    await answering(reads, history.loadAround(60));
    expect(history.entries.map((entry) => entry.updateId)).toEqual(makeUpdates(36, 85).map((update) => update.id));
    expect(history).toMatchObject({ hasOlder: true, hasNewer: true, headId: 200, followingBottom: false });
    await answering(reads, history.loadNewer());
    await answering(reads, history.loadNewer());
    await answering(reads, history.loadNewer());
    expect(history.hasNewer).toBe(false);
    expect(history.entries[history.entries.length - 1]?.updateId).toBe(200);
  });

  it('opens around a message near the newest at the head', async () => {
    const { history, reads } = createHistory(makeUpdates(1, 70));
    await answering(reads, history.loadAround(60));
    expect(history.entries.map((entry) => entry.updateId)).toEqual(makeUpdates(36, 70).map((update) => update.id));
    expect(history.hasNewer).toBe(false);
  });
});
