import { WebSocket } from 'ws';
import type { AbilitiesEvent, Ability } from '../schemas/entities';
import type { TimConnection } from './live-connection';
import { TimClient } from './tim-client';
import { TimClientError } from './tim-client-error';
import { nextEvent } from './test-support/client-events';
import { ADA, startFakePeer, type FakePeer } from './test-support/fake-peer';

let peer: FakePeer;
let sub: TimConnection | undefined;

beforeEach(async () => {
  peer = await startFakePeer();
});

afterEach(async () => {
  sub?.close();
  sub = undefined;
  await peer.close();
});

function connect(): TimConnection {
  sub = new TimClient({ baseUrl: peer.baseUrl, key: 'key-ada', WebSocket, backoff: { minMs: 1, maxMs: 20 } }).connect();
  return sub;
}

const SEARCH: Ability = {
  name: 'search',
  description: 'Searches the notes.',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};
const ABILITIES = { heartbeatMs: 30_000, extensions: ['abilities'] };

describe('TimConnection abilities', () => {
  it('declares at every ready, in each space, until withdrawn, and passes the answers on', async () => {
    const sub = connect();
    // Before the first ready: remembered, sent once the server announces abilities.
    expect(sub.declareAbilities('main', [SEARCH])).toBe(true);
    const first = await peer.nextConnection();
    await first.authenticate(ADA, ABILITIES);
    expect(await first.nextFrame('abilities_declare')).toEqual({
      type: 'abilities_declare',
      spaceId: 'main',
      abilities: [SEARCH],
    });
    const declared = nextEvent(sub, 'abilities_declared');
    first.send({ type: 'abilities_declared', spaceId: 'main' });
    expect(await declared).toEqual({ type: 'abilities_declared', spaceId: 'main' });

    expect(sub.declareAbilities('lab', [SEARCH])).toBe(true);
    expect((await first.nextFrame('abilities_declare')).spaceId).toBe('lab');
    // A withdrawal goes to the server now and is not declared again after a reconnect.
    expect(sub.declareAbilities('lab', [])).toBe(true);
    expect(await first.nextFrame('abilities_declare')).toEqual({
      type: 'abilities_declare',
      spaceId: 'lab',
      abilities: [],
    });

    first.drop();
    const second = await peer.nextConnection();
    await second.authenticate(ADA, ABILITIES);
    expect(await second.nextFrame('abilities_declare')).toEqual({
      type: 'abilities_declare',
      spaceId: 'main',
      abilities: [SEARCH],
    });
    // Nothing else was declared: the next frame is the activity sent after it.
    expect(sub.sendActivity('main', 'idle')).toBe(true);
    expect((await second.nextFrame('activity')).activity).toBe('idle');
  });

  it('passes abilities events on', async () => {
    const sub = connect();
    const connection = await peer.nextConnection();
    await connection.authenticate(ADA, ABILITIES);
    const event: AbilitiesEvent = { type: 'abilities', spaceId: 'main', timite: ADA, abilities: [SEARCH] };
    const received = nextEvent(sub, 'abilities');
    connection.send(event);
    expect(await received).toEqual(event);
  });

  it('does not declare to a server that does not speak abilities, and keeps the declaration for one that does', async () => {
    const sub = connect();
    const ready = nextEvent(sub, 'ready');
    const old = await peer.nextConnection();
    await old.authenticate(ADA, { heartbeatMs: 30_000, extensions: ['streams'] });
    await ready;
    expect(sub.declareAbilities('main', [SEARCH])).toBe(false);
    sub.sendActivity('main', 'typing');
    expect((await old.nextFrame('activity')).activity).toBe('typing');

    old.drop();
    const upgraded = await peer.nextConnection();
    await upgraded.authenticate(ADA, ABILITIES);
    expect((await upgraded.nextFrame('abilities_declare')).abilities).toEqual([SEARCH]);
  });

  it('refuses a declaration the server would refuse, before sending it', () => {
    const sub = connect();
    expect(() => sub.declareAbilities('main', [{ ...SEARCH, name: 'Not A Name' }])).toThrow(TimClientError);
    expect(() => sub.declareAbilities('main', [{ ...SEARCH, parameters: { type: 'string' } as never }])).toThrow(
      TimClientError,
    );
  });
});
