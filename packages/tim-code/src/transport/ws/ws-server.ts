import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WS_PATH } from '@tim/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection, type ConnectionDeps } from './connection';
import { createFlushScheduler } from './flush-scheduler';
import { isOriginAllowed } from './origin-check';

function refuseUpgrade(socket: Duplex, status: number, statusText: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Takes over the HTTP server's upgrades on WS_PATH; one Connection per accepted socket. */
export function attachWebSockets(server: Server, appDeps: Omit<ConnectionDeps, 'flushScheduler'>) {
  const deps: ConnectionDeps = { ...appDeps, flushScheduler: createFlushScheduler() };
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.maxFrameBytes, clientTracking: false });
  let accepting = true;
  /** Raw sockets still open, so shutdown can cut the ones that ignore the close frame. */
  const open = new Set<WebSocket>();

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => deps.logger.debug('upgrade socket error', { error: err.message }));
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_PATH) {
      refuseUpgrade(socket, 404, 'Not Found', 'not_found', `WebSockets live at ${WS_PATH}.`);
      return;
    }
    if (!accepting) {
      refuseUpgrade(socket, 503, 'Service Unavailable', 'unavailable', 'The server is shutting down.');
      return;
    }
    if (!isOriginAllowed(request.headers.origin, request.headers.host, deps.config.allowedOrigins)) {
      refuseUpgrade(socket, 403, 'Forbidden', 'forbidden', 'This origin may not open WebSockets here.');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (!accepting) {
        ws.terminate();
        return;
      }
      open.add(ws);
      ws.once('close', () => open.delete(ws));
      new Connection(ws, deps, randomUUID());
    });
  }

  server.on('upgrade', onUpgrade);

  return {
    /** Refuses new sockets from now on. */
    stopAccepting(): void {
      accepting = false;
    },
    /** Waits up to graceMs for the sockets to finish closing, then terminates the rest. */
    async close(graceMs: number): Promise<void> {
      accepting = false;
      server.off('upgrade', onUpgrade);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, graceMs);
        function finish(): void {
          clearTimeout(timer);
          for (const ws of open) ws.terminate();
          resolve();
        }
        if (open.size === 0) finish();
        for (const ws of open) {
          ws.once('close', () => {
            if (open.size === 0) finish();
          });
        }
      });
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
