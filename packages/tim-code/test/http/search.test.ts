import { ErrorBody, SearchResponse, SendMessageResponse } from '@tim/protocol';
import { api, register, send, type ApiAnswer, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

/* GET /search (an extension of v1): full-text over every space, paged, newest or best first. */

let server: TestServer;
let ada: Member;
let bob: Member;
beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await Promise.all([register(server, 'ada'), register(server, 'bob')]);
  expect((await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'garden', name: 'Garden' } })).status).toBe(
    201,
  );
});
afterAll(async () => {
  await server.close();
});

async function sendIn(spaceId: string, member: Member, content: string) {
  const sent = await send(server, member, content, { spaceId });
  expect(sent.status).toBe(201);
  return SendMessageResponse.parse(sent.body);
}

function search(query: Record<string, string>, member: Member = ada): Promise<ApiAnswer> {
  return api(server, 'GET', `/search?${new URLSearchParams(query).toString()}`, { key: member.key });
}

function results(answer: ApiAnswer): SearchResponse {
  expect(answer.status).toBe(200);
  return SearchResponse.parse(answer.body);
}

const contents = (response: SearchResponse) => response.results.map((result) => result.message.content);

describe('GET /search', () => {
  it('finds messages whose words start with every query word, in every space, newest first', async () => {
    const tomato = await sendIn('main', ada, 'Tomatoes need sun');
    await sendIn('garden', bob, 'The tomato plants are tall');
    await sendIn('garden', bob, 'Potatoes need water');
    const found = results(await search({ q: 'TOMAT' }));
    expect(contents(found)).toEqual(['The tomato plants are tall', 'Tomatoes need sun']);
    expect(found.results[1]).toEqual({ message: tomato.message, updateId: tomato.updateId });
    expect(found.nextCursor).toBeUndefined();
    expect(contents(results(await search({ q: 'need tomato' })))).toEqual(['Tomatoes need sun']);
    expect(contents(results(await search({ q: 'tomato', spaceId: 'garden' })))).toEqual(['The tomato plants are tall']);
    expect(results(await search({ q: 'cucumber' })).results).toEqual([]);
  });

  it('pages with nextCursor, in both orders', async () => {
    for (let n = 0; n < 5; n += 1) await sendIn('garden', bob, `pager ${n}`);
    for (const order of ['newest', 'relevance']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page += 1) {
        const answer = results(await search({ q: 'pager', order, limit: '2', ...(cursor ? { cursor } : {}) }));
        seen.push(...contents(answer));
        cursor = answer.nextCursor;
        if (cursor === undefined) break;
      }
      expect(seen.sort()).toEqual(['pager 0', 'pager 1', 'pager 2', 'pager 3', 'pager 4']);
    }
    expect(contents(results(await search({ q: 'pager', limit: '2' })))).toEqual(['pager 4', 'pager 3']);
  });

  it('never finds a deleted message, nor an edit’s old words', async () => {
    const secret = await sendIn('main', bob, 'zanzibar plans');
    const edited = await sendIn('main', bob, 'quixotic draft');
    expect(results(await search({ q: 'zanzibar' })).results).toHaveLength(1);
    expect((await api(server, 'DELETE', `/spaces/main/messages/${secret.message.id}`, { key: bob.key })).status).toBe(
      200,
    );
    expect(results(await search({ q: 'zanzibar' })).results).toEqual([]);
    const patch = await api(server, 'PATCH', `/spaces/main/messages/${edited.message.id}`, {
      key: bob.key,
      body: { content: 'final version' },
    });
    expect(patch.status).toBe(200);
    expect(results(await search({ q: 'quixotic' })).results).toEqual([]);
    expect(contents(results(await search({ q: 'final version' })))).toEqual(['final version']);
  });

  it('answers 400 for a query without a word, a bad limit or order, a foreign cursor; 404 for an unknown space; 401 without a key', async () => {
    const invalid: Array<Record<string, string>> = [
      { q: '!!! ...' },
      { q: '' },
      { q: 'x', limit: '0' },
      { q: 'x', order: 'oldest' },
      {},
    ];
    for (const query of invalid) {
      const answer = await search(query);
      expect([answer.status, ErrorBody.parse(answer.body).error.code]).toEqual([400, 'invalid_request']);
    }
    expect((await search({ q: 'x', cursor: 'not-ours' })).status).toBe(400);
    const unknown = await search({ q: 'x', spaceId: 'nowhere' });
    expect([unknown.status, ErrorBody.parse(unknown.body).error.code]).toEqual([404, 'not_found']);
    expect((await api(server, 'GET', '/search?q=x')).status).toBe(401);
  });
});
