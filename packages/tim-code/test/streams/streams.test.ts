import {
  ErrorFrame,
  StreamEndEvent,
  StreamEvent,
  StreamOpenedFrame,
  UpdateFrame,
  UpdatesResponse,
  type Timite,
} from '@tim/protocol';
import { addAgent } from '../../src/domain/agents';
import { api, register, send, type Member } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Streaming messages (an extension of v1) against a real server: an agent opens a stream and
 * appends; a human watching the space sees it appear and grow, then gets one ordinary message
 * marked as streamed. Appends are gathered for TIM_STREAM_FLUSH_MS, quiet streams end after
 * TIM_STREAM_IDLE_MS (both set low here, through the variables, as at a real start).
 */

const FLUSH_MS = 100;
const IDLE_MS = 1500;

let server: TestServer;
let ada: Member;
let jarvis: { timite: Timite; key: string };

beforeAll(async () => {
  server = await startServer({
    env: {
      TIM_STREAM_FLUSH_MS: String(FLUSH_MS),
      TIM_STREAM_IDLE_MS: String(IDLE_MS),
      TIM_STREAMS_PER_TIMITE: '2',
      TIM_MAX_CONTENT_CHARS: '200',
    },
  });
  ada = await register(server, 'ada');
  const agent = await addAgent(server.storage, 'jarvis', new Date());
  jarvis = { timite: agent.timite, key: agent.token };
});
afterAll(async () => {
  await server.close();
});

async function watcher(spaceId = 'main', after?: number): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, ada.key);
  await socket.subscribe(spaceId, after === undefined ? {} : { after });
  return socket;
}

async function headId(): Promise<number> {
  return UpdatesResponse.parse((await api(server, 'GET', '/spaces/main/updates?limit=1', { key: ada.key })).body)
    .headId;
}

async function openStream(author: TestSocket, clientMsgId: string, text?: string, spaceId = 'main') {
  author.send({ type: 'stream_open', spaceId, clientMsgId, ...(text === undefined ? {} : { text }) });
  return StreamOpenedFrame.parse(await nextFrame(author, { type: 'stream_opened', clientMsgId }));
}

/** Folds the stream frames a socket receives, from the text it holds, until the text has `length` code points. */
async function textAfter(socket: TestSocket, streamId: string, length: number, held = ''): Promise<string> {
  let text = held;
  while ([...text].length < length) {
    const chunk = StreamEvent.parse(await nextFrame(socket, { type: 'stream', streamId }));
    if (chunk.offset === 0) text = chunk.text;
    else if (chunk.offset === [...text].length) text += chunk.text;
  }
  return text;
}

