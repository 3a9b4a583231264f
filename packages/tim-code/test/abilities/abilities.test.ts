import {
  AbilitiesResponse,
  AbilityOutcomeResponse,
  CallAbilityResponse,
  ErrorBody,
  type Ability,
  type AbilityCallEvent,
  type AbilityOutcomeEvent,
  type UpdateFrame,
} from '@tim/protocol';
import { addAgent } from '../../src/domain/agents';
import { api, register, send, type ApiAnswer, type Member } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Abilities (issue 16) against a real server on SQLite, over real HTTP and WebSockets:
 * declarations that live as long as their connection, calls checked against the declared
 * schema and stored as updates, one outcome per call from its target or the server's timeout,
 * and the agent loop guard counting calls and outcomes (TIM_MAX_AGENT_STREAK = 3 here).
 */

const SEARCH: Ability = {
  name: 'search',
  description: 'Searches the release notes.',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', minLength: 1 }, limit: { type: 'integer', minimum: 1 } },
    required: ['query'],
    additionalProperties: false,
  },
};
const SUMMARIZE: Ability = {
  name: 'summarize',
  description: 'Summarizes a text.',
  parameters: { type: 'object', properties: { text: { type: 'string' } } },
};

let server: TestServer;
let ada: Member;
let bob: Member;
let jarvis: Member;
let alice: Member;
const sockets: TestSocket[] = [];

async function provision(nick: string): Promise<Member> {
  const { timite, token } = await addAgent(server.storage, nick, new Date());
  return { key: token, timite };
}

async function connect(member: Member): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, member.key);
  sockets.push(socket);
  return socket;
}

async function declare(socket: TestSocket, spaceId: string, abilities: Ability[]): Promise<void> {
  socket.send({ type: 'abilities_declare', spaceId, abilities });
  await nextFrame(socket, { type: 'abilities_declared', spaceId });
}

function call(member: Member, spaceId: string, body: unknown): Promise<ApiAnswer> {
  return api(server, 'POST', `/spaces/${spaceId}/calls`, { key: member.key, body });
}

function answer(member: Member, spaceId: string, callId: number, body: unknown): Promise<ApiAnswer> {
  return api(server, 'POST', `/spaces/${spaceId}/calls/${callId}/outcome`, { key: member.key, body });
}

function errorOf(answered: ApiAnswer): { code: string; message: string; details?: unknown } {
  return ErrorBody.parse(answered.body).error;
}

async function nextUpdateEvent(socket: TestSocket, type: string, timeoutMs = 5000): Promise<UpdateFrame['update']> {
  const frame = (await nextFrame(socket, { type: 'update', update: { event: { type } } }, timeoutMs)) as UpdateFrame;
  return frame.update;
}

beforeAll(async () => {
  server = await startServer({ config: { maxAgentStreak: 3 } });
  [ada, bob] = [await register(server, 'ada'), await register(server, 'bob')];
  [jarvis, alice] = await Promise.all([provision('jarvis'), provision('alice')]);
  for (const id of ['lab', 'calls', 'late', 'loop']) {
    expect((await api(server, 'POST', '/spaces', { key: ada.key, body: { id, name: id } })).status).toBe(201);
  }
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
});
afterAll(async () => {
  await server.close();
});

