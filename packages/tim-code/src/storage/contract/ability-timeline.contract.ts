import type { Update } from '@tim/protocol';
import type { AbilityUpdate } from '../storage';
import { useAbilityStorage, type MakeAbilityStorage } from './ability-fixture';
import { msAfterT0 } from './fixture';

/** Calls and outcomes are updates of the timeline, merged with messages and changes (issue 16). */
export function describeAbilityTimelineContract(makeStorage: MakeAbilityStorage): void {
  describe('calls and outcomes in readUpdates', () => {
    const fixture = useAbilityStorage(makeStorage);

    /** A message, a call, an edit, an answer, a call, a reaction, a timeout and a message; returns what was appended. */
    async function appendMixedTimeline(): Promise<Map<number, AbilityUpdate>> {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      const storage = fixture.storage();
      const appended = new Map<number, AbilityUpdate>();
      const keep = (update: AbilityUpdate) => appended.set(update.id, update);
      await fixture.appendCreated({ sender: ann, content: 'find the notes', createdAt: msAfterT0(1) });
      keep(await fixture.callCreated({ caller: ann, target: bot, arguments: { q: 'notes' }, createdAt: msAfterT0(2) }));
      await storage.editMessage({
        spaceId: 'main',
        messageId: 1,
        editorId: ann.id,
        content: 'find the release notes',
        mentions: [],
        editedAt: msAfterT0(3),
      });
      keep(await fixture.answerCreated({ answerer: bot, callId: 2, result: { hits: 2 }, createdAt: msAfterT0(4) }));
      keep(await fixture.callCreated({ caller: bot, target: ann, createdAt: msAfterT0(5), deadline: msAfterT0(50) }));
      const reaction = await storage.changeReaction({
        spaceId: 'main',
        messageId: 1,
        timiteId: bot.id,
        emoji: '👀',
        add: true,
        at: msAfterT0(6),
        maxEmojiPerMessage: 20,
        maxReactionsPerTimite: 10,
      });
      expect(reaction.outcome).toBe('changed');
      const timedOut = await storage.recordTimeouts(msAfterT0(60), 10);
      timedOut.forEach(keep);
      await fixture.appendCreated({ sender: ann, content: 'thanks', createdAt: msAfterT0(8) });
      return appended;
    }

    const TYPES = [
      'message',
      'ability_call',
      'message_edited',
      'ability_outcome',
      'ability_call',
      'reaction',
      'ability_outcome',
      'message',
    ];

    it('returns each call and outcome in its place, as its append returned it', async () => {
      const appended = await appendMixedTimeline();
      const timeline: Update[] = await fixture.storage().readUpdates('main', { after: 0, limit: 100 });
      expect(timeline.map((update) => update.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(timeline.map((update) => update.event.type)).toEqual(TYPES);
      for (const [id, update] of appended) expect(timeline[id - 1]).toEqual(update);
      expect(appended.get(7)?.event).toMatchObject({ type: 'ability_outcome', callId: 5, status: 'timed_out' });
      expect(await fixture.storage().headId('main')).toBe(8);
    });

    it('pages through the merged sequence forward and backward without gaps or repeats', async () => {
      await appendMixedTimeline();
      const storage = fixture.storage();
      const ids = async (range: { after: number; limit: number } | { before: number; limit: number }) =>
        (await storage.readUpdates('main', range)).map((update) => update.id);
      for (let after = 0; after <= 8; after += 1) {
        const expected = [after + 1, after + 2, after + 3].filter((id) => id <= 8);
        expect(await ids({ after, limit: 3 })).toEqual(expected);
      }
      for (let before = 1; before <= 9; before += 1) {
        const expected = [before - 3, before - 2, before - 1].filter((id) => id >= 1);
        expect(await ids({ before, limit: 3 })).toEqual(expected);
      }
      const pages: number[] = [];
      for (let after = 0; ;) {
        const page = await ids({ after, limit: 2 });
        if (page.length === 0) break;
        pages.push(...page);
        after = page.at(-1) ?? after;
      }
      expect(pages).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('keeps each space to its own calls and outcomes', async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      await fixture.createSpace('dev');
      const call = await fixture.callCreated({ caller: ann, target: bot, spaceId: 'dev' });
      const outcome = await fixture.answerCreated({
        answerer: bot,
        callId: call.id,
        spaceId: 'dev',
        status: 'error',
        error: 'no such file',
      });
      await fixture.appendCreated({ sender: ann });
      const dev: Update[] = await fixture.storage().readUpdates('dev', { after: 0, limit: 10 });
      expect(dev).toEqual([call, outcome]);
      expect((await fixture.storage().readUpdates('main', { after: 0, limit: 10 })).map((u) => u.event.type)).toEqual([
        'message',
      ]);
    });
  });
}
