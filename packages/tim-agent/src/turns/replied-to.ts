import { TimClientError, type Message, type TimClient } from '@tim/protocol';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';
import type { SpaceState } from '../space/space-state';

/** Replied-to messages read from the server one by one per turn, at most. */
export const MAX_REPLIED_READS = 5;

export interface RepliedToOptions {
  client: TimClient;
  space: Pick<SpaceState, 'spaceId' | 'changes' | 'replied'>;
  /** The messages the prompt may show, oldest first. */
  history: readonly Message[];
  /** The messages the turn answers: their replied-to messages are read first. */
  triggerMessageIds: ReadonlySet<number>;
  log: Logger;
}

/**
 * The messages that the history's messages reply to, by id, as they are now (a deleted one as
 * its tombstone). Those in the history are taken from it; older ones from the space's cache
 * or, up to `MAX_REPLIED_READS` per turn, read from the server (the answered messages' first,
 * then the newest). One that could not be read is missing from the map.
 */
export async function readRepliedTo(options: RepliedToOptions): Promise<Map<number, Message>> {
  const { client, space, log } = options;
  const inHistory = new Map(options.history.map((message) => [message.id, message]));
  const found = new Map<number, Message>();
  const toRead: number[] = [];
  for (const messageId of repliedIdsInOrder(options.history, options.triggerMessageIds)) {
    const known = inHistory.get(messageId) ?? space.replied.get(messageId);
    if (known !== undefined) found.set(messageId, known);
    else if (toRead.length < MAX_REPLIED_READS) toRead.push(messageId);
  }
  const read = await Promise.all(
    toRead.map(async (messageId) => {
      try {
        return (await client.getMessage(space.spaceId, messageId)).message;
      } catch (err) {
        const level = err instanceof TimClientError && err.code === 'not_found' ? 'debug' : 'warn';
        log.log(level, 'replied-to message not read', { spaceId: space.spaceId, messageId, ...describeError(err) });
        return undefined;
      }
    }),
  );
  for (const message of read) {
    if (message === undefined) continue;
    space.replied.remember(message);
    found.set(message.id, message);
  }
  // What was heard live meanwhile wins over what was read: a delete during the read counts.
  return new Map([...found].map(([messageId, message]) => [messageId, space.changes.current(message)]));
}

/** The ids the history's messages reply to, once each: the triggers' first, then newest first. */
function repliedIdsInOrder(history: readonly Message[], triggerMessageIds: ReadonlySet<number>): number[] {
  const newestFirst = [...history].reverse().filter((message) => message.deletedAt === undefined);
  const ordered = [
    ...newestFirst.filter((message) => triggerMessageIds.has(message.id)),
    ...newestFirst.filter((message) => !triggerMessageIds.has(message.id)),
  ];
  return [...new Set(ordered.flatMap((message) => (message.replyTo === undefined ? [] : [message.replyTo])))];
}
