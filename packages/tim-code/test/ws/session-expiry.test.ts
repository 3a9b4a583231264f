import { CLOSE_UNAUTHENTICATED } from '@tim/protocol';
import { addAgent } from '../../src/domain/agents';
import { api, register, send } from '../support/http';
import { startServer, UNLIMITED_RATES, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * A socket is only as good as the session it authenticated with (issue 19 §4): when the
 * session expires, its sockets close with 4401, as after a logout, instead of receiving
 * updates on a key that HTTP already refuses. Agent tokens do not expire.
 */

const SESSION_TTL_MS = 1500;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ config: { ...UNLIMITED_RATES, sessionTtlMs: SESSION_TTL_MS } });
});
afterAll(async () => {
  await server.close();
});

describe('a WebSocket whose session expires', () => {
  it('closes with 4401 at the expiry, while an agent token’s socket stays open', async () => {
    const ada = await register(server, 'ada');
    const { token, timite } = await addAgent(server.storage, 'jarvis', new Date());
    const human = await TestSocket.connect(server.wsUrl, ada.key);
    const agent = await TestSocket.connect(server.wsUrl, token);
    await human.subscribe('main');
    await agent.subscribe('main');
    const openedAt = Date.now();

    const closed = await Promise.race([
      human.closed,
      new Promise<never>((_resolve, reject) =>
        setTimeout(
          () => reject(new Error('Timed out waiting for the expired session’s socket to close')),
          2 * SESSION_TTL_MS,
        ).unref(),
      ),
    ]);
    expect(closed.code).toBe(CLOSE_UNAUTHENTICATED);
    expect(Date.now() - openedAt).toBeLessThan(SESSION_TTL_MS + 1000);
    expect((await api(server, 'GET', '/me', { key: ada.key })).status).toBe(401);

    const sent = await send(server, { key: token, timite }, 'still here');
    expect(sent.status).toBe(201);
    await nextFrame(agent, { type: 'update', update: { id: sent.body.updateId } });
    await agent.close();
  });
});
