import type { Timite } from '@tim/protocol';
import type { PublishedEvent } from '../bus/bus';
import { createLocalBus } from '../bus/local-bus';
import { createMemoryStorage } from '../storage/memory/memory-storage';
import { startAbilityTimeouts, type AbilityTimeouts } from './ability-timeouts';

/*
 * The timeout sweeper on the memory store and the in-process bus: calls past their deadline get
 * one `timed_out` outcome, published like any update, whether a deadline's timer or the interval
 * finds them.
 */

async function setUp() {
  const storage = createMemoryStorage();
  const bus = createLocalBus();
  const [caller, target] = await Promise.all(
    ['ada', 'jarvis'].map(async (nick): Promise<Timite> => {
      const created = await storage.createTimite({ nick, kind: 'human', passwordHash: null });
      if (!created.created) throw new Error('nick taken');
      return created.timite;
    }),
  );
  const published: PublishedEvent[] = [];
  await bus.subscribe('main', (event) => {
    if (event.kind !== 'resync') published.push(event);
  });
  const callDue = async (deadline: Date) => {
    const result = await storage.appendAbilityCall({
      spaceId: 'main',
      callerId: (caller as Timite).id,
      targetId: (target as Timite).id,
      ability: 'search',
      arguments: {},
      createdAt: new Date(deadline.getTime() - 1000),
      deadline,
      maxAgentStreak: 10,
    });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    return result.update;
  };
  return { storage, bus, published, callDue };
}

const running: AbilityTimeouts[] = [];
const errors: unknown[] = [];
const failed = (err: unknown): void => {
  errors.push(err);
};
afterEach(async () => {
  await Promise.all(running.splice(0).map((timeouts) => timeouts.stop()));
  expect(errors.splice(0)).toEqual([]);
});

async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('startAbilityTimeouts', () => {
  it('records a timeout at a call’s deadline and publishes it once', async () => {
    const { storage, bus, published, callDue } = await setUp();
    const timeouts = startAbilityTimeouts({ storage, bus, now: () => new Date(), intervalMs: 60_000, onError: failed });
    running.push(timeouts);
    const deadline = new Date(Date.now() + 100);
    const call = await callDue(deadline);
    timeouts.due(deadline);
    await eventually(() => published.length === 1);
    expect(published[0]).toMatchObject({
      kind: 'update',
      update: { spaceId: 'main', event: { type: 'ability_outcome', callId: call.id, status: 'timed_out' } },
    });
    expect(Date.now()).toBeGreaterThanOrEqual(deadline.getTime());
    await timeouts.sweep();
    expect(published).toHaveLength(1);
  });

  it('finds overdue calls no timer here knew of on its interval, in batches', async () => {
    const { storage, bus, published, callDue } = await setUp();
    const past = new Date(Date.now() - 10);
    for (let n = 0; n < 5; n += 1) await callDue(past);
    const timeouts = startAbilityTimeouts({
      storage,
      bus,
      now: () => new Date(),
      intervalMs: 20,
      batchSize: 2,
      onError: failed,
    });
    running.push(timeouts);
    await eventually(() => published.length === 5);
    const callIds = published.map((event) => (event.kind === 'update' ? event.update.event : undefined));
    expect(new Set(callIds.map((event) => (event?.type === 'ability_outcome' ? event.callId : 0))).size).toBe(5);
  });
});
