import type { TimClient, Timite } from '@tim/protocol';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';
import type { Persona } from '../persona/persona-schema';
import { logIfCaughtUp, type SpaceState } from './space-state';

/** What an agent does when the server confirms one of its spaces. */
export interface SpaceJoin {
  /**
   * Marks everything up to `headId` as history. The first time: reads recent history for
   * the agent chain, then posts the opening message if the persona has one for this space.
   */
  onSubscribed(space: SpaceState, headId: number): void;
}

export interface SpaceJoinOptions {
  client: TimClient;
  persona: Pick<Persona, 'historyMessages' | 'replyPolicy' | 'openingMessage'>;
  /** The agent as the server knows it. */
  self: () => Timite | undefined;
  log: Logger;
}

export function createSpaceJoin({ client, persona, self, log }: SpaceJoinOptions): SpaceJoin {
  let isOpeningClaimed = false;

  async function readHistory(space: SpaceState, headId: number): Promise<void> {
    if (headId === 0) return;
    try {
      const limit = Math.max(persona.historyMessages, persona.replyPolicy.maxAgentChain);
      const page = await client.readUpdates(space.spaceId, { before: headId + 1, limit });
      for (const update of page.updates) {
        if (update.event.type === 'message') space.known.add(update.id, update.event.message);
      }
    } catch (err) {
      log.warn('history not loaded; the agent chain starts from what arrives', {
        spaceId: space.spaceId,
        ...describeError(err),
      });
    }
  }

  async function postOpening(space: SpaceState): Promise<void> {
    const opening = persona.openingMessage;
    if (opening === undefined || opening.space !== space.spaceId || isOpeningClaimed) return;
    // Claimed before sending: the opening is posted at most once per run, whatever happens.
    isOpeningClaimed = true;
    // After a restart nobody may have spoken since this agent last did; another opening would
    // only repeat itself (and feed the agent run).
    if (space.known.agentRun().some((message) => message.sender.id === self()?.id)) {
      log.info('opening message skipped: nobody spoke since this agent last did', { spaceId: space.spaceId });
      return;
    }
    try {
      const posted = await client.sendMessage(space.spaceId, opening.content);
      space.known.add(posted.updateId, posted.message);
      log.info('opening message posted', { spaceId: space.spaceId, updateId: posted.updateId });
    } catch (err) {
      log.warn('opening message not posted', { spaceId: space.spaceId, ...describeError(err) });
    }
  }

  return {
    onSubscribed(space, headId) {
      const isFirst = space.liveAfterId === undefined;
      // Everything up to the head at (re)subscribe time is history; after a reconnect the
      // client replays what was missed, and those updates must not be answered either.
      space.liveAfterId = Math.max(space.liveAfterId ?? 0, headId);
      if (!isFirst) return;
      space.seenThroughId = Math.max(space.seenThroughId, headId);
      space.joined = readHistory(space, headId)
        .then(() => postOpening(space))
        .finally(() => {
          space.isJoined = true;
          logIfCaughtUp(log, space);
        });
    },
  };
}
