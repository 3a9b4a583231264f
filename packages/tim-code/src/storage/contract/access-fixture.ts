import type { Space, SpaceId, Timite } from '@tim/protocol';
import type { AccessStorage, MessageChangeStorage, SpaceVisibility, Storage } from '../storage';
import { T0, useStorage } from './fixture';
import type { MakeStorage, StorageFixture } from './fixture';

/** A store that keeps access control (issue 19), and search (issue 17) to filter by reader. */
export type AccessStore = Storage & MessageChangeStorage & AccessStorage;
export type MakeAccessStorage = MakeStorage<AccessStore>;

export interface AccessFixture extends StorageFixture<AccessStore> {
  /** Creates a space owned by `owner`; fails the test unless it was created. */
  spaceOwnedBy(owner: Timite, id: SpaceId, visibility?: SpaceVisibility): Promise<Space>;
  /** The timite's role in the space, undefined when it is not a member. */
  roleOf(timite: Timite, spaceId: SpaceId): Promise<string | undefined>;
}

export function useAccessStorage(makeStorage: MakeAccessStorage): AccessFixture {
  const fixture = useStorage(makeStorage);
  return {
    ...fixture,
    async spaceOwnedBy(owner, id, visibility) {
      const result = await fixture
        .storage()
        .createSpace({ id, name: `Space ${id}`, createdAt: T0, createdBy: owner.id, visibility });
      if (!result.created) throw new Error(`The fixture could not create space ${id}.`);
      return result.space;
    },
    async roleOf(timite, spaceId) {
      return (await fixture.storage().getSpaceAccess(spaceId, timite.id))?.role;
    },
  };
}
