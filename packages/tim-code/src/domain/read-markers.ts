import { UNREAD_COUNT_CAP, type ReadMarkerResponse, type Space, type SpaceId, type SpaceListing } from '@tim/protocol';
import type { Bus } from '../bus/bus';
import type { MessageChangeStorage } from '../storage/storage';
import { TimError } from './tim-error';

export interface ReadMarkerDeps {
  storage: MessageChangeStorage;
  bus: Bus;
  /** Told about a publish that failed; the marker has already moved. */
  onPublishError: (err: unknown, spaceId: SpaceId) => void;
}

/**
 * Moves the timite's read marker forward (never back, never past the head) and tells the
 * timite's unread feeds on every process where it stands now.
 */
export async function markRead(
  deps: ReadMarkerDeps,
  input: { timiteId: number; spaceId: SpaceId; updateId: number },
): Promise<ReadMarkerResponse> {
  const readUpTo = await deps.storage.markRead(input.timiteId, input.spaceId, input.updateId);
  if (readUpTo === undefined) throw new TimError('not_found', `There is no space "${input.spaceId}".`);
  deps.bus
    .publish(input.spaceId, { kind: 'read-marker', timiteId: input.timiteId, readUpTo })
    .catch((err: unknown) => deps.onPublishError(err, input.spaceId));
  return { spaceId: input.spaceId, readUpTo };
}

/** Spaces with the timite's unread counts, each capped at UNREAD_COUNT_CAP. */
export async function withUnreadCounts(
  storage: MessageChangeStorage,
  timiteId: number,
  spaces: Space[],
): Promise<SpaceListing[]> {
  if (spaces.length === 0) return [];
  const counts = await storage.unreadCounts(
    timiteId,
    spaces.map((space) => space.id),
    UNREAD_COUNT_CAP,
  );
  return spaces.map((space) => {
    const unread = counts.get(space.id);
    return unread === undefined ? space : { ...space, unread };
  });
}
