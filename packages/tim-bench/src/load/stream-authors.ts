import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { TimClient, type TimConnection, type WebSocketConstructor } from '@tim/protocol';
import { nowMs } from './message-content';
import { encodeStreamToken } from './stream-token';

export interface StreamAuthorsOptions {
  baseUrl: string;
  spaceId: string;
  /** One session key per author. */
  keys: string[];
  /** One append per author every this many ms, from the moment its stream opened. */
  tokenIntervalMs: number;
  tokensPerReply: number;
  /** Time to get every author's connection to `ready`, in ms. */
  readyTimeoutMs: number;
}

/** What the authors did so far, all together. */
export interface StreamAuthorCounts {
  appends: number;
  /** Appends sent more than 5 ms after they were due (the offered rate was not held). */
  lateAppends: number;
  /** Replies finished, their final message stored. */
  finished: number;
  /** Refusals, failures and dropped connections; each author stops at its first. */
  errors: number;
  firstError?: string;
}

export interface StreamAuthors {
  counts(): StreamAuthorCounts;
  /**
   * Stops every author: the reply each has open is finished as it stands. Resolves with the
   * highest update id of their final messages (0 if none), what subscribers must drain to.
   */
  stop(): Promise<number>;
  close(): void;
}

/** An append is late when it leaves more than this after its due time, in ms. */
const LATE_AFTER_MS = 5;

/**
 * Authors of streaming messages over tim's WebSocket, with the protocol's own client
 * (`TimConnection.openStream`, `OutgoingStream`) as an agent would use it. Each streams one
 * reply at a time, open-loop within the reply (append k is due at open + k × interval,
 * whatever the server is doing), and their starts are spread over one reply's length so that
 * replies end at an even pace rather than all at once. Every token carries its send time.
 */
export async function startStreamAuthors(options: StreamAuthorsOptions): Promise<StreamAuthors> {
  const connecting = await Promise.allSettled(options.keys.map((key) => connectAuthor(options, key)));
  const connections = connecting.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const refused = connecting.find((result) => result.status === 'rejected');
  if (refused !== undefined) {
    for (const connection of connections) connection.close();
    throw refused.reason;
  }
  const counts: StreamAuthorCounts = { appends: 0, lateAppends: 0, finished: 0, errors: 0 };
  let isStopping = false;
  let finalId = 0;
  const fail = (err: unknown): void => {
    counts.errors += 1;
    counts.firstError ??= err instanceof Error ? err.message : String(err);
  };
  for (const connection of connections) {
    connection.on('error', fail);
    connection.on('state', ({ next, reason }) => {
      if (next !== 'open' && !isStopping) fail(new Error(`an author's connection is ${next}: ${reason}`));
    });
  }

  const replyMs = options.tokenIntervalMs * options.tokensPerReply;
  const runAuthor = async (connection: TimConnection, index: number): Promise<void> => {
    // Spread over a reply, and off the others' token phase by a fraction of the interval.
    await delay((index * replyMs) / connections.length + (index * options.tokenIntervalMs) / connections.length);
    for (let reply = 1; !isStopping; reply += 1) {
      const stream = await connection.openStream(options.spaceId, { clientMsgId: `bench-author-${index}-${reply}` });
      const openedMs = nowMs();
      // A reply stopped at once still gets its first token: an empty one would end as aborted.
      for (let token = 0; token < options.tokensPerReply && !(isStopping && token > 0); token += 1) {
        const dueMs = openedMs + token * options.tokenIntervalMs;
        const waitMs = dueMs - nowMs();
        if (waitMs >= 1) await delay(waitMs);
        const sendMs = nowMs();
        if (sendMs - dueMs > LATE_AFTER_MS) counts.lateAppends += 1;
        stream.append(encodeStreamToken(sendMs));
        counts.appends += 1;
      }
      const end = await stream.finish();
      if (end.updateId === undefined) throw new Error(`a reply ended as ${end.reason}, without a message`);
      counts.finished += 1;
      finalId = Math.max(finalId, end.updateId);
    }
  };
  const running = connections.map((connection, index) => runAuthor(connection, index).catch(fail));

  return {
    counts: () => ({ ...counts }),
    async stop() {
      isStopping = true;
      await Promise.all(running);
      return finalId;
    },
    close() {
      isStopping = true;
      for (const connection of connections) connection.close();
    },
  };
}

/** One author's connection, once `ready`; closed again if it does not get there in time. */
async function connectAuthor(options: StreamAuthorsOptions, key: string): Promise<TimConnection> {
  const client = new TimClient({
    baseUrl: options.baseUrl,
    key,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    readyTimeoutMs: options.readyTimeoutMs,
  });
  const connection = client.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`an author was not ready within ${options.readyTimeoutMs} ms`)),
        options.readyTimeoutMs,
      );
      connection.on('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } catch (err) {
    connection.close();
    throw err;
  }
  return connection;
}
