/**
 * Why this exists: a frozen server (SIGSTOP) still completes TCP handshakes, because the
 * kernel accepts into the listen backlog, but never answers the WebSocket upgrade. The fake
 * peer cannot stage that, since `ws` answers upgrades itself; this server accepts TCP
 * connections on 127.0.0.1, port 0, reads whatever arrives and never writes a byte.
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AsyncQueue, withTimeout } from './waiting';

export interface SilentTcpServer {
  /** `http://127.0.0.1:PORT`, the client's baseUrl. */
  baseUrl: string;
  /** Resolves once the next connection's first bytes (the upgrade request) have arrived. */
  nextConnection(timeoutMs?: number): Promise<Socket>;
  close(): Promise<void>;
}

export async function startSilentTcpServer(): Promise<SilentTcpServer> {
  const requests = new AsyncQueue<Socket>();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', () => requests.push(socket));
    socket.on('error', () => socket.destroy());
  });
  await withTimeout(
    new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    'the silent server to listen',
    2000,
  );
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    nextConnection: (timeoutMs = 2000) => requests.next('an upgrade request at the silent server', timeoutMs),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