describe('declaring abilities', () => {
  it('lists a declaration, tells subscribers of every change, and withdraws it when its connection closes', async () => {
    const watcher = await connect(ada);
    await watcher.subscribe('lab');
    const first = await connect(jarvis);
    await declare(first, 'lab', [SEARCH]);
    expect(await nextFrame(watcher, { type: 'abilities' })).toEqual({
      type: 'abilities',
      spaceId: 'lab',
      timite: jarvis.timite,
      abilities: [SEARCH],
    });
    const listed = await api(server, 'GET', '/spaces/lab/abilities', { key: bob.key });
    expect(listed.status).toBe(200);
    expect(AbilitiesResponse.parse(listed.body)).toEqual({ timites: [{ timite: jarvis.timite, abilities: [SEARCH] }] });

    // A second connection's declaration is the newest; when it closes, the first one's shows again.
    const second = await connect(jarvis);
    await declare(second, 'lab', [SEARCH, SUMMARIZE]);
    expect(await nextFrame(watcher, { type: 'abilities' })).toMatchObject({ abilities: [SEARCH, SUMMARIZE] });
    await second.close();
    expect(await nextFrame(watcher, { type: 'abilities' })).toMatchObject({ abilities: [SEARCH] });
    expect(server.app.stats().abilityDeclarations).toBe(1);

    await first.close();
    expect(await nextFrame(watcher, { type: 'abilities' })).toMatchObject({ timite: jarvis.timite, abilities: [] });
    const after = await api(server, 'GET', '/spaces/lab/abilities', { key: bob.key });
    expect(AbilitiesResponse.parse(after.body)).toEqual({ timites: [] });
    await waitFor(() => server.app.stats().abilityDeclarations === 0, 'the declarations to be released');
  });

  it('withdraws with an empty declaration, and refuses unknown spaces, repeated names and schemas that do not compile', async () => {
    const socket = await connect(jarvis);
    await declare(socket, 'lab', [SUMMARIZE]);
    await declare(socket, 'lab', []);
    expect(AbilitiesResponse.parse((await api(server, 'GET', '/spaces/lab/abilities', { key: ada.key })).body)).toEqual(
      {
        timites: [],
      },
    );

    socket.send({ type: 'abilities_declare', spaceId: 'nowhere', abilities: [SEARCH] });
    expect(await nextFrame(socket, { type: 'error' })).toMatchObject({ code: 'not_found', spaceId: 'nowhere' });
    socket.send({ type: 'abilities_declare', spaceId: 'lab', abilities: [SEARCH, SEARCH] });
    expect(await nextFrame(socket, { type: 'error' })).toMatchObject({ code: 'invalid_request', spaceId: 'lab' });
    const broken = {
      ...SUMMARIZE,
      parameters: { type: 'object', properties: { n: { type: 'integer', minimum: 'one' } } },
    };
    socket.send({ type: 'abilities_declare', spaceId: 'lab', abilities: [broken] });
    const refused = await nextFrame(socket, { type: 'error' });
    expect(refused).toMatchObject({ code: 'invalid_request', spaceId: 'lab', details: { ability: 'summarize' } });
    // A frame the protocol refuses (a parameters schema that is not an object's) never reaches the registry.
    socket.send({
      type: 'abilities_declare',
      spaceId: 'lab',
      abilities: [{ ...SUMMARIZE, parameters: { type: 'string' } }],
    });
    expect(await nextFrame(socket, { type: 'error' })).toMatchObject({ code: 'invalid_request' });
    expect(AbilitiesResponse.parse((await api(server, 'GET', '/spaces/lab/abilities', { key: ada.key })).body)).toEqual(
      {
        timites: [],
      },
    );
    expect((await api(server, 'GET', '/spaces/nowhere/abilities', { key: ada.key })).status).toBe(404);
  });
});

