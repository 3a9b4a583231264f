import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server, type ServerOptions } from 'socket.io';
import { SpaceId } from '@tim/protocol';
import { exitWithParent } from '../child-registry';
import { createPublishEndpoint } from './publish-endpoint';
import { createLocalSequences, createRedisSequences, type SpaceSequences } from './space-sequences';
import { buildUpdateFrame } from './update-frame';

/**
 * Socket.IO 4 as users deploy it for chat: one room per space, websocket transport only,
 * `io.to(room).emit` per update (Socket.IO encodes a broadcast packet once). Run as its own
 * process by the harness. With `--redis-url`, one of several processes: the
 * `@socket.io/redis-adapter` (with ioredis, its documented setup) relays every broadcast to
 * the other processes, and the update ids come from a counter in the same Redis.
 */
async function startSocketIoServer(options: { redisUrl: string | undefined }): Promise<void> {
  const cluster = options.redisUrl === undefined ? undefined : await connectAdapterClients(options.redisUrl);
  const sequences: SpaceSequences =
    cluster === undefined ? createLocalSequences() : createRedisSequences(cluster.pubClient);
  const server = createServer(
    createPublishEndpoint(async (spaceId, content) => {
      const updateId = await sequences.next(spaceId);
      io.to(spaceId).emit('update', buildUpdateFrame({ spaceId, updateId, content }));
      return updateId;
    }),
  );
  const serverOptions: Partial<ServerOptions> = { transports: ['websocket'], serveClient: false };
  if (cluster !== undefined) serverOptions.adapter = createAdapter(cluster.pubClient, cluster.subClient);
  const io = new Server(server, serverOptions);
  // The adapter subscribes without waiting; a PING answered after its PSUBSCRIBE means that
  // broadcasts from the other processes reach this one before it reports listening.
  await cluster?.subClient.ping();

  io.on('connection', (socket) => {
    socket.on('subscribe', (rawSpaceId: unknown, ack: unknown) => {
      const spaceId = SpaceId.safeParse(rawSpaceId);
      if (!spaceId.success || typeof ack !== 'function') return;
      void socket.join(spaceId.data);
      // The bench subscribes everyone before it publishes, so the head read after joining is exact.
      sequences.head(spaceId.data).then(
        (headId) => ack({ type: 'subscribed', spaceId: spaceId.data, headId }),
        (err: unknown) =>
          process.stderr.write(`socketio-server: reading the head of ${spaceId.data}: ${String(err)}\n`),
      );
    });
  });

  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: 'listening', port });
  });
}

/** The adapter's two connections: one publishes (and counts ids), one subscribes. */
async function connectAdapterClients(url: string): Promise<{ pubClient: Redis; subClient: Redis }> {
  const pubClient = new Redis(url, { lazyConnect: true });
  const subClient = pubClient.duplicate();
  for (const client of [pubClient, subClient])
    client.on('error', (err: Error) => process.stderr.write(`socketio-server: redis: ${err.message}\n`));
  await Promise.all([pubClient.connect(), subClient.connect()]);
  return { pubClient, subClient };
}

exitWithParent();
const { values } = parseArgs({ options: { 'redis-url': { type: 'string' } } });
startSocketIoServer({ redisUrl: values['redis-url'] }).catch((err: unknown) => {
  process.stderr.write(`socketio-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
