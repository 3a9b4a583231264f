import { MAIN_SPACE_ID } from '@tim/protocol';
import type { MakeStorage } from './fixture';
import { T0, msAfterT0, useStorage } from './fixture';

export function describeSpacesContract(makeStorage: MakeStorage): void {
  describe('spaces', () => {
    const fixture = useStorage(makeStorage);

    it('has the space main on a fresh store, with no updates', async () => {
      const main = await fixture.storage().getSpace(MAIN_SPACE_ID);
      expect(main).toEqual({ id: MAIN_SPACE_ID, name: expect.any(String), createdAt: expect.any(String) });
      expect(new Date(main?.createdAt ?? '').toISOString()).toBe(main?.createdAt);
      expect(await fixture.storage().listSpaces()).toEqual([main]);
      expect(await fixture.storage().headId(MAIN_SPACE_ID)).toBe(0);
    });

    it('creates a space and finds it by id', async () => {
      const result = await fixture.storage().createSpace({ id: 'dev-talk', name: 'Dev talk', createdAt: T0 });
      const space = { id: 'dev-talk', name: 'Dev talk', createdAt: T0.toISOString() };
      expect(result).toEqual({ created: true, space });
      expect(await fixture.storage().getSpace('dev-talk')).toEqual(space);
    });

    it('refuses an id that is taken, main included, and keeps the first space', async () => {
      await fixture.storage().createSpace({ id: 'dev', name: 'First', createdAt: T0 });
      expect(await fixture.storage().createSpace({ id: 'dev', name: 'Second', createdAt: T0 })).toEqual({
        created: false,
        reason: 'id_taken',
      });
      expect(await fixture.storage().createSpace({ id: MAIN_SPACE_ID, name: 'Other', createdAt: T0 })).toEqual({
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
      await fixture.storage().createSpace({ id: 'b-space', name: 'B', createdAt: msAfterT0(2_000) });
      await fixture.storage().createSpace({ id: 'a-space', name: 'A', createdAt: msAfterT0(1_000) });
      const ids = (await fixture.storage().listSpaces()).map((space) => space.id);
      expect(ids).toEqual([MAIN_SPACE_ID, 'b-space', 'a-space']);
    });
  });
}
