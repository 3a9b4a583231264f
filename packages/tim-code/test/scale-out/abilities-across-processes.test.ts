import {
  API_PREFIX,
  AbilitiesResponse,
  AbilityOutcomeResponse,
  AuthResponse,
  CallAbilityResponse,
  type Ability,
  type UpdateFrame,
} from '@tim/protocol';
import { withFreshDatabase } from '../support/postgres';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import { postToServer as post, useServerProcesses, type ServerProcess } from '../support/server-process';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Abilities (issue 16) across two tim-code processes on one PostgreSQL database with Redis
 * between them: a target connected to process B is listed by process A, receives a call made
 * through A, and its answer through B reaches the caller on A; its withdrawal too.
 */

const processes = useServerProcesses();

const SEARCH: Ability = {
  name: 'search',
  description: 'Searches the release notes.',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

async function call(
  server: ServerProcess,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.baseUrl}${API_PREFIX}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function connect(server: ServerProcess, key: string): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, key);
  processes.closeAfter(socket);
  return socket;
}

describe('two tim-code processes on PostgreSQL with Redis between them, issue 16', () => {
  it('list, call and answer a target connected to the other process', async () => {
    await withFreshDatabase(async (url) => {
      const env = {
        TIM_DATA_DIR: '/nonexistent/tim',
        TIM_DATABASE_URL: url,
        TIM_REDIS_URL: TEST_REDIS_URL,
        TIM_REDIS_PREFIX: uniqueRedisPrefix(),
      };
      const first = await processes.spawn(env);
      const second = await processes.spawn(env);
      const ada = AuthResponse.parse((await post(first, '/register', { nick: 'ada', password: 'password-ada' })).body);
      const bob = AuthResponse.parse((await post(first, '/register', { nick: 'bob', password: 'password-bob' })).body);

      // Ada, the caller, on the first process; Bob, the target, on the second.
      const caller = await connect(first, ada.session.key);
      await caller.subscribe('main');
      const target = await connect(second, bob.session.key);
      await target.subscribe('main');
      target.send({ type: 'abilities_declare', spaceId: 'main', abilities: [SEARCH] });
      await nextFrame(target, { type: 'abilities_declared', spaceId: 'main' });
      expect(await nextFrame(caller, { type: 'abilities' }, 10_000)).toEqual({
        type: 'abilities',
        spaceId: 'main',
        timite: bob.timite,
        abilities: [SEARCH],
      });
      const listed = await call(first, 'GET', '/spaces/main/abilities', ada.session.key);
      expect(AbilitiesResponse.parse(listed.body)).toEqual({ timites: [{ timite: bob.timite, abilities: [SEARCH] }] });

      const made = await call(first, 'POST', '/spaces/main/calls', ada.session.key, {
        target: bob.timite.id,
        ability: 'search',
        arguments: { query: 'release notes' },
      });
      expect(made.status).toBe(201);
      const { call: event, updateId: callId } = CallAbilityResponse.parse(made.body);
      const received = (await nextFrame(
        target,
        { type: 'update', update: { event: { type: 'ability_call' } } },
        10_000,
      )) as UpdateFrame;
      expect(received.update).toMatchObject({ id: callId, event });

      const answered = await call(second, 'POST', `/spaces/main/calls/${callId}/outcome`, bob.session.key, {
        result: 'found 3',
      });
      expect(answered.status).toBe(201);
      const { outcome, updateId } = AbilityOutcomeResponse.parse(answered.body);
      const back = (await nextFrame(
        caller,
        { type: 'update', update: { event: { type: 'ability_outcome' } } },
        10_000,
      )) as UpdateFrame;
      expect(back.update).toMatchObject({
        id: updateId,
        event: { ...outcome, callId, status: 'ok', result: 'found 3' },
      });

      // Bob's connection goes: his abilities go on every process.
      await target.close();
      expect(await nextFrame(caller, { type: 'abilities' }, 10_000)).toEqual({
        type: 'abilities',
        spaceId: 'main',
        timite: bob.timite,
        abilities: [],
      });
      const after = await call(first, 'GET', '/spaces/main/abilities', ada.session.key);
      expect(AbilitiesResponse.parse(after.body)).toEqual({ timites: [] });
    }, processes.stopServers);
  }, 60_000);
});
