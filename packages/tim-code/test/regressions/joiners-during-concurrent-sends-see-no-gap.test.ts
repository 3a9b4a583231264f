import { register, send, type Member } from '../support/http';
import { startServer, UNLIMITED_RATES, type TestServer } from '../support/start-server';
import { collectUpdateIds, TestSocket } from '../support/ws';

/*
 * The replay-then-live handover: the prototype read the backlog, then subscribed, and lost
 * every message accepted in between (or sent it twice when it subscribed first without an
 * id check). Subscribers join, with and without `after`, while senders keep sending.
 */
const SENDERS = 4;
const MESSAGES_PER_SENDER = 50;
const JOINERS = 12;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ config: { maxConnectionsPerTimite: JOINERS, ...UNLIMITED_RATES } });
});
afterAll(async () => {
  await server.close();
});

async function sendAll(member: Member, label: string): Promise<number[]> {
  const ids: number[] = [];
  for (let n = 0; n < MESSAGES_PER_SENDER; n += 1) {
    const answer = await send(server, member, `${label} ${n}`);
    if (answer.status !== 201) throw new Error(`send answered ${answer.status}`);
    ids.push(answer.body.updateId);
  }
  return ids;
}

describe('joiners during concurrent sends', () => {
  it('see, per subscription, strictly increasing ids with none missing up to the newest', async () => {
    const senders = await Promise.all(Array.from({ length: SENDERS }, (_, n) => register(server, `sender${n}`)));
    const reader = await register(server, 'reader');
    // A few updates exist before anyone joins, so `after` can point into the past.
    await sendAll(senders[0] as Member, 'before');

    const sending = Promise.all(senders.map((member, n) => sendAll(member, `sender ${n}`)));
    const joiners: Array<{ socket: TestSocket; from: number }> = [];
    for (let n = 0; n < JOINERS; n += 1) {
      const socket = await TestSocket.connect(server.wsUrl, reader.key);
      // Every other joiner resumes from an earlier point; the rest start at the head.
      const after = n % 2 === 0 ? n * 3 : undefined;
      const headId = await socket.subscribe('main', after === undefined ? {} : { after });
      joiners.push({ socket, from: after ?? headId });
    }
    const sentIds = (await sending).flat();
    const newest = Math.max(...sentIds);
    expect(newest).toBe(MESSAGES_PER_SENDER * (SENDERS + 1));

    for (const { socket, from } of joiners) {
      const expected = Array.from({ length: newest - from }, (_, n) => from + n + 1);
      expect(await collectUpdateIds(socket, 'main', expected.length)).toEqual(expected);
    }
    await Promise.all(joiners.map(({ socket }) => socket.close()));
  }, 60_000);
});
