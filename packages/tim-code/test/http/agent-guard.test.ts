import { ErrorBody, UpdatesResponse } from '@tim/protocol';
import { addAgent } from '../../src/domain/agents';
import { api, register, send, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

/*
 * The agent loop guard over HTTP (TIM_MAX_AGENT_STREAK = 3 here): agents are provisioned the
 * way `tim-code agent add` does it, then talk among themselves until the server stops them.
 */

let server: TestServer;
let human: Member;
let jarvis: Member;
let alice: Member;

async function provision(nick: string): Promise<Member> {
  const { timite, token } = await addAgent(server.storage, nick, new Date());
  return { key: token, timite };
}

async function headId(spaceId: string): Promise<number> {
  const answer = await api(server, 'GET', `/spaces/${spaceId}/updates?after=0&limit=1`, { key: human.key });
  return UpdatesResponse.parse(answer.body).headId;
}

beforeAll(async () => {
  server = await startServer({ config: { maxAgentStreak: 3 } });
  human = await register(server, 'ada');
  [jarvis, alice] = await Promise.all([provision('jarvis'), provision('alice')]);
  for (const id of ['lab', 'den']) {
    expect((await api(server, 'POST', '/spaces', { key: human.key, body: { id, name: id } })).status).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
});

describe('agent loop guard (TIM_MAX_AGENT_STREAK)', () => {
  it('refuses the agent message past the streak with 429 agent_turn_limit and stores nothing', async () => {
    expect((await send(server, human, 'agents, discuss', { spaceId: 'lab' })).status).toBe(201);
    for (const agent of [jarvis, alice, jarvis])
      expect((await send(server, agent, 'my turn', { spaceId: 'lab' })).status).toBe(201);
    const before = await headId('lab');

    for (const agent of [alice, jarvis]) {
      const refused = await send(server, agent, 'one more', { spaceId: 'lab' });
      expect(refused.status).toBe(429);
      expect(ErrorBody.parse(refused.body).error.code).toBe('agent_turn_limit');
    }
    expect(await headId('lab')).toBe(before);
  });

  it('lets agents speak again once a human posted, and never refuses the human', async () => {
    expect((await send(server, human, 'go on', { spaceId: 'lab' })).status).toBe(201);
    for (let i = 0; i < 3; i += 1)
      expect((await send(server, alice, `reply ${i}`, { spaceId: 'lab' })).status).toBe(201);
    expect((await send(server, jarvis, 'and me', { spaceId: 'lab' })).status).toBe(429);
    expect((await send(server, human, 'humans are never limited by the streak', { spaceId: 'lab' })).status).toBe(201);
    expect((await send(server, jarvis, 'now me', { spaceId: 'lab' })).status).toBe(201);
  });

  it('counts each space on its own', async () => {
    for (let i = 0; i < 3; i += 1)
      expect((await send(server, jarvis, `den ${i}`, { spaceId: 'den' })).status).toBe(201);
    expect((await send(server, jarvis, 'den again', { spaceId: 'den' })).status).toBe(429);
    // The streak in `den` says nothing about `main`.
    expect((await send(server, alice, 'hello main', { spaceId: 'main' })).status).toBe(201);
  });
});

describe('agent identities', () => {
  it('come only from provisioning: register cannot claim a kind, and an agent nick cannot be registered or logged into', async () => {
    const claim = await api(server, 'POST', '/register', {
      body: { nick: 'sneaky', password: 'long enough', kind: 'agent' },
    });
    expect(claim.status).toBe(400);
    expect((await register(server, 'honest')).timite.kind).toBe('human');
    for (const nick of ['jarvis', 'JARVIS', 'Alice']) {
      expect((await api(server, 'POST', '/register', { body: { nick, password: 'long enough' } })).status).toBe(409);
      const login = await api(server, 'POST', '/login', { body: { nick, password: 'long enough' } });
      expect(login.status).toBe(401);
      expect(ErrorBody.parse(login.body).error.code).toBe('unauthenticated');
    }
  });
});
