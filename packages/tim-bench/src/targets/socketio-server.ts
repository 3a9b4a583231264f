import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { SpaceId } from '@tim/protocol';
import { exitWithParent } from '../child-registry';
import { createPublishEndpoint } from './publish-endpoint';
import { buildUpdateFrame } from './update-frame';

/**
 * Socket.IO 4 as users deploy it for chat: one room per space, websocket transport only,
 * `io.to(room).emit` per update (Socket.IO encodes a broadcast packet once). Run as its own
 * process by the harness.
 */
function startSocketIoServer(): void {
  const headIds = new Map<string, number>();
  const server = createServer(
    createPublishEndpoint((spaceId, content) => {
      const updateId = (headIds.get(spaceId) ?? 0) + 1;
      headIds.set(spaceId, updateId);
      io.to(spaceId).emit('update', buildUpdateFrame({ spaceId, updateId, content }));
      return updateId;
    }),
  );
  const io = new Server(server, { transports: ['websocket'], serveClient: false });

  io.on('connection', (socket) => {
    socket.on('subscribe', (rawSpaceId: unknown, ack: unknown) => {
      const spaceId = SpaceId.safeParse(rawSpaceId);
      if (!spaceId.success || typeof ack !== 'function') return;
      void socket.join(spaceId.data);
      ack({ type: 'subscribed', spaceId: spaceId.data, headId: headIds.get(spaceId.data) ?? 0 });
    });
  });

  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: 'listening', port });
  });
}

exitWithParent();
startSocketIoServer();
