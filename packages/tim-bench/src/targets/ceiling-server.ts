import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SubscribeFrame, WS_PATH } from '@tim/protocol';
import { exitWithParent } from '../child-registry';
import { createPublishEndpoint } from './publish-endpoint';
import { buildUpdateFrame } from './update-frame';
import { createCoalescingSender, createDirectSender } from './frame-senders';

/**
 * The ceiling: a minimal raw `ws` server that builds each update frame once and sends it to
 * every subscribed socket. Run as its own process by the harness; `--coalesce` selects the
 * variant that merges all frames due to one socket within an event-loop turn into one write.
 */
function startCeilingServer(options: { isCoalescing: boolean }): void {
  const rooms = new Map<string, Set<WebSocket>>();
  const headIds = new Map<string, number>();
  const sender = options.isCoalescing ? createCoalescingSender() : createDirectSender();

  const server = createServer(
    createPublishEndpoint((spaceId, content) => {
      const updateId = (headIds.get(spaceId) ?? 0) + 1;
      headIds.set(spaceId, updateId);
      const frame = Buffer.from(JSON.stringify(buildUpdateFrame({ spaceId, updateId, content })));
      for (const ws of rooms.get(spaceId) ?? []) sender.send(ws, frame);
      return updateId;
    }),
  );

  const wss = new WebSocketServer({ server, path: WS_PATH, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    const joined = new Set<string>();
    ws.on('message', (data) => {
      const frame = SubscribeFrame.safeParse(parseJson(data.toString()));
      if (!frame.success) {
        ws.send(JSON.stringify({ type: 'error', code: 'invalid_request', message: 'Only subscribe frames.' }));
        return;
      }
      const { spaceId } = frame.data;
      const room = rooms.get(spaceId) ?? new Set<WebSocket>();
      rooms.set(spaceId, room);
      room.add(ws);
      joined.add(spaceId);
      ws.send(JSON.stringify({ type: 'subscribed', spaceId, headId: headIds.get(spaceId) ?? 0 }));
    });
    ws.on('close', () => {
      for (const spaceId of joined) rooms.get(spaceId)?.delete(ws);
    });
  });

  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: 'listening', port });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the caller answers invalid_request.
    return undefined;
  }
}

exitWithParent();
startCeilingServer({ isCoalescing: process.argv.includes('--coalesce') });
