import { randomBytes } from 'node:crypto';
import { AuthResponse, StreamEndEvent, StreamEvent, StreamOpenedFrame, UpdateFrame } from '@tim/protocol';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import { postToServer as post, useServerProcesses, type ServerProcess } from '../support/server-process';
import { makeTempDir } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Streaming messages across two tim-code processes with Redis between them: a stream lives on
 * the process of its author's connection; the other process's subscribers see it grow, can
 * stop it, get its text so far when they join mid-stream, and see it end as `lost` when the
 * process holding it dies.
 */
const IDLE_MS = 1000;
const processes = useServerProcesses();

interface Pair {
  holder: ServerProcess;
  other: ServerProcess;
  spaceId: string;
  ada: string;
  bob: string;
}

async function startPair(): Promise<Pair> {
  const env = {
    TIM_DATA_DIR: await makeTempDir(),
    TIM_REDIS_URL: TEST_REDIS_URL,
    TIM_REDIS_PREFIX: uniqueRedisPrefix(),
    TIM_STREAM_IDLE_MS: String(IDLE_MS),
    TIM_STREAM_FLUSH_MS: '20',
  };
  const holder = await processes.spawn(env);
  const other = await processes.spawn(env);
  const keys: string[] = [];
  for (const nick of ['ada', 'bob']) {
    const answer = await post(holder, '/register', { nick, password: `password-${nick}` });
    keys.push(AuthResponse.parse(answer.body).session.key);
  }
  const [ada = '', bob = ''] = keys;
  const spaceId = `streams-${randomBytes(4).toString('hex')}`;
  expect((await post(holder, '/spaces', { id: spaceId, name: 'Streams' }, ada)).status).toBe(201);
  return { holder, other, spaceId, ada, bob };
}

async function connect(server: ServerProcess, key: string): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, key);
  processes.closeAfter(socket);
  return socket;
}

async function open(author: TestSocket, spaceId: string, text: string): Promise<string> {
  author.send({ type: 'stream_open', spaceId, clientMsgId: randomBytes(6).toString('hex'), text });
  return StreamOpenedFrame.parse(await nextFrame(author, { type: 'stream_opened', spaceId })).streamId;
}

describe('a streaming message across two processes', () => {
  it('grows and finishes for a subscriber of the other process', async () => {
    const { holder, other, spaceId, ada, bob } = await startPair();
    const watcher = await connect(other, bob);
    await watcher.subscribe(spaceId);
    const author = await connect(holder, ada);
    const streamId = await open(author, spaceId, 'Over');
    expect(await nextFrame(watcher, { type: 'stream', streamId })).toMatchObject({ offset: 0, text: 'Over' });
    author.send({ type: 'stream_append', streamId, text: ' there' });
    expect(await nextFrame(watcher, { type: 'stream', streamId })).toMatchObject({ offset: 4, text: ' there' });
    author.send({ type: 'stream_finish', streamId });
    const end = StreamEndEvent.parse(await nextFrame(watcher, { type: 'stream_end', streamId }));
    const final = UpdateFrame.parse(await nextFrame(watcher, { type: 'update', update: { id: end.updateId } }));
    expect(final.update.event).toMatchObject({ message: { content: 'Over there', stream: { id: streamId } } });
  });

  it('is stopped by a human on the other process, and its author is told', async () => {
    const { holder, other, spaceId, ada, bob } = await startPair();
    const stopper = await connect(other, bob);
    await stopper.subscribe(spaceId);
    const author = await connect(holder, ada);
    const streamId = await open(author, spaceId, 'Going on');
    await nextFrame(stopper, { type: 'stream', streamId });
    stopper.send({ type: 'stream_stop', spaceId, streamId });
    expect(await nextFrame(author, { type: 'stream_end', streamId })).toMatchObject({
      reason: 'stopped',
      stoppedBy: { nick: 'bob' },
    });
    const end = StreamEndEvent.parse(await nextFrame(stopper, { type: 'stream_end', streamId }));
    expect(await nextFrame(stopper, { type: 'update', update: { id: end.updateId } })).toMatchObject({
      update: { event: { message: { content: 'Going on', stream: { end: 'stopped' } } } },
    });
  });

  it('gives a subscriber who joins on the other process mid-stream the text so far', async () => {
    const { holder, other, spaceId, ada, bob } = await startPair();
    const author = await connect(holder, ada);
    const streamId = await open(author, spaceId, 'Chapter one');
    author.send({ type: 'stream_append', streamId, text: ', in which' });
    // The other process serves nobody in this space yet: it asks the holder for the text.
    const late = await connect(other, bob);
    await late.subscribe(spaceId);
    let text = '';
    while (text !== 'Chapter one, in which') {
      const chunk = StreamEvent.parse(await nextFrame(late, { type: 'stream', streamId }));
      if (chunk.offset === 0) text = chunk.text;
      else if (chunk.offset === [...text].length) text += chunk.text;
    }
    author.send({ type: 'stream_append', streamId, text: ' it ends' });
    expect(await nextFrame(late, { type: 'stream', streamId })).toMatchObject({ offset: 21, text: ' it ends' });
  });

  it('ends as lost for the other process when the process holding it dies', async () => {
    const { holder, other, spaceId, ada, bob } = await startPair();
    const watcher = await connect(other, bob);
    await watcher.subscribe(spaceId);
    const author = await connect(holder, ada);
    const streamId = await open(author, spaceId, 'Half a tho');
    await nextFrame(watcher, { type: 'stream', streamId });
    holder.child.kill('SIGKILL');
    expect(await nextFrame(watcher, { type: 'stream_end', streamId }, IDLE_MS * 4)).toMatchObject({ reason: 'lost' });
  });
});
