import { rm } from 'node:fs/promises';
import { API_PREFIX, AuthResponse, SendMessageResponse, UpdatesResponse, messageOf } from '@tim/protocol';
import { makeTempDir } from '../support/start-server';
import { postToServer as post, spawnServer, type ServerProcess } from '../support/server-process';

/*
 * An acknowledged message survives a crash of the server process: kill -9 right after the
 * last 201, restart on the same data dir, and every acknowledged message is there, with ids
 * continuing after the last one, never reused.
 */
const MESSAGES = 60;

describe('crash durability', () => {
  let dataDir: string;
  const running: ServerProcess[] = [];
  beforeAll(async () => {
    dataDir = await makeTempDir();
  });
  afterAll(async () => {
    for (const server of running) await server.stop({ signal: 'SIGKILL' });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message across kill -9 and continues ids without reuse', async () => {
    // The message rate limit is raised: this test is about durability, not abuse.
    const first = await spawnServer({ TIM_DATA_DIR: dataDir, TIM_RATE_MESSAGES: '1000000/1s' });
    running.push(first);
    const registered = await post(first, '/register', { nick: 'ada', password: 'password-ada' });
    const { session } = AuthResponse.parse(registered.body);

    // Concurrent sends, so the kill lands while writes are in flight.
    const acknowledged: Array<{ messageId: number; updateId: number; content: string }> = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, lane) => {
        for (let n = 0; n < MESSAGES / 4; n += 1) {
          const content = `lane ${lane} message ${n}`;
          const answer = await post(first, '/spaces/main/messages', { content }, session.key);
          if (answer.status !== 201) throw new Error(`send answered ${answer.status}`);
          const { message, updateId } = SendMessageResponse.parse(answer.body);
          acknowledged.push({ messageId: message.id, updateId, content });
        }
      }),
    );
    expect((await first.stop({ signal: 'SIGKILL' })).signal).toBe('SIGKILL');

    const second = await spawnServer({ TIM_DATA_DIR: dataDir });
    running.push(second);
    const page = await fetch(`${second.baseUrl}${API_PREFIX}/spaces/main/updates?after=0&limit=500`, {
      headers: { authorization: `Bearer ${session.key}` },
    });
    const { updates, headId } = UpdatesResponse.parse(await page.json());
    const stored = new Map(updates.map((update) => [update.id, update]));
    for (const ack of acknowledged) {
      const update = stored.get(ack.updateId);
      expect(messageOf(update)).toMatchObject({ id: ack.messageId, content: ack.content });
    }
    expect(headId).toBe(MESSAGES);

    const after = await post(second, '/spaces/main/messages', { content: 'after the crash' }, session.key);
    expect(after.status).toBe(201);
    const next = SendMessageResponse.parse(after.body);
    expect(next.updateId).toBe(MESSAGES + 1);
    expect(next.message.id).toBeGreaterThan(Math.max(...acknowledged.map((ack) => ack.messageId)));
  }, 60_000);
});
