import { DEFAULT_LIMITS, type TimClient, type Timite } from '@tim/protocol';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';
import type { Persona } from '../persona/persona-schema';
import { abilityEventOf, actorOf } from '../tools/ability-updates';
import type { CatchUp } from './catch-up';
import { logIfCaughtUp, type SpaceState } from './space-state';

/** What an agent does when the server confirms one of its spaces. */
export interface SpaceJoin {
  /**
   * Marks everything up to `headId` as history. The first time: reads recent history (the
   * agent chain, and what was missed while the agent did not run), then posts the opening
   * message if the persona has one for this space and the agent never posted there. Again
   * after a reconnect: what the replay brings was missed while reconnecting.
   */
  onSubscribed(space: SpaceState, headId: number): void;
}

export interface SpaceJoinOptions {
  client: TimClient;
  persona: Pick<Persona, 'historyMessages' | 'replyPolicy' | 'openingMessage'>;
  catchUp: CatchUp;
  /** The agent as the server knows it. */
  self: () => Timite | undefined;
  log: Logger;
}

/** Updates read at the first subscribe, at least: enough to find what was missed in a busy space. */
const JOIN_READ_UPDATES = 100;

export function createSpaceJoin({ client, persona, catchUp, self, log }: SpaceJoinOptions): SpaceJoin {
  let isOpeningClaimed = false;

  /** Reads the recent history into `space.known`; resolves with the oldest update id read, undefined on failure. */
  async function readHistory(space: SpaceState, headId: number): Promise<number | undefined> {
    if (headId === 0) return 1;
    try {
      const limit = Math.min(
        DEFAULT_LIMITS.pageMax,
        Math.max(persona.historyMessages, persona.replyPolicy.maxAgentChain, JOIN_READ_UPDATES),
      );
      const page = await client.readUpdates(space.spaceId, { before: headId + 1, limit });
      for (const update of page.updates) {
        if (update.event.type === 'message') space.known.add(update.id, update.event.message);
        const ability = abilityEventOf(update);
        const actor = ability && actorOf(ability);
        // Calls and outcomes before the agent joined are turns in the chain, as they are live.
        if (actor !== undefined) space.known.addAct(update.id, actor);
      }
      return page.updates[0]?.id ?? 1;
    } catch (err) {
      log.warn('history not loaded; the agent chain starts from what arrives', {
        spaceId: space.spaceId,
        ...describeError(err),
      });
      return undefined;
    }
  }

  /** Whether `selfId` posted anything in the space before update `beforeId`: pages back until found or the start. */
  async function hasPostedBefore(spaceId: string, selfId: number, beforeId: number): Promise<boolean> {
    for (let before = beforeId; before > 1;) {
      const page = await client.readUpdates(spaceId, { before, limit: DEFAULT_LIMITS.pageMax });
      const first = page.updates[0];
      if (first === undefined) return false;
      if (page.updates.some((update) => update.event.type === 'message' && update.event.message.sender.id === selfId)) {
        return true;
      }
      before = first.id;
    }
    return false;
  }

  async function postOpening(space: SpaceState, oldestReadId: number): Promise<void> {
    const opening = persona.openingMessage;
    const me = self();
    if (opening === undefined || opening.space !== space.spaceId || isOpeningClaimed || me === undefined) return;
    // Claimed before anything else: the opening is posted at most once per run, whatever happens.
    isOpeningClaimed = true;
    try {
      // Once per space, ever: any earlier message of this agent there means it has opened before.
      if (space.known.newestFromId(me.id) > 0 || (await hasPostedBefore(space.spaceId, me.id, oldestReadId))) {
        log.info('opening message skipped: the agent has posted in this space before', { spaceId: space.spaceId });
        return;
      }
      const posted = await client.sendMessage(space.spaceId, opening.content);
      space.known.add(posted.updateId, posted.message);
      log.info('opening message posted', { spaceId: space.spaceId, updateId: posted.updateId });
    } catch (err) {
      log.warn('opening message not posted', { spaceId: space.spaceId, ...describeError(err) });
    }
  }

  async function join(space: SpaceState, headId: number): Promise<void> {
    const oldestReadId = await readHistory(space, headId);
    catchUp.answerHistory(space, headId);
    // Without the history the agent cannot tell whether it opened here before: it stays quiet.
    if (oldestReadId !== undefined) await postOpening(space, oldestReadId);
  }

  return {
    onSubscribed(space, headId) {
      const isFirst = space.liveAfterId === undefined;
      // Everything up to the head at (re)subscribe time is history to the reply policy; what
      // was missed meanwhile is answered, at most once, by the catch-up.
      space.liveAfterId = Math.max(space.liveAfterId ?? 0, headId);
      if (!isFirst) {
        catchUp.expectReplay(space, headId);
        return;
      }
      space.seenThroughId = Math.max(space.seenThroughId, headId);
      space.joined = join(space, headId).finally(() => {
        space.isJoined = true;
        logIfCaughtUp(log, space);
      });
    },
  };
}