describe('calling an ability', () => {
  it('checks the target, the ability and the arguments, then stores the call and delivers it to the target', async () => {
    const target = await connect(jarvis);
    await declare(target, 'calls', [SEARCH]);
    await target.subscribe('calls');

    const unknownAbility = await call(ada, 'calls', { target: jarvis.timite.id, ability: 'translate' });
    expect(unknownAbility.status).toBe(404);
    expect(errorOf(unknownAbility).message).toBe("jarvis has no ability 'translate' in this space.");
    const nobody = await call(ada, 'calls', { target: bob.timite.id, ability: 'search', arguments: { query: 'x' } });
    expect([nobody.status, errorOf(nobody).code]).toEqual([404, 'not_found']);
    const noSpace = await call(ada, 'nowhere', { target: jarvis.timite.id, ability: 'search' });
    expect(noSpace.status).toBe(404);

    const badArguments = await call(ada, 'calls', {
      target: jarvis.timite.id,
      ability: 'search',
      arguments: { limit: 0, colour: 'red' },
    });
    expect(badArguments.status).toBe(400);
    const error = errorOf(badArguments);
    expect(error.code).toBe('invalid_request');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { path: '', keyword: 'required', message: "must have required property 'query'" },
        expect.objectContaining({ path: '', keyword: 'additionalProperties' }),
        expect.objectContaining({ path: '/limit', keyword: 'minimum' }),
      ]),
    );
    const tooBig = await call(ada, 'calls', {
      target: jarvis.timite.id,
      ability: 'search',
      arguments: { query: 'x'.repeat(9000) },
    });
    expect(tooBig.status).toBe(413);

    const before = Date.now();
    const made = await call(ada, 'calls', {
      target: jarvis.timite.id,
      ability: 'search',
      arguments: { query: 'release notes' },
    });
    expect(made.status).toBe(201);
    const { call: event, updateId } = CallAbilityResponse.parse(made.body);
    expect(event).toMatchObject({
      type: 'ability_call',
      callId: updateId,
      caller: ada.timite,
      target: jarvis.timite,
      ability: 'search',
      arguments: { query: 'release notes' },
    });
    const deadlineMs = Date.parse(event.deadline);
    expect(deadlineMs).toBeGreaterThanOrEqual(before + 59_000);
    expect(deadlineMs).toBeLessThanOrEqual(Date.now() + 60_000);
    const delivered = await nextUpdateEvent(target, 'ability_call');
    expect(delivered).toMatchObject({ id: updateId, spaceId: 'calls', event });
  });

  it('reaches a target that was away when it resumes, and takes one answer, from the target only', async () => {
    const declaring = await connect(jarvis);
    await declare(declaring, 'late', [SEARCH]);
    const watcher = await connect(ada);
    const headBefore = await watcher.subscribe('late');
    const made = CallAbilityResponse.parse(
      (await call(ada, 'late', { target: jarvis.timite.id, ability: 'search', arguments: { query: 'q' } })).body,
    );
    await nextUpdateEvent(watcher, 'ability_call');

    // Jarvis subscribes from before the call: the replay brings it.
    const resumed = await connect(jarvis);
    await resumed.subscribe('late', { after: headBefore });
    expect((await nextUpdateEvent(resumed, 'ability_call')).event).toEqual(made.call);

    const fromAda = await answer(ada, 'late', made.updateId, { result: 'not mine to give' });
    expect([fromAda.status, errorOf(fromAda).code]).toEqual([403, 'forbidden']);
    expect((await answer(jarvis, 'late', made.updateId + 100, { result: 1 })).status).toBe(404);
    expect((await answer(jarvis, 'late', made.updateId, { result: 'x'.repeat(17 * 1024) })).status).toBe(413);

    const answered = await answer(jarvis, 'late', made.updateId, { result: { hits: ['1.4 ships abilities'] } });
    expect(answered.status).toBe(201);
    const { outcome, updateId } = AbilityOutcomeResponse.parse(answered.body);
    const expected: AbilityOutcomeEvent = {
      type: 'ability_outcome',
      callId: made.updateId,
      target: jarvis.timite,
      status: 'ok',
      result: { hits: ['1.4 ships abilities'] },
    };
    expect(outcome).toEqual(expected);
    expect(await nextUpdateEvent(watcher, 'ability_outcome')).toMatchObject({ id: updateId, event: expected });

    const again = await answer(jarvis, 'late', made.updateId, { error: 'changed my mind' });
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({ code: 'conflict', details: { outcome: expected, updateId } });

    // Both are in the timeline, for anyone reading it later.
    const timeline = await api(server, 'GET', `/spaces/late/updates?after=${headBefore}`, { key: bob.key });
    const kinds = (timeline.body as { updates: Array<{ event: { type: string } }> }).updates.map((u) => u.event.type);
    expect(kinds).toEqual(['ability_call', 'ability_outcome']);
  });

  it('records a timeout at the deadline when the target does not answer, after which answers are refused', async () => {
    const target = await connect(jarvis);
    await declare(target, 'calls', [SEARCH]);
    const watcher = await connect(bob);
    await watcher.subscribe('calls');
    const made = CallAbilityResponse.parse(
      (
        await call(ada, 'calls', {
          target: jarvis.timite.id,
          ability: 'search',
          arguments: { query: 'slow' },
          timeoutMs: 1000,
        })
      ).body,
    );
    const deadlineMs = Date.parse(made.call.deadline);
    const timedOut = await nextUpdateEvent(watcher, 'ability_outcome', 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(deadlineMs);
    // Recorded by the accepting process's timer at the deadline, not an interval later.
    expect(Date.parse(timedOut.at)).toBeLessThan(deadlineMs + 900);
    expect(Date.parse(timedOut.at)).toBeGreaterThanOrEqual(deadlineMs);
    expect(timedOut.event).toEqual({
      type: 'ability_outcome',
      callId: made.updateId,
      target: jarvis.timite,
      status: 'timed_out',
    });
    const late = await answer(jarvis, 'calls', made.updateId, { result: 'too late' });
    expect(late.status).toBe(409);
  });
});

