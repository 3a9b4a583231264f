import { Socket } from 'node:net';
import { register, send } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { collectUpdateIds, TestSocket } from '../support/ws';

/*
 * A fault in one subscriber's delivery (its socket's write throws) must cost that subscriber its
 * connection and nothing else: the sender still gets 201 and the others still receive.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  jest.restoreAllMocks();
  await server.close();
});

describe('a subscriber whose socket throws on send', () => {
  it('is dropped alone; sends succeed and every other subscriber receives', async () => {
    const [ada, bob, cy] = await Promise.all(['ada', 'bob', 'cy'].map((nick) => register(server, nick)));
    if (ada === undefined || bob === undefined || cy === undefined) throw new Error('register failed');
    const healthy = await Promise.all([ada, bob].map((member) => TestSocket.connect(server.wsUrl, member.key)));
    const victim = await TestSocket.connect(server.wsUrl, cy.key);
    await Promise.all([...healthy, victim].map((socket) => socket.subscribe('main')));

    // The server-side socket of the victim is the one whose remote port is the victim's local port.
    const victimPort = (victim.ws as unknown as { _socket: { localPort: number } })._socket.localPort;
    const originalWrite = Socket.prototype.write;
    jest.spyOn(Socket.prototype, 'write').mockImplementation(function (
      this: Socket,
      ...args: Parameters<Socket['write']>
    ) {
      if (this.remotePort === victimPort) throw new Error('injected delivery fault');
      return originalWrite.apply(this, args);
    });

    const ids: number[] = [];
    for (let n = 0; n < 10; n += 1) {
      const answer = await send(server, ada, `message ${n}`);
      expect(answer.status).toBe(201);
      ids.push(answer.body.updateId);
    }
    for (const socket of healthy) expect(await collectUpdateIds(socket, 'main', 10)).toEqual(ids);
    await victim.closed;
    await waitFor(() => server.app.stats().connections === 2, 'the faulty connection to be released');
    jest.restoreAllMocks();
    await Promise.all(healthy.map((socket) => socket.close()));
  });
});
