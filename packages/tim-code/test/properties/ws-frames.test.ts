import { CLOSE_MESSAGE_TOO_BIG, CLOSE_UNAUTHENTICATED, ErrorCode, ErrorFrame, type ServerFrame } from '@tim/protocol';
import fc from 'fast-check';
import { register, send, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';
import { hugeNumberText, junkJsonText } from './junk';

/*
 * Whatever a client sends over its WebSocket, the server answers only with frames of the
 * contract, errors never `internal`, and an authenticated connection stays open and usable.
 * After each junk frame a probe (unsubscribe from a fresh space id, always answered with
 * `unsubscribed`) marks the end of that frame's answers without any sleep.
 */

const RUNS = 80;

type Junk = { text: string } | { binary: Uint8Array };

const FRAME_FIELDS = ['type', 'key', 'spaceId', 'after', 'receiveOwnMessages', 'activity'] as const;

const frameType = fc.constantFrom(
  'auth',
  'subscribe',
  'unsubscribe',
  'activity',
  'ready',
  'update',
  'error',
  'AUTH',
  '',
);

const junkFrame: fc.Arbitrary<Junk> = fc.oneof(
  { weight: 4, arbitrary: frameType.chain((type) => junkJsonText(FRAME_FIELDS, { type })).map((text) => ({ text })) },
  { weight: 2, arbitrary: junkJsonText(FRAME_FIELDS).map((text) => ({ text })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('subscribe', 'activity'), fc.constantFrom('after', 'activity', 'spaceId'), hugeNumberText)
      .map(([type, field, number]) => ({ text: `{"type":"${type}","spaceId":"main","${field}":${number}}` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        spaceId: fc.constantFrom('main', 'no-such-space', 'Main', 'a'.repeat(41)),
        after: fc.option(fc.integer(), { nil: undefined }),
      })
      .map((frame) => ({ text: JSON.stringify({ type: 'subscribe', ...frame }) })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((binary) => ({ binary })) },
);

let server: TestServer;
let member: Member;

function sendJunk(socket: TestSocket, junk: Junk): void {
  if ('text' in junk) socket.ws.send(junk.text);
  else socket.ws.send(junk.binary, { binary: true });
}

/**
 * Empties the socket's inbox and checks what was in it: every frame of the contract (the
 * socket keeps off-contract frames apart, in `invalid`), and no error `internal`.
 */
function expectContractFrames(socket: TestSocket, what: string): ServerFrame[] {
  expect({ what, invalid: socket.invalid }).toEqual({ what, invalid: [] });
  const frames = socket.inbox.splice(0);
  for (const frame of frames) {
    if (frame.type !== 'error') continue;
    const code = ErrorCode.parse(ErrorFrame.parse(frame).code);
    if (code === 'internal') throw new Error(`${what}: answered internal: ${JSON.stringify(frame)}`);
  }
  return frames;
}

beforeAll(async () => {
  server = await startServer({ config: { rateMessages: { points: 100_000, durationSeconds: 1 } } });
  member = await register(server, 'prop-ws-user');
});

afterAll(async () => {
  await server.close();
});

describe('WebSocket frames under generated junk', () => {
  it('answers any frame after auth with contract frames only and keeps the connection usable', async () => {
    const socket = await TestSocket.connect(server.wsUrl, member.key);
    let probe = 0;
    await fc.assert(
      fc.asyncProperty(junkFrame, async (junk) => {
        probe += 1;
        const probeSpace = `probe-${probe}`;
        sendJunk(socket, junk);
        socket.send({ type: 'unsubscribe', spaceId: probeSpace });
        // Frames are answered in arrival order, so the probe's answer comes after the junk's.
        await nextFrame(socket, { type: 'unsubscribed', spaceId: probeSpace });
        expectContractFrames(socket, JSON.stringify(junk));
      }),
      { numRuns: RUNS },
    );

    // Still usable: (re)subscribe to main and receive a message sent over HTTP.
    socket.send({ type: 'unsubscribe', spaceId: 'main' });
    await nextFrame(socket, { type: 'unsubscribed', spaceId: 'main' });
    await socket.subscribe('main');
    const sent = await send(server, member, 'after the junk');
    expect(sent.status).toBe(201);
    await nextFrame(socket, { type: 'update', update: { id: sent.body.updateId } });
    expectContractFrames(socket, 'after the junk');
    await socket.close();
  });

  it('answers any junk first frame with unauthenticated and closes with 4401', async () => {
    await fc.assert(
      fc.asyncProperty(junkFrame, async (junk) => {
        const socket = await TestSocket.open(server.wsUrl);
        sendJunk(socket, junk);
        const { code } = await socket.closed;
        expect(code).toBe(CLOSE_UNAUTHENTICATED);
        const frames = expectContractFrames(socket, JSON.stringify(junk));
        expect(frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'unauthenticated' }));
      }),
      { numRuns: 30 },
    );
  });

  it('closes with 1009 on a frame over 64 KiB and keeps serving other connections', async () => {
    const bystander = await TestSocket.connect(server.wsUrl, member.key);
    const big = await TestSocket.connect(server.wsUrl, member.key);
    big.send({ type: 'subscribe', spaceId: 'main', pad: 'x'.repeat(65 * 1024) });
    expect((await big.closed).code).toBe(CLOSE_MESSAGE_TOO_BIG);
    await bystander.subscribe('main');
    await bystander.close();
  });
});
