import { Agent, request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { API_PREFIX, UpdateId } from '@tim/protocol';
import { encodeContent, nowMs } from './message-content';

/** The part of a 201 answer the publisher needs; tim's `{ message, updateId }` parses too. */
const PublishAck = z.object({ updateId: UpdateId });

export type PublishLoad =
  { kind: 'rate'; messagesPerSecond: number; durationMs: number } | { kind: 'burst'; messages: number };

export interface PublishOptions {
  /** One per server process; messages go round-robin over them. */
  baseUrls: string[];
  headers: Record<string, string>;
  /** Messages go round-robin over these spaces. */
  spaceIds: string[];
  contentBytes: number;
  load: PublishLoad;
  /** Requests in flight at most; in rate mode a send waits for a slot (counted as late). */
  maxInFlight: number;
}

export interface PublishResult {
  sent: number;
  acknowledged: number;
  failed: number;
  firstError?: string;
  /** Sends that left more than 5 ms after their due time (the offered rate was not held). */
  late: number;
  /** The highest update id acknowledged per space. */
  finalIds: Record<string, number>;
  startedAtMs: number;
  endedAtMs: number;
}

/**
 * Posts messages over HTTP, open-loop at a fixed rate (each send is due at start + i / rate,
 * whatever earlier requests are doing) or as fast as `maxInFlight` allows. Each content
 * carries its send time and sequence number.
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const urls = options.baseUrls.map((baseUrl) => new URL(baseUrl));
  if (urls.length === 0) throw new Error('publish needs at least one base URL');
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxInFlight });
  const total =
    options.load.kind === 'rate'
      ? Math.round((options.load.messagesPerSecond * options.load.durationMs) / 1000)
      : options.load.messages;
  const intervalMs = options.load.kind === 'rate' ? 1000 / options.load.messagesPerSecond : 0;
  const result: PublishResult = {
    sent: 0,
    acknowledged: 0,
    failed: 0,
    late: 0,
    finalIds: {},
    startedAtMs: nowMs(),
    endedAtMs: Number.NaN,
  };
  const inFlight = new Set<Promise<void>>();

  const postOne = async (seq: number): Promise<void> => {
    const spaceId = options.spaceIds[seq % options.spaceIds.length] ?? '';
    const url = urls[seq % urls.length] as URL;
    const content = encodeContent({ sendTimeMs: nowMs(), seq, contentBytes: options.contentBytes });
    try {
      const body = await postMessage({ url, agent, headers: options.headers, spaceId, content });
      const { updateId } = PublishAck.parse(JSON.parse(body));
      result.acknowledged += 1;
      result.finalIds[spaceId] = Math.max(result.finalIds[spaceId] ?? 0, updateId);
    } catch (err) {
      result.failed += 1;
      result.firstError ??= err instanceof Error ? err.message : String(err);
    }
  };

  try {
    for (let seq = 0; seq < total; seq += 1) {
      const dueMs = result.startedAtMs + seq * intervalMs;
      const waitMs = dueMs - nowMs();
      if (waitMs >= 1) await delay(waitMs);
      while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
      if (intervalMs > 0 && nowMs() - dueMs > 5) result.late += 1;
      const pending = postOne(seq).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
      result.sent += 1;
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  result.endedAtMs = nowMs();
  return result;
}

function postMessage(options: {
  url: URL;
  agent: Agent;
  headers: Record<string, string>;
  spaceId: string;
  content: string;
}): Promise<string> {
  const payload = JSON.stringify({ content: options.content });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.url.hostname,
        port: options.url.port,
        path: `${API_PREFIX}/spaces/${options.spaceId}/messages`,
        method: 'POST',
        agent: options.agent,
        timeout: 15_000,
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200 || res.statusCode === 201) resolve(body);
          else reject(new Error(`POST answered ${res.statusCode}: ${body.slice(0, 200)}`));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('POST timed out after 15 s')));
    req.on('error', reject);
    req.end(payload);
  });
}
