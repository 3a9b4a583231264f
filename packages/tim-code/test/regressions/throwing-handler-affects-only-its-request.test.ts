import { ErrorBody } from '@tim/protocol';
import { Writable } from 'node:stream';
import winston from 'winston';
import { api, register, send } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';
import { collectUpdateIds, TestSocket } from '../support/ws';

/*
 * A handler that throws answers 500 `internal` without a stack, is logged once with the
 * request id the client got, and every other request and connection carries on.
 */
const logged: Array<Record<string, unknown>> = [];
const memoryStream = new Writable({
  objectMode: true,
  write(entry: Record<string, unknown>, _encoding, done) {
    logged.push(entry);
    done();
  },
});
let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    logger: winston.createLogger({
      level: 'debug',
      transports: [new winston.transports.Stream({ stream: memoryStream })],
    }),
    wrapStorage: (storage) => ({
      ...storage,
      listSpacesFor: () => Promise.reject(new Error('injected storage fault: secret detail')),
    }),
  });
});
afterAll(async () => {
  await server.close();
});

describe('a request handler that throws', () => {
  it('answers 500 internal with a request id, logs it once, and the server keeps serving', async () => {
    const ada = await register(server, 'ada');
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    await socket.subscribe('main');

    const failed = await api(server, 'GET', '/spaces', { key: ada.key, headers: { 'x-request-id': 'req-broken-1' } });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-request-id')).toBe('req-broken-1');
    const body = ErrorBody.parse(failed.body);
    expect(body.error.code).toBe('internal');
    expect(JSON.stringify(body)).not.toContain('secret detail');
    expect(JSON.stringify(body)).not.toContain('at ');
    const entries = logged.filter((entry) => entry['requestId'] === 'req-broken-1');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.['level']).toBe('error');

    const sent = await send(server, ada, 'still serving');
    expect(sent.status).toBe(201);
    expect(await collectUpdateIds(socket, 'main', 1)).toEqual([sent.body.updateId]);
    expect((await api(server, 'GET', '/me', { key: ada.key })).status).toBe(200);
    await socket.close();
  });
});
