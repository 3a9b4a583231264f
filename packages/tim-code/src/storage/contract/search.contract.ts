import type { SearchOrder, Timite } from '@tim/protocol';
import type { MessageSearch } from '../storage';
import { changedUpdate, useChangeStorage } from './change-fixture';
import type { MakeFullStorage } from './fixture';

export function describeSearchContract(makeStorage: MakeFullStorage): void {
  describe('searchMessages', () => {
    const fixture = useChangeStorage(makeStorage);

    async function idsFound(terms: string[], options: Partial<MessageSearch> = {}): Promise<number[]> {
      const page = await fixture.storage().searchMessages({ terms, order: 'newest', limit: 50, ...options });
      return page.results.map((result) => result.message.id);
    }

    /** Follows nextCursor to the end; fails the test when a page is short but names a next one. */
    async function allPages(terms: string[], order: SearchOrder, limit: number): Promise<number[][]> {
      const pages: number[][] = [];
      let cursor: string | undefined;
      do {
        const page = await fixture.storage().searchMessages({ terms, order, limit, ...(cursor ? { cursor } : {}) });
        pages.push(page.results.map((result) => result.message.id));
        if (page.results.length < limit) expect(page.nextCursor).toBeUndefined();
        cursor = page.nextCursor;
      } while (cursor !== undefined && pages.length < 20);
      return pages;
    }

    async function appendAll(sender: Timite, contents: string[], spaceId = 'main'): Promise<number[]> {
      const ids: number[] = [];
      for (const content of contents) ids.push((await fixture.appendMessage({ sender, content, spaceId })).id);
      return ids;
    }

    it('finds messages where every term starts a word, case-insensitively, newest first', async () => {
      const ann = await fixture.createHuman('ann');
      const [pie, pears, pineapple, charts] = await appendAll(ann, [
        'Apple pie recipe',
        'apples and pears',
        'pineapple juice',
        'PIE charts, APPLE style',
      ]);
      expect(await idsFound(['app'])).toEqual([charts, pears, pie]);
      expect(await idsFound(['apple', 'pie'])).toEqual([charts, pie]);
      expect(await idsFound(['pie', 'apple'])).toEqual([charts, pie]);
      expect(await idsFound(['pear'])).toEqual([pears]);
      expect(await idsFound(['pineapple'])).toEqual([pineapple]);
      expect(await idsFound(['ineapple'])).toEqual([]);
      expect(await idsFound(['apple', 'juice'])).toEqual([]);
      expect(await idsFound(['recipes'])).toEqual([]);
    });

    it('splits hosts, addresses, links and version numbers into words like searchTerms does', async () => {
      const ann = await fixture.createHuman('ann');
      const [host, address, link, version, unicode] = await appendAll(ann, [
        'see docs.example.com today',
        'write to ada@example.org',
        'https://github.com/tim/issues/17 is open',
        'released v1.2.3',
        'Ünïcode café Привет мир',
      ]);
      expect(await idsFound(['example'])).toEqual([address, host]);
      expect(await idsFound(['issues', '17'])).toEqual([link]);
      expect(await idsFound(['github'])).toEqual([link]);
      expect(await idsFound(['v1', '2'])).toEqual([version]);
      expect(await idsFound(['caf'])).toEqual([unicode]);
      expect(await idsFound(['привет'])).toEqual([unicode]);
    });

    it('answers each hit as the message is now, with its update id', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.appendCreated({ sender: bob, content: 'unrelated' });
      const message = await fixture.appendMessage({ sender: ann, content: 'quarterly report' });
      changedUpdate(await fixture.react({ timite: bob, messageId: message.id, emoji: '👍' }));
      const page = await fixture.storage().searchMessages({ terms: ['quarter'], order: 'relevance', limit: 5 });
      expect(page).toEqual({ results: [await fixture.current(message.id)] });
      expect(page.results[0]?.updateId).toBe(2);
    });

    it('searches the edited content, and never finds a deleted message', async () => {
      const ann = await fixture.createHuman('ann');
      const [first, second] = await appendAll(ann, ['apple pie', 'apple tart']);
      if (first === undefined || second === undefined) throw new Error('Two messages expected.');
      changedUpdate(await fixture.edit({ editor: ann, messageId: first, content: 'banana bread' }));
      changedUpdate(await fixture.delete({ actor: ann, messageId: second }));
      expect(await idsFound(['apple'])).toEqual([]);
      expect(await idsFound(['pie'])).toEqual([]);
      expect(await idsFound(['tart'])).toEqual([]);
      expect(await idsFound(['banana'])).toEqual([first]);
      expect(await idsFound(['apple'], { order: 'relevance' })).toEqual([]);
    });

    it('searches every space, only the spaces given, or none for an empty list', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.createSpace('other');
      await fixture.createSpace('third');
      const [inMain] = await appendAll(ann, ['deploy today'], 'main');
      const [inOther] = await appendAll(ann, ['deploy tomorrow'], 'other');
      const [inThird] = await appendAll(ann, ['deployment done'], 'third');
      expect(await idsFound(['deploy'])).toEqual([inThird, inOther, inMain]);
      expect(await idsFound(['deploy'], { spaceIds: ['other'] })).toEqual([inOther]);
      expect(await idsFound(['deploy'], { spaceIds: ['main', 'third'] })).toEqual([inThird, inMain]);
      expect(await idsFound(['deploy'], { spaceIds: ['nowhere'] })).toEqual([]);
      expect(await idsFound(['deploy'], { spaceIds: [] })).toEqual([]);
      expect(await idsFound(['deploy'], { spaceIds: [], order: 'relevance' })).toEqual([]);
    });

    it('pages newest first through a cursor without duplicates or gaps', async () => {
      const ann = await fixture.createHuman('ann');
      const ids = await appendAll(
        ann,
        Array.from({ length: 9 }, (_, i) => (i % 3 === 2 ? `other words ${i}` : `release notes ${i}`)),
      );
      const matching = ids.filter((_, i) => i % 3 !== 2).reverse();
      const pages = await allPages(['release'], 'newest', 4);
      expect(pages.flat()).toEqual(matching);
      expect(pages.slice(0, 2).map((page) => page.length)).toEqual([4, 2]);
      expect((await allPages(['release'], 'newest', 2)).flat()).toEqual(matching);
      expect((await allPages(['release'], 'newest', 50)).flat()).toEqual(matching);
    });

    it('pages by relevance through a cursor without duplicates or gaps, ties newest first', async () => {
      const ann = await fixture.createHuman('ann');
      const same = await appendAll(ann, ['weekly sync notes', 'weekly sync notes', 'weekly sync notes']);
      const varied = await appendAll(ann, [
        'sync',
        'notes from the weekly sync about the sync of sync jobs',
        'a long message that mentions sync only once among many other words',
        'nothing to see',
      ]);
      const pages = await allPages(['sync'], 'relevance', 2);
      const found = pages.flat();
      expect(found).toHaveLength(6);
      expect(new Set(found)).toEqual(new Set([...same, ...varied.slice(0, 3)]));
      expect(pages.slice(0, 3).map((page) => page.length)).toEqual([2, 2, 2]);
      const identical = found.filter((id) => same.includes(id));
      expect(identical).toEqual([...same].reverse());
      expect(new Set(await idsFound(['weekly', 'notes'], { order: 'relevance' }))).toEqual(
        new Set([...same, varied[1]]),
      );
    });
  });
}
