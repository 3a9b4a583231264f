import { TimClient, type TimConnection, type WebSocketConstructor } from '@tim/protocol';
import WebSocket from 'ws';

const SUBSCRIBE_TIMEOUT_MS = 10_000;

export interface StreamAuthor {
  client: TimClient;
  connection: TimConnection;
  close(): void;
}

/**
 * A timite on the other side of the browser: a real `TimClient` over a real WebSocket (`ws`,
 * as Node 20 has no global one), subscribed to `spaceId` so it may also send activity there.
 */
export async function connectStreamAuthor(options: {
  baseUrl: string;
  key: string;
  spaceId: string;
}): Promise<StreamAuthor> {
  const client = new TimClient({
    baseUrl: options.baseUrl,
    key: options.key,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  const connection = client.connect();
  const subscribed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`The author was not subscribed to ${options.spaceId} within ${SUBSCRIBE_TIMEOUT_MS} ms.`));
    }, SUBSCRIBE_TIMEOUT_MS);
    const stop = connection.on('subscribed', ({ spaceId }) => {
      if (spaceId !== options.spaceId) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
  connection.subscribe(options.spaceId);
  try {
    await subscribed;
  } catch (error) {
    connection.close();
    throw error;
  }
  return { client, connection, close: () => connection.close() };
}
