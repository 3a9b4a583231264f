import type { Space, SpaceId } from '@tim/protocol';
import type { AccessStorage, SpaceAccess, SpaceRole } from '../storage/storage';
import { TimError } from './tim-error';

/** What every path says of a space the caller may not read: the same words as for a space that does not exist. */
export function noSuchSpace(spaceId: SpaceId): TimError {
  return new TimError('not_found', `There is no space "${spaceId}".`);
}

/** A space the caller manages, with its role there. */
export interface ManagedSpace {
  space: Space;
  role: Extract<SpaceRole, 'owner' | 'admin'>;
}

/**
 * The one access check (issue 19), used by every path that names a space: HTTP routes, frames,
 * streams, search, unread counts. A private space the caller is not a member of answers exactly
 * like a space that does not exist.
 */
export interface SpaceAccessCheck {
  /**
   * The space, and the caller's role when it is a member; not_found when the space does not
   * exist or the caller may not read it. A public space may come from the cache, without the
   * role: pass `fresh` when the role matters.
   */
  readable(timiteId: number, spaceId: SpaceId, options?: LookUpOptions): Promise<SpaceAccess>;
  /** As `readable`, and forbidden when the space is archived (posting, changes, streams). */
  postable(timiteId: number, spaceId: SpaceId, options?: LookUpOptions): Promise<SpaceAccess>;
  /** As `readable`, and forbidden unless the caller is an owner or admin. Never cached. */
  managed(timiteId: number, spaceId: SpaceId): Promise<ManagedSpace>;
  /** Drops what is cached of the space (this process changed it). */
  forget(spaceId: SpaceId): void;
}

export interface LookUpOptions {
  /** Read from storage, with the caller's role. */
  fresh?: boolean;
}

export interface SpaceAccessOptions {
  storage: Pick<AccessStorage, 'getSpaceAccess'>;
  /**
   * How long this process trusts that a public space is still public and not archived, so that
   * a post costs no extra storage round trip; a change made by another process takes effect
   * here within this time (its own changes at once). 0: never cached.
   */
  publicSpaceCacheMs: number;
  now?: () => number;
  /** At most this many spaces are cached. @default 10000 */
  maxCachedSpaces?: number;
}

export function mayRead(access: SpaceAccess): boolean {
  return access.space.visibility !== 'private' || access.role !== undefined;
}

export function createSpaceAccess(options: SpaceAccessOptions): SpaceAccessCheck {
  const now = options.now ?? Date.now;
  const maxCached = options.maxCachedSpaces ?? 10_000;
  /** Public spaces only: their access is the same for every reader (roles are not taken from here). */
  const publicSpaces = new Map<SpaceId, { space: Space; until: number }>();

  async function lookUp(timiteId: number, spaceId: SpaceId, cached: boolean): Promise<SpaceAccess> {
    if (cached) {
      const hit = publicSpaces.get(spaceId);
      if (hit !== undefined && hit.until > now()) return { space: hit.space };
    }
    const access = await options.storage.getSpaceAccess(spaceId, timiteId);
    if (access === undefined || !mayRead(access)) throw noSuchSpace(spaceId);
    if (options.publicSpaceCacheMs > 0 && access.space.visibility !== 'private') {
      if (publicSpaces.size >= maxCached) publicSpaces.clear();
      publicSpaces.set(spaceId, { space: access.space, until: now() + options.publicSpaceCacheMs });
    } else {
      publicSpaces.delete(spaceId);
    }
    return access;
  }

  return {
    readable: (timiteId, spaceId, lookUpOptions) => lookUp(timiteId, spaceId, lookUpOptions?.fresh !== true),

    async postable(timiteId, spaceId, lookUpOptions) {
      const access = await lookUp(timiteId, spaceId, lookUpOptions?.fresh !== true);
      if (access.space.archivedAt !== undefined)
        throw new TimError('forbidden', `The space "${spaceId}" is archived: nothing can be posted or changed there.`);
      return access;
    },

    async managed(timiteId, spaceId) {
      const access = await lookUp(timiteId, spaceId, false);
      if (access.role !== 'owner' && access.role !== 'admin')
        throw new TimError('forbidden', `Only the owners and admins of "${spaceId}" may do that.`);
      return { space: access.space, role: access.role };
    },

    forget(spaceId) {
      publicSpaces.delete(spaceId);
    },
  };
}
