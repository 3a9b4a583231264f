import { register, send } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';
import { collectUpdateIds, TestSocket } from '../support/ws';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe('resume with after', () => {
  it('delivers exactly the missed updates after a reconnect', async () => {
    const [reader, writer] = await Promise.all([register(server, 'reader'), register(server, 'writer')]);
    const first = await TestSocket.connect(server.wsUrl, reader.key);
    await first.subscribe('main');
    for (let n = 0; n < 5; n += 1) await send(server, writer, `seen ${n}`);
    const seen = await collectUpdateIds(first, 'main', 5);
    first.ws.terminate();
    await first.closed;

    const missed: number[] = [];
    for (let n = 0; n < 7; n += 1) missed.push((await send(server, writer, `missed ${n}`)).body.updateId);

    const second = await TestSocket.connect(server.wsUrl, reader.key);
    const lastSeen = seen.at(-1) ?? 0;
    expect(await second.subscribe('main', { after: lastSeen })).toBe(missed.at(-1));
    const live = await send(server, writer, 'live');
    expect(await collectUpdateIds(second, 'main', 8)).toEqual([...missed, live.body.updateId]);
    expect(second.takeUpdateIds('main')).toEqual([]);
    await second.close();
  });

  it('treats a cursor past the head as the head: later updates still arrive', async () => {
    const [reader, writer] = await Promise.all([register(server, 'stale'), register(server, 'poster')]);
    const socket = await TestSocket.connect(server.wsUrl, reader.key);
    const headId = await socket.subscribe('main', { after: 1_000_000 });
    const next = await send(server, writer, 'after a stale cursor');
    expect(next.body.updateId).toBe(headId + 1);
    expect(await collectUpdateIds(socket, 'main', 1)).toEqual([headId + 1]);
    await socket.close();
  });
});
