import { WebSocket } from 'ws';
import type { StreamEndEvent, Timite } from '../schemas/entities';
import type { TimConnection } from './live-connection';
import { TimClient } from './tim-client';
import { collect, nextEvent } from './test-support/client-events';
import { ADA, startFakePeer, type FakeConnection, type FakePeer } from './test-support/fake-peer';

const JARVIS: Timite = { id: 7, nick: 'jarvis', kind: 'agent' };

let peer: FakePeer;
let connection: TimConnection | undefined;

beforeEach(async () => {
  peer = await startFakePeer();
});

afterEach(async () => {
  connection?.close();
  connection = undefined;
  await peer.close();
});

/** A client connected as `timite`, and the peer's side of its socket. */
async function connectAs(
  timite: Timite,
  extensions: string[] = ['streams'],
): Promise<{ client: TimConnection; server: FakeConnection }> {
  const tim = new TimClient({ baseUrl: peer.baseUrl, key: 'key', WebSocket, backoff: { minMs: 1, maxMs: 20 } });
  const client = tim.connect();
  connection = client;
  const ready = nextEvent(client, 'ready');
  const server = await peer.nextConnection();
  await server.authenticate(timite, { extensions });
  await ready;
  return { client, server };
}

function endOf(streamId: string, reason: StreamEndEvent['reason'], updateId?: number): StreamEndEvent {
  return {
    type: 'stream_end',
    spaceId: 'main',
    streamId,
    author: JARVIS,
    reason,
    ...(updateId === undefined ? {} : { updateId }),
  };
}

describe('TimConnection streams (extension)', () => {
  it('opens a stream, appends, and finishes with the final update id', async () => {
    const { client, server } = await connectAs(JARVIS);
    const opening = client.openStream('main', { clientMsgId: 'reply-1', text: 'Hel' });
    expect(await server.nextFrame('stream_open')).toEqual({
      type: 'stream_open',
      spaceId: 'main',
      clientMsgId: 'reply-1',
      text: 'Hel',
    });
    server.send({ type: 'stream_opened', spaceId: 'main', streamId: 'stream-0001', clientMsgId: 'reply-1' });
    const stream = await opening;
    expect(stream.streamId).toBe('stream-0001');

    stream.append('lo');
    expect(await server.nextFrame('stream_append')).toEqual({
      type: 'stream_append',
      streamId: 'stream-0001',
      text: 'lo',
    });
    const finished = stream.finish();
    expect(await server.nextFrame('stream_finish')).toEqual({ type: 'stream_finish', streamId: 'stream-0001' });
    server.send(endOf('stream-0001', 'finished', 42));
    expect(await finished).toMatchObject({ reason: 'finished', updateId: 42 });
    expect(stream.signal.aborted).toBe(false);
    expect(() => stream.append('more')).toThrow(expect.objectContaining({ code: 'stream_ended' }));
  });

  it('aborts the signal when a human stops the stream', async () => {
    const { client, server } = await connectAs(JARVIS);
    const opening = client.openStream('main', { clientMsgId: 'reply-2' });
    await server.nextFrame('stream_open');
    server.send({ type: 'stream_opened', spaceId: 'main', streamId: 'stream-0002', clientMsgId: 'reply-2' });
    const stream = await opening;
    const aborted = new Promise<void>((resolve) => stream.signal.addEventListener('abort', () => resolve()));
    server.send({ ...endOf('stream-0002', 'stopped', 43), stoppedBy: ADA });
    await aborted;
    expect(stream.endReason).toBe('stopped');
    expect(stream.isOpen).toBe(false);
  });

  it('rejects an open the server refuses, naming the code', async () => {
    const { client, server } = await connectAs(JARVIS);
    const opening = client.openStream('nowhere', { clientMsgId: 'reply-3' });
    await server.nextFrame('stream_open');
    server.send({ type: 'error', code: 'not_found', message: 'No such space.', clientMsgId: 'reply-3' });
    await expect(opening).rejects.toMatchObject({ code: 'not_found' });
  });

  it('rejects a finish the server refuses, and the stream stays open', async () => {
    const { client, server } = await connectAs(JARVIS);
    const opening = client.openStream('main', { clientMsgId: 'reply-4', text: 'hi' });
    await server.nextFrame('stream_open');
    server.send({ type: 'stream_opened', spaceId: 'main', streamId: 'stream-0004', clientMsgId: 'reply-4' });
    const stream = await opening;
    const finished = stream.finish();
    await server.nextFrame('stream_finish');
    server.send({ type: 'error', code: 'agent_turn_limit', streamId: 'stream-0004' });
    await expect(finished).rejects.toMatchObject({ code: 'agent_turn_limit', streamId: 'stream-0004' });
    expect(stream.isOpen).toBe(true);
    stream.abort();
    expect(await server.nextFrame('stream_abort')).toEqual({ type: 'stream_abort', streamId: 'stream-0004' });
  });

  it('ends its streams and rejects pending opens when the connection drops', async () => {
    const { client, server } = await connectAs(JARVIS);
    const first = client.openStream('main', { clientMsgId: 'reply-5' });
    await server.nextFrame('stream_open');
    server.send({ type: 'stream_opened', spaceId: 'main', streamId: 'stream-0005', clientMsgId: 'reply-5' });
    const stream = await first;
    const pending = client.openStream('main', { clientMsgId: 'reply-6' });
    await server.nextFrame('stream_open');
    server.drop();
    await expect(pending).rejects.toMatchObject({ code: 'network' });
    expect(await stream.ended).toMatchObject({ reason: 'disconnected', streamId: 'stream-0005' });
    expect(stream.signal.aborted).toBe(true);
  });

  it('passes stream events to subscribers and sends stop frames', async () => {
    const { client, server } = await connectAs(ADA);
    const chunks = collect(client, 'stream');
    const ends = collect(client, 'stream_end');
    server.send({
      type: 'stream',
      spaceId: 'main',
      streamId: 'stream-0007',
      author: JARVIS,
      clientMsgId: 'c-7',
      offset: 0,
      text: 'Thinking',
    });
    expect(client.stopStream('main', 'stream-0007')).toBe(true);
    expect(await server.nextFrame('stream_stop')).toEqual({
      type: 'stream_stop',
      spaceId: 'main',
      streamId: 'stream-0007',
    });
    server.send({ ...endOf('stream-0007', 'stopped', 9), stoppedBy: ADA });
    await nextEvent(client, 'stream_end');
    expect(chunks.map((chunk) => chunk.text)).toEqual(['Thinking']);
    expect(ends.map((end) => end.reason)).toEqual(['stopped']);
  });

  it('refuses at once to open a stream on a server that does not announce streams', async () => {
    const { client, server } = await connectAs(JARVIS, []);
    await expect(client.openStream('main')).rejects.toMatchObject({ code: 'unsupported' });
    // Nothing went to the server: the next frame it sees is the one sent after.
    client.stopStream('main', 'stream-0009');
    expect(await server.nextFrame('stream_stop')).toMatchObject({ streamId: 'stream-0009' });
  });

  it('refuses to open while not connected', async () => {
    const { client, server } = await connectAs(JARVIS);
    server.drop();
    await nextEvent(client, 'state');
    await expect(client.openStream('main')).rejects.toMatchObject({ code: 'network' });
  });
});
