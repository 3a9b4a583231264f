import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WS_PATH, type ErrorCode } from '@tim/protocol';
import { WebSocketServer } from 'ws';
import type { Config } from '../../config';
import type { OriginPolicy } from '../../domain/origin-policy';
import type { Sessions } from '../../domain/sessions';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { createClientAddressReader } from './client-address';
import { Connection, TimWebSocket, type ConnectionDeps, type ConnectionLimits } from './connection';
import type { ConnectionRegistry } from './connection-registry';
import { createFlushScheduler } from './flush-scheduler';
import { createFrameHandler, type FrameServices } from './frame-handlers';
import { createHeartbeat } from './heartbeat';
import { createUnauthenticatedSockets } from './unauthenticated-sockets';

/** The settings the WebSocket side reads (see Config). */
export type WebSocketConfig = ConnectionLimits &
  Pick<Config, 'maxFrameBytes' | 'maxSubscriptionsPerConnection' | 'maxUnauthenticatedPerAddress' | 'trustProxy'>;

export interface WebSocketDeps {
  config: WebSocketConfig;
  /** Checks the key of each socket's auth frame. */
  sessions: Sessions;
  /** Which browser origins may open sockets (shared with HTTP). */
  origins: OriginPolicy;
  /** What frames after auth reach. */
  services: FrameServices;
  registry: ConnectionRegistry<Connection>;
  metrics: Metrics;
  logger: Logger;
  /** The clock sessions expire by. */
  now: () => Date;
}

/** What attachWebSockets answers: the app's handle on its WebSocket side. */
export interface WebSockets {
  /** Sockets counted against their address's TIM_MAX_UNAUTHENTICATED_PER_ADDRESS. */
  readonly unauthenticatedCount: number;
  /** Refuses new sockets from now on. */
  stopAccepting(): void;
  /** Waits up to graceMs for the sockets to finish closing, then terminates the rest. */
  close(graceMs: number): Promise<void>;
}

interface UpgradeRefusal {
  status: number;
  statusText: string;
  code: ErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  const retryAfter = refusal.retryAfterSeconds === undefined ? '' : `Retry-After: ${refusal.retryAfterSeconds}\r\n`;
  socket.end(
    `HTTP/1.1 ${refusal.status} ${refusal.statusText}\r\nConnection: close\r\nContent-Type: application/json\r\n${retryAfter}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Takes over the HTTP server's upgrades on WS_PATH; one Connection per accepted socket. */
export function attachWebSockets(
  server: Server,
  { config, sessions, origins, services, registry, metrics, logger, now }: WebSocketDeps,
): WebSockets {
  const deps: ConnectionDeps = {
    limits: config,
    sessions,
    handleFrame: createFrameHandler({
      services,
      maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
      metrics,
      logger,
    }),
    registry,
    flushScheduler: createFlushScheduler(),
    heartbeat: createHeartbeat({ intervalMs: config.heartbeatMs }),
    metrics,
    logger,
    now,
  };
  const wss = new WebSocketServer<typeof TimWebSocket>({
    noServer: true,
    maxPayload: config.maxFrameBytes,
    clientTracking: false,
    WebSocket: TimWebSocket,
  });
  const clientAddressOf = createClientAddressReader(config.trustProxy);
  const unauthenticated = createUnauthenticatedSockets(config.maxUnauthenticatedPerAddress);
  let accepting = true;
  /** Raw sockets still open, so shutdown can cut the ones that ignore the close frame. */
  const open = new Set<TimWebSocket>();
  /** Names connections in logs; unique within this process (a flat short string, unlike a UUID). */
  let connectionCount = 0;

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => logger.debug('upgrade socket error', { error: err.message }));
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_PATH) {
      refuseUpgrade(socket, {
        status: 404,
        statusText: 'Not Found',
        code: 'not_found',
        message: `WebSockets live at ${WS_PATH}.`,
      });
      return;
    }
    if (!accepting) {
      refuseUpgrade(socket, {
        status: 503,
        statusText: 'Service Unavailable',
        code: 'unavailable',
        message: 'The server is shutting down.',
      });
      return;
    }
    // Protocol v1: no Origin (not a browser) passes; a browser page must come from a trusted origin.
    if (!origins.isAllowed(request.headers.origin)) {
      refuseUpgrade(socket, {
        status: 403,
        statusText: 'Forbidden',
        code: 'forbidden',
        message: 'This origin may not open WebSockets here.',
      });
      return;
    }
    const admitted = unauthenticated.tryAdmit(clientAddressOf(request));
    if (admitted === undefined) {
      metrics.rateLimited.inc({ limit: 'unauthenticated-sockets' });
      refuseUpgrade(socket, {
        status: 429,
        statusText: 'Too Many Requests',
        code: 'rate_limited',
        message: `At most ${config.maxUnauthenticatedPerAddress} sockets per address may wait to authenticate; try again shortly.`,
        retryAfterSeconds: 1,
      });
      return;
    }
    // The TCP socket's close covers every end before auth: a refused or aborted handshake,
    // a failed auth, the auth timeout, a close or a reset by the peer. Auth gives the slot
    // back early and drops the listener, which would otherwise stay for the socket's life.
    const giveBack = (): void => {
      socket.off('close', giveBack);
      admitted();
    };
    socket.on('close', giveBack);
    // A socket destroyed before this event will not emit 'close' again.
    if (socket.destroyed) giveBack();
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (!accepting) {
        ws.terminate();
        return;
      }
      open.add(ws);
      ws.once('close', () => open.delete(ws));
      connectionCount += 1;
      new Connection(ws, deps, { id: String(connectionCount), onAuthenticated: giveBack, upgradeSocket: socket });
    });
  }

  server.on('upgrade', onUpgrade);

  return {
    get unauthenticatedCount() {
      return unauthenticated.size;
    },
    stopAccepting() {
      accepting = false;
    },
    async close(graceMs) {
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
