import { register, send } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { collectUpdateIds, TestSocket } from '../support/ws';

/*
 * The prototype broadcast with a plain loop over sockets: one peer that vanished without a
 * close frame made ws.send throw inside the send handler, and the sender got a 500.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe('a subscriber destroyed without a close frame', () => {
  it('does not fail later sends, and every other subscriber still receives them', async () => {
    const [ada, bob, cy, dan] = await Promise.all(['ada', 'bob', 'cy', 'dan'].map((nick) => register(server, nick)));
    if (ada === undefined || bob === undefined || cy === undefined || dan === undefined)
      throw new Error('register failed');
    const survivors = await Promise.all([ada, bob].map((member) => TestSocket.connect(server.wsUrl, member.key)));
    const victim = await TestSocket.connect(server.wsUrl, cy.key);
    await Promise.all([...survivors, victim].map((socket) => socket.subscribe('main')));

    victim.ws.terminate(); // destroys the TCP socket: no close frame reaches the server
    const ids: number[] = [];
    for (let n = 0; n < 20; n += 1) {
      const answer = await send(server, dan, `after the crash ${n}`);
      expect(answer.status).toBe(201);
      ids.push(answer.body.updateId);
    }
    for (const socket of survivors) expect(await collectUpdateIds(socket, 'main', 20)).toEqual(ids);
    await waitFor(() => server.app.stats().connections === 2, 'the dead connection to be released');
    await Promise.all(survivors.map((socket) => socket.close()));
  });
});
