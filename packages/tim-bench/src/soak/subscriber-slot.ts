import { CLOSE_TOO_MANY_CONNECTIONS, ServerFrame, type SpaceId } from '@tim/protocol';
import WebSocket from 'ws';

/**
 * One logical subscriber of the soak: a chain of WebSocket connections for one timite and
 * space. When a connection is churned (or the server closes it), the next one resumes with
 * `after` = the last id this slot received, so across the whole chain every update from the
 * first `headId` on must arrive exactly once and in order. Updates are checked as they come
 * in; nothing here deduplicates, so a duplicate from the server is counted, not hidden.
 */
export interface SubscriberSlot {
  /** Opens the first connection and subscribes; rejects when that fails. */
  connect(): Promise<void>;
  /** Terminates the connection abruptly (no close frame) and starts a resuming replacement. */
  churn(): void;
  /** Subscribed and not between connections: only then may it be churned. */
  isLive(): boolean;
  /** The newest update id received; the resume cursor. */
  lastId(): number;
  figures(): SlotFigures;
  /** Closes cleanly for the end of the run; no replacement follows. */
  close(): void;
}

export interface SlotFigures {
  /** The `headId` of the first subscription; the slot owes every update after it. */
  startHeadId: number;
  lastId: number;
  /** Updates received exactly once and in order. */
  received: number;
  /** Ids skipped between two received updates. */
  skipped: number;
  /** Updates with an id at or below one already received. */
  duplicated: number;
  churned: number;
  /** Closes the soak did not ask for, by close code. */
  serverCloses: Record<string, number>;
  /** Error frames and frames that did not parse. */
  protocolErrors: string[];
  /** Resume attempts refused with 4429 and retried. */
  capRetries: number;
  /** The connection open now, counted from its own subscribe point (`after`, or `headId`). */
  current: ConnectionFigures;
}

export interface ConnectionFigures {
  /** Whether it is open and subscribed. */
  live: boolean;
  /** The update id it subscribed after: its `after`, or the first `headId`. */
  startId: number;
  received: number;
  duplicated: number;
}

export interface SubscriberSlotOptions {
  wsUrl: string;
  key: string;
  spaceId: SpaceId;
  /** Time one connection has to reach `subscribed`, in ms. */
  connectTimeoutMs: number;
  /** Replacement attempts for one resume before the slot gives up. */
  maxResumeAttempts: number;
  /** Told when a resume finally failed; the slot stays behind and is counted as missing. */
  onResumeFailed: (err: Error) => void;
}

class ConnectError extends Error {
  constructor(
    message: string,
    readonly closeCode?: number,
  ) {
    super(message);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function createSubscriberSlot(options: SubscriberSlotOptions): SubscriberSlot {
  const figures: SlotFigures = {
    startHeadId: 0,
    lastId: 0,
    received: 0,
    skipped: 0,
    duplicated: 0,
    churned: 0,
    serverCloses: {},
    protocolErrors: [],
    capRetries: 0,
    current: { live: false, startId: 0, received: 0, duplicated: 0 },
  };
  let hasSubscribed = false;
  let current: WebSocket | undefined;
  const setLive = (value: boolean) => {
    figures.current.live = value;
  };
  let closing = false;

  const acceptUpdate = (id: number) => {
    if (id <= figures.lastId) {
      figures.duplicated += 1;
      figures.current.duplicated += 1;
      return;
    }
    figures.skipped += id - figures.lastId - 1;
    figures.lastId = id;
    figures.received += 1;
    figures.current.received += 1;
  };

  const openOnce = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const after = hasSubscribed ? figures.lastId : undefined;
      const ws = new WebSocket(options.wsUrl);
      current = ws;
      let subscribed = false;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new ConnectError(`no "subscribed" within ${options.connectTimeoutMs} ms`));
      }, options.connectTimeoutMs);

      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', key: options.key })));
      ws.on('message', (data: WebSocket.RawData) => {
        // A churned socket may still hand over buffered frames; the replacement resumes
        // from lastId as it was at the churn, so those frames must not count.
        if (ws !== current) return;
        const parsed = ServerFrame.safeParse(parseJson(data.toString()));
        if (!parsed.success) {
          figures.protocolErrors.push(`unparsable frame: ${data.toString().slice(0, 120)}`);
          return;
        }
        const frame = parsed.data;
        switch (frame.type) {
          case 'ready':
            ws.send(
              JSON.stringify({
                type: 'subscribe',
                spaceId: options.spaceId,
                ...(after === undefined ? {} : { after }),
              }),
            );
            return;
          case 'subscribed':
            if (!hasSubscribed) {
              figures.startHeadId = frame.headId;
              figures.lastId = frame.headId;
              hasSubscribed = true;
            }
            subscribed = true;
            figures.current = { live: true, startId: figures.lastId, received: 0, duplicated: 0 };
            clearTimeout(timer);
            resolve();
            return;
          case 'update':
            if (!subscribed) figures.protocolErrors.push(`update ${frame.update.id} before "subscribed"`);
            else if (frame.update.spaceId === options.spaceId) acceptUpdate(frame.update.id);
            return;
          case 'error':
            figures.protocolErrors.push(`error frame ${frame.code}: ${frame.message ?? ''}`);
            return;
          case 'unsubscribed':
          case 'presence':
          case 'activity':
            return;
        }
      });
      ws.on('error', () => {
        // 'close' follows every 'error' and carries the outcome.
      });
      ws.on('close', (code: number) => {
        clearTimeout(timer);
        if (ws !== current) return;
        setLive(false);
        if (!subscribed) {
          reject(new ConnectError(`closed with ${code} before "subscribed"`, code));
          return;
        }
        if (closing) return;
        figures.serverCloses[code] = (figures.serverCloses[code] ?? 0) + 1;
        void resume();
      });
    });

  const resume = async (): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      if (closing) return;
      try {
        await openOnce();
        return;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (attempt >= options.maxResumeAttempts) {
          options.onResumeFailed(new Error(`gave up after ${attempt} attempts: ${error.message}`));
          return;
        }
        if (err instanceof ConnectError && err.closeCode === CLOSE_TOO_MANY_CONNECTIONS) figures.capRetries += 1;
        // The server may not have noticed the terminated socket yet; give it a moment.
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  };

  return {
    async connect() {
      await resume();
      if (!hasSubscribed) throw new Error('the first connection never subscribed');
    },
    churn() {
      const victim = current;
      if (victim === undefined || !figures.current.live) return;
      figures.churned += 1;
      setLive(false);
      current = undefined;
      victim.terminate();
      void resume();
    },
    isLive: () => figures.current.live,
    lastId: () => figures.lastId,
    figures: () => ({
      ...figures,
      serverCloses: { ...figures.serverCloses },
      protocolErrors: [...figures.protocolErrors],
      current: { ...figures.current },
    }),
    close() {
      closing = true;
      setLive(false);
      current?.close(1000);
    },
  };
}
