import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WS_PATH } from '@tim/protocol';
import { WebSocketServer } from 'ws';
import { Connection, TimWebSocket, type ConnectionDeps } from './connection';
import { createFlushScheduler } from './flush-scheduler';
import { createHeartbeat } from './heartbeat';
import { isOriginAllowed } from './origin-check';

function refuseUpgrade(socket: Duplex, status: number, statusText: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Takes over the HTTP server's upgrades on WS_PATH; one Connection per accepted socket. */
export function attachWebSockets(server: Server, appDeps: Omit<ConnectionDeps, 'flushScheduler' | 'heartbeat'>) {
  const deps: ConnectionDeps = {
    ...appDeps,
    flushScheduler: createFlushScheduler(),
    heartbeat: createHeartbeat({ intervalMs: appDeps.config.heartbeatMs }),
  };
  const wss = new WebSocketServer<typeof TimWebSocket>({
    noServer: true,
    maxPayload: deps.config.maxFrameBytes,
    clientTracking: false,
    WebSocket: TimWebSocket,
  });
  let accepting = true;
  /** Raw sockets still open, so shutdown can cut the ones that ignore the close frame. */
  const open = new Set<TimWebSocket>();
  /** Names connections in logs; unique within this process (a flat short string, unlike a UUID). */
  let connectionCount = 0;

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
      connectionCount += 1;
      new Connection(ws, deps, String(connectionCount));
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
      deps.heartbeat.stop();
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
