import type { TimelineEntry } from './timeline';

/** The key of a message's timeline item: a streamed one keeps its stream's key, so its element stays. */
export function entryKey({ updateId, message }: TimelineEntry): string {
  return message.stream === undefined ? `u${updateId}` : `s${message.stream.id}`;
}
