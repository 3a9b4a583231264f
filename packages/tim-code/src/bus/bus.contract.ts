import type { Update } from '@tim/protocol';
import type { Bus, BusEvent, PublishedEvent } from './bus';

export interface BusFixture {
  bus: Bus;
  cleanup: () => Promise<void>;
}

function updateEvent(spaceId: string, id: number): PublishedEvent {
  const update: Update = {
    id,
    spaceId,
    at: new Date(0).toISOString(),
    event: {
      type: 'message',
      message: {
        id,
        spaceId,
        sender: { id: 1, nick: 'ada', kind: 'human' },
        content: `message ${id}`,
        mentions: [],
        createdAt: new Date(0).toISOString(),
      },
    },
  };
  return { kind: 'update', update };
}

/** Resolves with the first `count` events the listener receives. */
function collect(count: number): { listener: (event: BusEvent) => void; done: Promise<BusEvent[]> } {
  const events: BusEvent[] = [];
  let resolve: (events: BusEvent[]) => void = () => undefined;
  const done = new Promise<BusEvent[]>((r) => (resolve = r));
  return {
    listener: (event) => {
      events.push(event);
      if (events.length === count) resolve(events);
    },
    done,
  };
}

function ids(events: BusEvent[]): number[] {
  return events.map((event) => (event.kind === 'update' ? event.update.id : -1));
}

/** The behaviour every Bus implementation shares; run it from each implementation's test. */
export function describeBusContract(name: string, makeFixture: () => Promise<BusFixture>): void {
  describe(`Bus contract: ${name}`, () => {
    let fixture: BusFixture;
    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('delivers events published after subscribe resolves, in publish order', async () => {
      const { listener, done } = collect(3);
      await fixture.bus.subscribe('main', listener);
      for (const id of [1, 2, 3]) await fixture.bus.publish('main', updateEvent('main', id));
      expect(ids(await done)).toEqual([1, 2, 3]);
    });

    it('delivers only the space a listener subscribed to', async () => {
      const main = collect(1);
      const other = collect(1);
      await fixture.bus.subscribe('main', main.listener);
      await fixture.bus.subscribe('other', other.listener);
      await fixture.bus.publish('other', updateEvent('other', 7));
      await fixture.bus.publish('main', updateEvent('main', 1));
      expect(ids(await main.done)).toEqual([1]);
      expect(ids(await other.done)).toEqual([7]);
    });

    it('reaches every listener of a space even when one throws', async () => {
      const good = collect(1);
      await fixture.bus.subscribe('main', () => {
        throw new Error('listener failure');
      });
      await fixture.bus.subscribe('main', good.listener);
      await fixture.bus.publish('main', updateEvent('main', 1));
      expect(ids(await good.done)).toEqual([1]);
    });

    it('stops delivering once unsubscribe resolves', async () => {
      const received: BusEvent[] = [];
      const unsubscribe = await fixture.bus.subscribe('main', (event) => received.push(event));
      const witness = collect(1);
      await fixture.bus.subscribe('main', witness.listener);
      await unsubscribe();
      await fixture.bus.publish('main', updateEvent('main', 1));
      await witness.done;
      expect(received).toEqual([]);
    });

    it('carries ephemeral events unchanged', async () => {
      const { listener, done } = collect(1);
      await fixture.bus.subscribe('main', listener);
      const event: PublishedEvent = {
        kind: 'ephemeral',
        event: { type: 'activity', spaceId: 'main', timite: { id: 1, nick: 'ada', kind: 'human' }, activity: 'typing' },
      };
      await fixture.bus.publish('main', event);
      expect(await done).toEqual([event]);
    });

    it('delivers every space to a listener to all spaces, with the space, in publish order', async () => {
      const received: Array<[string, number]> = [];
      let resolve: () => void = () => undefined;
      const done = new Promise<void>((r) => (resolve = r));
      await fixture.bus.subscribeAll((spaceId, event) => {
        received.push([spaceId, event.kind === 'update' ? event.update.id : -1]);
        if (received.length === 3) resolve();
      });
      await fixture.bus.publish('main', updateEvent('main', 1));
      await fixture.bus.publish('other', updateEvent('other', 1));
      await fixture.bus.publish('main', updateEvent('main', 2));
      await done;
      expect(received).toEqual([
        ['main', 1],
        ['other', 1],
        ['main', 2],
      ]);
    });

    it('delivers an event once to a space listener and once to a listener to all spaces, until unsubscribed', async () => {
      const inSpace: BusEvent[] = [];
      const inAll: PublishedEvent[] = [];
      let markerArrived: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => (markerArrived = resolve));
      await fixture.bus.subscribe('main', (event) => inSpace.push(event));
      const unsubscribeAll = await fixture.bus.subscribeAll((_spaceId, event) => {
        inAll.push(event);
        markerArrived();
      });
      const marker: PublishedEvent = { kind: 'read-marker', timiteId: 3, readUpTo: 7 };
      await fixture.bus.publish('main', marker);
      await arrived;
      await unsubscribeAll();
      const witness = collect(1);
      await fixture.bus.subscribe('main', witness.listener);
      await fixture.bus.publish('main', updateEvent('main', 1));
      await witness.done;
      // Settles the slower of the two paths (Redis relays a pattern message apart from the channel's).
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(inSpace).toEqual([marker, updateEvent('main', 1)]);
      expect(inAll).toEqual([marker]);
    });

    it('answers ping', async () => {
      await expect(fixture.bus.ping()).resolves.toBeUndefined();
    });
  });
}
