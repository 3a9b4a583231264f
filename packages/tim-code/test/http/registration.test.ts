import {
  AuthResponse,
  ErrorBody,
  InviteResponse,
  MembersResponse,
  RegistrationResponse,
  SpacesResponse,
} from '@tim/protocol';
import { createInvite } from '../../src/domain/invites';
import { api, register, type ApiAnswer } from '../support/http';
import { UNLIMITED_RATES, startServer, type TestServer } from '../support/start-server';

/*
 * TIM_REGISTRATION (issue 19): open by default; with 'invite' an account takes one use of a
 * valid code; with 'closed' nobody registers. TIM_ADMINS make codes over HTTP.
 */

let open: TestServer;
let invite: TestServer;
let closed: TestServer;
const NOW = new Date('2026-06-01T12:00:00Z');

beforeAll(async () => {
  [open, invite, closed] = await Promise.all([
    startServer({ config: UNLIMITED_RATES }),
    startServer({ config: UNLIMITED_RATES, env: { TIM_REGISTRATION: 'invite', TIM_ADMINS: 'Ada' }, now: () => NOW }),
    startServer({ config: UNLIMITED_RATES, env: { TIM_REGISTRATION: 'closed' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([open.close(), invite.close(), closed.close()]);
});

function registering(server: TestServer, nick: string, inviteCode?: string): Promise<ApiAnswer> {
  return api(server, 'POST', '/register', {
    body: { nick, password: 'correct horse', ...(inviteCode === undefined ? {} : { inviteCode }) },
  });
}

function expectForbidden(answer: ApiAnswer): void {
  expect(answer.status).toBe(403);
  expect(ErrorBody.parse(answer.body).error.code).toBe('forbidden');
}

describe('registration policy', () => {
  it('GET /registration tells each server’s policy without a session', async () => {
    for (const [server, policy] of [
      [open, 'open'],
      [invite, 'invite'],
      [closed, 'closed'],
    ] as const) {
      const answer = await api(server, 'GET', '/registration');
      expect(answer.status).toBe(200);
      expect(RegistrationResponse.parse(answer.body)).toEqual({ policy });
    }
  });

  it('open takes anyone, with or without a code', async () => {
    expect((await registering(open, 'ada')).status).toBe(201);
    expect((await registering(open, 'bob', 'whatever')).status).toBe(201);
  });

  it('closed takes nobody', async () => {
    expectForbidden(await registering(closed, 'ada'));
  });

  it('invite needs a valid code; each use is taken once, and an expired code is refused', async () => {
    expectForbidden(await registering(invite, 'ada'));
    expectForbidden(await registering(invite, 'ada', 'not-a-code'));
    const single = await createInvite(invite.storage, { uses: 1 }, NOW);
    expect((await registering(invite, 'ada', single.code)).status).toBe(201);
    const reused = await registering(invite, 'eve', single.code);
    expectForbidden(reused);
    expect(ErrorBody.parse(reused.body).error.message).toBe(
      ErrorBody.parse((await registering(invite, 'eve', 'not-a-code')).body).error.message,
    );
    const expired = await createInvite(invite.storage, { expiresInMs: 1000 }, new Date(NOW.getTime() - 60_000));
    expectForbidden(await registering(invite, 'eve', expired.code));
    // A refused registration took no nick.
    const fresh = await createInvite(invite.storage, {}, NOW);
    expect((await registering(invite, 'eve', fresh.code)).status).toBe(201);
  });

  it('TIM_ADMINS create invite codes over HTTP (case ignored); others are refused', async () => {
    const ada = AuthResponse.parse(
      (await api(invite, 'POST', '/login', { body: { nick: 'ada', password: 'correct horse' } })).body,
    );
    const made = await api(invite, 'POST', '/invites', {
      key: ada.session.key,
      body: { uses: 2, expiresInMs: 3_600_000 },
    });
    expect(made.status).toBe(201);
    const code = InviteResponse.parse(made.body);
    expect(code).toMatchObject({ uses: 2, expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString() });
    expect((await registering(invite, 'frank', code.code)).status).toBe(201);
    expect((await registering(invite, 'grace', code.code)).status).toBe(201);
    expectForbidden(await registering(invite, 'heidi', code.code));

    const eve = AuthResponse.parse(
      (await api(invite, 'POST', '/login', { body: { nick: 'eve', password: 'correct horse' } })).body,
    );
    expectForbidden(await api(invite, 'POST', '/invites', { key: eve.session.key, body: {} }));
    expect((await api(invite, 'POST', '/invites', { body: {} })).status).toBe(401);
    const opener = await register(open, 'carol');
    expectForbidden(await api(open, 'POST', '/invites', { key: opener.key, body: {} }));
  });
});

describe('POST /register', () => {
  it('makes the new timite a member of main, listed among its own spaces and among main’s members', async () => {
    const dora = await register(open, 'dora');
    const mine = SpacesResponse.parse((await api(open, 'GET', '/spaces?scope=mine', { key: dora.key })).body);
    expect(mine.spaces.map((space) => [space.id, space.role])).toEqual([['main', 'member']]);
    const members = MembersResponse.parse((await api(open, 'GET', '/spaces/main/members', { key: dora.key })).body);
    expect(members.members).toContainEqual(expect.objectContaining({ timite: dora.timite, role: 'member' }));
  });
});
