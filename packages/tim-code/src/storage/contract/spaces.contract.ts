import { MAIN_SPACE_ID } from '@tim/protocol';
import type { MakeStorage } from './fixture';
import { CREATOR, T0, msAfterT0, useStorage } from './fixture';

export function describeSpacesContract(makeStorage: MakeStorage): void {
  describe('spaces', () => {
    const fixture = useStorage(makeStorage);

    it('has the space main on a fresh store, with no updates', async () => {
      const main = await fixture.storage().getSpace(MAIN_SPACE_ID);
      expect(main).toEqual({
        id: MAIN_SPACE_ID,
        name: expect.any(String),
        createdAt: expect.any(String),
        visibility: 'public',
        kind: 'space',
      });
      expect(new Date(main?.createdAt ?? '').toISOString()).toBe(main?.createdAt);
      expect(await fixture.storage().listSpaces({ limit: 10 })).toEqual([main]);
      expect(await fixture.storage().headId(MAIN_SPACE_ID)).toBe(0);
    });

    it('creates a space and finds it by id', async () => {
      const result = await fixture
        .storage()
        .createSpace({ id: 'dev-talk', name: 'Dev talk', createdAt: T0, createdBy: CREATOR });
      const space = {
        id: 'dev-talk',
        name: 'Dev talk',
        createdAt: T0.toISOString(),
        visibility: 'public',
        kind: 'space',
      };
      expect(result).toEqual({ created: true, space });
      expect(await fixture.storage().getSpace('dev-talk')).toEqual(space);
    });

    it('refuses an id that is taken, main included, and keeps the first space', async () => {
      await fixture.storage().createSpace({ id: 'dev', name: 'First', createdAt: T0, createdBy: CREATOR });
      expect(
        await fixture.storage().createSpace({ id: 'dev', name: 'Second', createdAt: T0, createdBy: CREATOR }),
      ).toEqual({
        created: false,
        reason: 'id_taken',
      });
      expect(
        await fixture.storage().createSpace({ id: MAIN_SPACE_ID, name: 'Other', createdAt: T0, createdBy: CREATOR }),
      ).toEqual({
        created: false,
        reason: 'id_taken',
      });
      expect((await fixture.storage().getSpace('dev'))?.name).toBe('First');
    });

    it('gives undefined for an unknown space', async () => {
      expect(await fixture.storage().getSpace('nowhere')).toBeUndefined();
    });

    it('lists spaces in the order they were created, main first', async () => {
      // Creation order wins over createdAt: the times passed in are deliberately reversed.
      await fixture
        .storage()
        .createSpace({ id: 'b-space', name: 'B', createdAt: msAfterT0(2_000), createdBy: CREATOR });
      await fixture
        .storage()
        .createSpace({ id: 'a-space', name: 'A', createdAt: msAfterT0(1_000), createdBy: CREATOR });
      const ids = (await fixture.storage().listSpaces({ limit: 10 })).map((space) => space.id);
      expect(ids).toEqual([MAIN_SPACE_ID, 'b-space', 'a-space']);
    });

    it('lists a page from after a space, and nothing after an unknown one', async () => {
      const ids = Array.from({ length: 25 }, (_, index) => `space-${String(index).padStart(2, '0')}`);
      for (const id of [...ids].reverse()) {
        await fixture.storage().createSpace({ id, name: id, createdAt: T0, createdBy: CREATOR });
      }
      const listed: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await fixture.storage().listSpaces({ after, limit: 10 });
        expect(page.length).toBeLessThanOrEqual(10);
        listed.push(...page.map((space) => space.id));
        if (page.length < 10) break;
        after = page.at(-1)?.id;
      }
      // Creation order, not id order: they were created from the last id to the first.
      expect(listed).toEqual([MAIN_SPACE_ID, ...[...ids].reverse()]);
      expect(await fixture.storage().listSpaces({ after: 'never-created', limit: 10 })).toEqual([]);
    });

    it('counts the spaces each timite created, main by none', async () => {
      await fixture.storage().createSpace({ id: 'one', name: 'One', createdAt: T0, createdBy: 7 });
      await fixture.storage().createSpace({ id: 'two', name: 'Two', createdAt: T0, createdBy: 7 });
      await fixture.storage().createSpace({ id: 'three', name: 'Three', createdAt: T0, createdBy: 8 });
      // A refused create counts for nobody.
      await fixture.storage().createSpace({ id: 'one', name: 'Again', createdAt: T0, createdBy: 9 });
      expect(await fixture.storage().countSpacesCreatedBy(7)).toBe(2);
      expect(await fixture.storage().countSpacesCreatedBy(8)).toBe(1);
      expect(await fixture.storage().countSpacesCreatedBy(9)).toBe(0);
    });
  });
}
