import { ErrorBody, MeResponse } from '@tim/protocol';
import { addAgent } from '../../src/domain/agents';
import { api, register } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe('POST /api/v1/register', () => {
  it('creates a human timite and a session that authenticates', async () => {
    const ada = await register(server, 'ada');
    expect(ada.timite).toMatchObject({ nick: 'ada', kind: 'human' });
    const me = await api(server, 'GET', '/me', { key: ada.key });
    expect(me.status).toBe(200);
    expect(MeResponse.parse(me.body).timite).toEqual(ada.timite);
  });

  it('answers 409 conflict for a taken nick, case-insensitively', async () => {
    await register(server, 'Grace');
    const again = await api(server, 'POST', '/register', { body: { nick: 'grace', password: 'another one' } });
    expect(again.status).toBe(409);
    expect(ErrorBody.parse(again.body).error.code).toBe('conflict');
  });

  it("refuses an agent's nick with 409", async () => {
    await addAgent(server.storage, 'jarvis', new Date());
    const answer = await api(server, 'POST', '/register', { body: { nick: 'Jarvis', password: 'password1' } });
    expect(answer.status).toBe(409);
  });

  it('answers 400 naming the field for a short password and for an unknown field', async () => {
    const short = await api(server, 'POST', '/register', { body: { nick: 'bob', password: 'short' } });
    expect(short.status).toBe(400);
    expect(ErrorBody.parse(short.body).error.message).toContain('password');
    const extra = await api(server, 'POST', '/register', { body: { nick: 'bob', password: 'password1', admin: true } });
    expect(extra.status).toBe(400);
    expect(ErrorBody.parse(extra.body).error.message).toContain('admin');
  });
});

describe('POST /api/v1/login', () => {
  it('signs in with the right password and refuses a wrong one and an unknown nick with the same 401', async () => {
    const lin = await register(server, 'lin', 'password-lin');
    const ok = await api(server, 'POST', '/login', { body: { nick: 'LIN', password: 'password-lin' } });
    expect(ok.status).toBe(200);
    expect((ok.body as { timite: unknown }).timite).toEqual(lin.timite);
    const wrong = await api(server, 'POST', '/login', { body: { nick: 'lin', password: 'nope-nope' } });
    const unknown = await api(server, 'POST', '/login', { body: { nick: 'nobody', password: 'nope-nope' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(ErrorBody.parse(wrong.body).error.message).toBe(ErrorBody.parse(unknown.body).error.message);
  });

  it("refuses an agent's nick with 401", async () => {
    await addAgent(server.storage, 'robo', new Date());
    const answer = await api(server, 'POST', '/login', { body: { nick: 'robo', password: 'whatever1' } });
    expect(answer.status).toBe(401);
  });
});

describe('agent tokens', () => {
  it('authenticate as a timite of kind agent', async () => {
    const { token } = await addAgent(server.storage, 'hal', new Date());
    const me = await api(server, 'GET', '/me', { key: token });
    expect(MeResponse.parse(me.body).timite).toMatchObject({ nick: 'hal', kind: 'agent' });
  });
});
