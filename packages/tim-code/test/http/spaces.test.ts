import { ErrorBody, SpaceResponse, SpacesResponse } from '@tim/protocol';
import { api, register, type ApiAnswer, type Member } from '../support/http';
import { UNLIMITED_RATES, startServer, type TestServer } from '../support/start-server';

/*
 * Creating spaces is limited per timite twice over: a rate (TIM_RATE_SPACES) and a total
 * (TIM_MAX_SPACES_PER_TIMITE). Listing them is paged, so that a server with many spaces
 * never answers one huge list.
 */

let limited: TestServer;
let capped: TestServer;

beforeAll(async () => {
  [limited, capped] = await Promise.all([
    startServer({ config: { rateSpaces: { points: 2, durationSeconds: 3600 } } }),
    startServer({ config: { ...UNLIMITED_RATES, maxSpacesPerTimite: 3 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([limited.close(), capped.close()]);
});

function create(server: TestServer, member: Member, id: string): Promise<ApiAnswer> {
  return api(server, 'POST', '/spaces', { key: member.key, body: { id, name: id } });
}

async function listIds(server: TestServer, member: Member, query = ''): Promise<SpacesResponse> {
  const answer = await api(server, 'GET', `/spaces${query}`, { key: member.key });
  expect(answer.status).toBe(200);
  return SpacesResponse.parse(answer.body);
}

describe('creating spaces (TIM_RATE_SPACES)', () => {
  it('answers 429 rate_limited with Retry-After past the budget, creates nothing, and leaves others alone', async () => {
    const [ada, bob] = await Promise.all([register(limited, 'ada'), register(limited, 'bob')]);
    expect((await create(limited, ada, 'ada-one')).status).toBe(201);
    expect((await create(limited, ada, 'ada-two')).status).toBe(201);
    const refused = await create(limited, ada, 'ada-three');
    expect(refused.status).toBe(429);
    expect(ErrorBody.parse(refused.body).error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await api(limited, 'GET', '/spaces/ada-three/updates', { key: ada.key })).status).toBe(404);
    expect((await create(limited, bob, 'bob-one')).status).toBe(201);
  });
});

describe('creating spaces (TIM_MAX_SPACES_PER_TIMITE)', () => {
  it('answers 403 forbidden past the cap, creates nothing, and leaves others alone', async () => {
    const [ada, bob] = await Promise.all([register(capped, 'ada'), register(capped, 'bob')]);
    for (const id of ['ada-1', 'ada-2', 'ada-3']) expect((await create(capped, ada, id)).status).toBe(201);
    const refused = await create(capped, ada, 'ada-4');
    expect(refused.status).toBe(403);
    expect(ErrorBody.parse(refused.body).error.code).toBe('forbidden');
    expect((await api(capped, 'GET', '/spaces/ada-4/updates', { key: ada.key })).status).toBe(404);
    const created = await create(capped, bob, 'bob-1');
    expect(created.status).toBe(201);
    expect(SpaceResponse.parse(created.body).space.id).toBe('bob-1');
  });
});

describe('listing spaces', () => {
  const count = 250;
  let carol: Member;
  let allIds: string[];
  let listing: TestServer;

  beforeAll(async () => {
    const server = await startServer({ config: UNLIMITED_RATES });
    listing = server;
    carol = await register(server, 'carol');
    const ids = Array.from({ length: count }, (_, index) => `space-${String(count - index).padStart(3, '0')}`);
    for (const id of ids) {
      await server.storage.createSpace({ id, name: id, createdAt: new Date(), createdBy: carol.timite.id });
    }
    allIds = ['main', ...ids];
  });
  afterAll(async () => {
    await listing.close();
  });

  it('gives the first 100 and a cursor without parameters, and every space once, in creation order, by cursor', async () => {
    const first = await listIds(listing, carol);
    expect(first.spaces.map((space) => space.id)).toEqual(allIds.slice(0, 100));
    const seen = first.spaces.map((space) => space.id);
    let cursor = first.nextCursor;
    let pages = 1;
    while (cursor !== undefined) {
      const page = await listIds(listing, carol, `?limit=100&after=${encodeURIComponent(cursor)}`);
      expect(page.spaces.length).toBeLessThanOrEqual(100);
      seen.push(...page.spaces.map((space) => space.id));
      cursor = page.nextCursor;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(allIds);
  });

  it('gives no cursor on the last page, and a page of the size asked for', async () => {
    const all = await listIds(listing, carol, '?limit=500');
    expect(all.spaces).toHaveLength(count + 1);
    expect(all.nextCursor).toBeUndefined();
    const exact = await listIds(listing, carol, `?limit=${count + 1}`);
    expect(exact.nextCursor).toBeUndefined();
    const small = await listIds(listing, carol, '?limit=7');
    expect(small.spaces.map((space) => space.id)).toEqual(allIds.slice(0, 7));
    expect(small.nextCursor).toEqual(expect.any(String));
  });

  it('refuses a limit out of range and a cursor it did not give with 400', async () => {
    for (const query of ['?limit=0', '?limit=501', '?limit=x', '?after=', '?after=%21%21', '?other=1']) {
      const answer = await api(listing, 'GET', `/spaces${query}`, { key: carol.key });
      expect([query, answer.status]).toEqual([query, 400]);
      expect(ErrorBody.parse(answer.body).error.code).toBe('invalid_request');
    }
  });
});