describe('the agent loop guard with calls', () => {
  it('counts agents’ calls and outcomes as agent turns and lets a human’s call end the run', async () => {
    const jarvisSocket = await connect(jarvis);
    const aliceSocket = await connect(alice);
    await declare(jarvisSocket, 'loop', [SEARCH]);
    await declare(aliceSocket, 'loop', [SUMMARIZE]);
    expect((await send(server, ada, 'agents, go', { spaceId: 'loop' })).status).toBe(201);

    const callOf = async (caller: Member, target: Member, ability: string, args: object) => {
      const answered = await call(caller, 'loop', { target: target.timite.id, ability, arguments: args });
      return answered;
    };
    // 1: jarvis calls alice; 2: alice answers; 3: alice calls jarvis; 4: jarvis answers (never refused).
    const first = CallAbilityResponse.parse((await callOf(jarvis, alice, 'summarize', { text: 'a' })).body);
    expect((await answer(alice, 'loop', first.updateId, { result: 'b' })).status).toBe(201);
    const second = CallAbilityResponse.parse((await callOf(alice, jarvis, 'search', { query: 'c' })).body);
    expect((await answer(jarvis, 'loop', second.updateId, { error: 'no hits' })).status).toBe(201);

    const refused = await callOf(jarvis, alice, 'summarize', { text: 'd' });
    expect([refused.status, errorOf(refused).code]).toEqual([429, 'agent_turn_limit']);
    expect((await send(server, alice, 'me neither?', { spaceId: 'loop' })).status).toBe(429);

    // A human's call ends the run; the agents may go on.
    const human = await callOf(ada, jarvis, 'search', { query: 'e' });
    expect(human.status).toBe(201);
    expect((await callOf(alice, jarvis, 'search', { query: 'f' })).status).toBe(201);
  });
});

describe('the calls rate limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startServer({ env: { TIM_RATE_CALLS: '2/1m' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('refuses a caller past TIM_RATE_CALLS with 429 and Retry-After, and stores nothing', async () => {
    const caller = await register(limited, 'carol');
    const { timite, token } = await addAgent(limited.storage, 'echo', new Date());
    const target = await TestSocket.connect(limited.wsUrl, token);
    sockets.push(target);
    await declare(target, 'main', [SUMMARIZE]);
    const body = { target: timite.id, ability: 'summarize', arguments: { text: 'hi' } };
    for (let n = 0; n < 2; n += 1) {
      expect((await api(limited, 'POST', '/spaces/main/calls', { key: caller.key, body })).status).toBe(201);
    }
    const refused = await api(limited, 'POST', '/spaces/main/calls', { key: caller.key, body });
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const timeline = await api(limited, 'GET', '/spaces/main/updates?after=0', { key: caller.key });
    const calls = (timeline.body as { updates: Array<{ event: AbilityCallEvent }> }).updates.filter(
      (update) => update.event.type === 'ability_call',
    );
    expect(calls).toHaveLength(2);
  });
});