describe('a streaming message', () => {
  it('appears and grows for a subscriber, then becomes one ordinary message marked as streamed', async () => {
    const ada1 = await watcher();
    const author = await TestSocket.connect(server.wsUrl, jarvis.key);
    const headBefore = await headId();
    const { streamId } = await openStream(author, 'reply-1', 'Hel');
    expect(StreamEvent.parse(await nextFrame(ada1, { type: 'stream', streamId }))).toMatchObject({
      offset: 0,
      text: 'Hel',
      author: jarvis.timite,
      clientMsgId: 'reply-1',
    });
    for (const piece of ['lo', ', ', 'wör', 'ld']) author.send({ type: 'stream_append', streamId, text: piece });
    expect(await textAfter(ada1, streamId, 12, 'Hel')).toBe('Hello, wörld');

    author.send({ type: 'stream_finish', streamId });
    const ended = StreamEndEvent.parse(await nextFrame(author, { type: 'stream_end', streamId }));
    expect(ended).toMatchObject({ reason: 'finished', author: jarvis.timite });
    const final = UpdateFrame.parse(await nextFrame(ada1, { type: 'update', update: { id: ended.updateId } }));
    expect(final.update.event).toMatchObject({
      type: 'message',
      message: {
        content: 'Hello, wörld',
        clientMsgId: 'reply-1',
        sender: jarvis.timite,
        stream: { id: streamId, end: 'finished' },
      },
    });
    expect(await nextFrame(ada1, { type: 'stream_end', streamId })).toMatchObject({ updateId: ended.updateId });
    // The appends were not stored one by one: the stream added one update to the space.
    expect(ended.updateId).toBe(headBefore + 1);
    expect(await headId()).toBe(headBefore + 1);
    await Promise.all([ada1.close(), author.close()]);
  });

  it('sends each subscriber at most one frame per stream per flush interval, however fast the appends', async () => {
    const ada1 = await watcher();
    const author = await TestSocket.connect(server.wsUrl, jarvis.key);
    const { streamId } = await openStream(author, 'reply-burst');
    await nextFrame(ada1, { type: 'stream', streamId, offset: 0 });
    const started = Date.now();
    for (let i = 0; i < 100; i += 1) author.send({ type: 'stream_append', streamId, text: 'x' });
    expect(await textAfter(ada1, streamId, 100)).toBe('x'.repeat(100));
    const elapsed = Date.now() - started;
    const frames = 1 + ada1.inbox.filter((frame) => frame.type === 'stream').length;
    // One frame per interval at most, plus the one that was due when the appends began.
    expect(frames).toBeLessThanOrEqual(Math.ceil(elapsed / FLUSH_MS) + 1);
    author.send({ type: 'stream_abort', streamId });
    expect(await nextFrame(ada1, { type: 'stream_end', streamId })).toMatchObject({ reason: 'aborted' });
    expect(await nextFrame(ada1, { type: 'stream_end', streamId }, 0).catch(() => 'none')).toBe('none');
    await Promise.all([ada1.close(), author.close()]);
  });

  it('shows a subscriber who joins mid-stream the text so far, then the rest, and no duplicate after the final message', async () => {
    const author = await TestSocket.connect(server.wsUrl, jarvis.key);
    const { streamId } = await openStream(author, 'reply-join', 'Once upon');
    author.send({ type: 'stream_append', streamId, text: ' a time' });
    const early = await watcher();
    await nextFrame(early, { type: 'stream', streamId, text: ' a time' });
    const late = await watcher('main', await headId());
    expect(StreamEvent.parse(await nextFrame(late, { type: 'stream', streamId }))).toMatchObject({
      offset: 0,
      text: 'Once upon a time',
    });
    author.send({ type: 'stream_append', streamId, text: ', there' });
    expect(await nextFrame(late, { type: 'stream', streamId })).toMatchObject({ offset: 16, text: ', there' });
    author.send({ type: 'stream_finish', streamId });
    const end = StreamEndEvent.parse(await nextFrame(late, { type: 'stream_end', streamId }));
    await nextFrame(late, { type: 'update', update: { id: end.updateId } });
    expect(late.inbox.filter((frame) => frame.type === 'stream')).toEqual([]);
    await Promise.all([early.close(), late.close(), author.close()]);
  });

  it('can be stopped by a human: the text so far is the final message, marked stopped, and the author is told', async () => {
    const ada1 = await watcher();
    const author = await TestSocket.connect(server.wsUrl, jarvis.key);
    const { streamId } = await openStream(author, 'reply-stop', 'I will go on and on');
    await nextFrame(ada1, { type: 'stream', streamId });
    const agentStopper = await TestSocket.connect(server.wsUrl, jarvis.key);
    agentStopper.send({ type: 'stream_stop', spaceId: 'main', streamId });
    expect(ErrorFrame.parse(await nextFrame(agentStopper, { type: 'error' }))).toMatchObject({
      code: 'forbidden',
      streamId,
    });
    ada1.send({ type: 'stream_stop', spaceId: 'main', streamId });
    const told = StreamEndEvent.parse(await nextFrame(author, { type: 'stream_end', streamId }));
    expect(told).toMatchObject({ reason: 'stopped', stoppedBy: { nick: 'ada' } });
    const final = UpdateFrame.parse(await nextFrame(ada1, { type: 'update', update: { id: told.updateId } }));
    expect(final.update.event).toMatchObject({
      message: { content: 'I will go on and on', stream: { id: streamId, end: 'stopped', stoppedBy: ada.timite.id } },
    });
    author.send({ type: 'stream_append', streamId, text: ' and on' });
    expect(await nextFrame(author, { type: 'error', streamId })).toMatchObject({ code: 'not_found' });
    await Promise.all([ada1.close(), author.close(), agentStopper.close()]);
  });

  it('ends as timed_out when its author goes quiet, and as disconnected when its author leaves, text kept', async () => {
    const ada1 = await watcher();
    const quiet = await TestSocket.connect(server.wsUrl, jarvis.key);
    const first = await openStream(quiet, 'reply-quiet', 'Hmm');
    const leaving = await TestSocket.connect(server.wsUrl, jarvis.key);
    const second = await openStream(leaving, 'reply-leaving', 'Bye');
    await leaving.close();
    expect(await nextFrame(ada1, { type: 'stream_end', streamId: second.streamId })).toMatchObject({
      reason: 'disconnected',
      updateId: expect.any(Number),
    });
    expect(await nextFrame(ada1, { type: 'stream_end', streamId: first.streamId }, IDLE_MS + 2000)).toMatchObject({
      reason: 'timed_out',
      updateId: expect.any(Number),
    });
    expect(await nextFrame(quiet, { type: 'stream_end', streamId: first.streamId })).toMatchObject({
      reason: 'timed_out',
    });
    await Promise.all([ada1.close(), quiet.close()]);
  });

  it('is idempotent by clientMsgId: a finished clientMsgId finishes into the original message', async () => {
    const author = await TestSocket.connect(server.wsUrl, jarvis.key);
    const first = await openStream(author, 'reply-twice', 'Same words');
    author.send({ type: 'stream_finish', streamId: first.streamId });
    const firstEnd = StreamEndEvent.parse(await nextFrame(author, { type: 'stream_end', streamId: first.streamId }));
    const again = await openStream(author, 'reply-twice', 'Same words');
    author.send({ type: 'stream_finish', streamId: again.streamId });
    const secondEnd = StreamEndEvent.parse(await nextFrame(author, { type: 'stream_end', streamId: again.streamId }));
    expect(secondEnd.updateId).toBe(firstEnd.updateId);
    await author.close();
  });

  it('refuses bad streams with an error naming them, and keeps the stream usable', async () => {
    const author = await TestSocket.connect(server.wsUrl, jarvis.key);
    author.send({ type: 'stream_open', spaceId: 'nowhere', clientMsgId: 'reply-x' });
    expect(await nextFrame(author, { type: 'error' })).toMatchObject({ code: 'not_found', clientMsgId: 'reply-x' });
    const a = await openStream(author, 'reply-a');
    const b = await openStream(author, 'reply-b');
    author.send({ type: 'stream_open', spaceId: 'main', clientMsgId: 'reply-c' });
    expect(await nextFrame(author, { type: 'error' })).toMatchObject({
      code: 'limit_exceeded',
      clientMsgId: 'reply-c',
    });
    author.send({ type: 'stream_append', streamId: a.streamId, text: 'y'.repeat(201) });
    expect(await nextFrame(author, { type: 'error' })).toMatchObject({ code: 'invalid_request', streamId: a.streamId });
    author.send({ type: 'stream_append', streamId: a.streamId, text: 'fits' });
    author.send({ type: 'stream_finish', streamId: a.streamId });
    expect(await nextFrame(author, { type: 'stream_end', streamId: a.streamId })).toMatchObject({ reason: 'finished' });
    author.send({ type: 'stream_abort', streamId: b.streamId });
    await nextFrame(author, { type: 'stream_end', streamId: b.streamId });
    // Someone else's stream is not yours to append to.
    const other = await TestSocket.connect(server.wsUrl, ada.key);
    const mine = await openStream(other, 'ada-1', 'mine');
    author.send({ type: 'stream_append', streamId: mine.streamId, text: 'theirs' });
    expect(await nextFrame(author, { type: 'error' })).toMatchObject({ code: 'not_found', streamId: mine.streamId });
    await Promise.all([author.close(), other.close()]);
  });

  it('spends the message budget when it opens, like a post', async () => {
    const limited = await startServer({ config: { rateMessages: { points: 2, durationSeconds: 3600 } } });
    try {
      const human = await register(limited, 'ann');
      const author = await TestSocket.connect(limited.wsUrl, human.key);
      expect((await send(limited, human, 'a post')).status).toBe(201);
      author.send({ type: 'stream_open', spaceId: 'main', clientMsgId: 'within' });
      const { streamId } = StreamOpenedFrame.parse(await nextFrame(author, { type: 'stream_opened' }));
      author.send({ type: 'stream_abort', streamId });
      author.send({ type: 'stream_open', spaceId: 'main', clientMsgId: 'past' });
      expect(await nextFrame(author, { type: 'error' })).toMatchObject({ code: 'rate_limited', clientMsgId: 'past' });
      expect((await send(limited, human, 'another post')).status).toBe(429);
      await author.close();
    } finally {
      await limited.close();
    }
  });

  it('counts for the agent loop guard like a message', async () => {
    const guarded = await startServer({ config: { maxAgentStreak: 1 } });
    try {
      const human = await register(guarded, 'ann');
      const agent = await addAgent(guarded.storage, 'alice', new Date());
      expect((await send(guarded, human, 'go')).status).toBe(201);
      const author = await TestSocket.connect(guarded.wsUrl, agent.token);
      for (const clientMsgId of ['first', 'second']) {
        author.send({ type: 'stream_open', spaceId: 'main', clientMsgId, text: 'agent talk' });
        const { streamId } = StreamOpenedFrame.parse(await nextFrame(author, { type: 'stream_opened', clientMsgId }));
        author.send({ type: 'stream_finish', streamId });
        const answer = await nextFrame(author, { streamId }).catch(() => undefined);
        if (clientMsgId === 'first') expect(answer).toMatchObject({ type: 'stream_end', reason: 'finished' });
        else expect(answer).toMatchObject({ type: 'error', code: 'agent_turn_limit' });
      }
      await author.close();
    } finally {
      await guarded.close();
    }
  });
});

describe('an old client', () => {
  it('that knows no stream frames still gets the final message as a normal update', async () => {
    const old = await watcher();
    const author = await TestSocket.connect(server.wsUrl, jarvis.key);
    const { streamId } = await openStream(author, 'reply-old', 'For everyone');
    author.send({ type: 'stream_finish', streamId });
    const update = UpdateFrame.parse(await nextFrame(old, { type: 'update', update: { event: { type: 'message' } } }));
    expect(update.update.event).toMatchObject({ message: { content: 'For everyone' } });
    await waitFor(() => server.app.stats().connections >= 2, 'connections');
    await Promise.all([old.close(), author.close()]);
  });
});
