import { MAIN_SPACE_ID } from '@tim/protocol';
import type { SoakHttp } from './soak-http';

const MAX_IN_FLIGHT = 8;
/** A send whose fate is unknown (network error) is retried with the same clientMsgId. */
const MAX_ATTEMPTS = 3;

export interface PublisherOptions {
  http: SoakHttp;
  key: string;
  messagesPerS: number;
  /** Told about a send that failed for good after every attempt. */
  onError: (err: Error) => void;
}

export interface Publisher {
  /** Stops sending and resolves when every send in flight has been answered. */
  stop(): Promise<void>;
  accepted(): number;
  /** Sends the server refused, by error code. */
  refused(): Record<string, number>;
  /** Ticks skipped because MAX_IN_FLIGHT sends were still unanswered. */
  skipped(): number;
  /** Attempts repeated after a network error, each a sign of a struggling server. */
  retries(): number;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch's "fetch failed" hides the reason (a reset, a refused connect) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

/** Sends `messagesPerS` messages a second to `main` with at most a few in flight. */
export function startPublisher({ http, key, messagesPerS, onError }: PublisherOptions): Publisher {
  let accepted = 0;
  let skipped = 0;
  let retries = 0;
  let sent = 0;
  const refused: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();

  const sendOne = async (index: number): Promise<void> => {
    const message = { content: `soak message ${index}`, clientMsgId: `soak-${index}` };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await http.send(key, MAIN_SPACE_ID, message);
        if (outcome.accepted) accepted += 1;
        else refused[outcome.code] = (refused[outcome.code] ?? 0) + 1;
        return;
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) {
          onError(new Error(`message ${index} after ${attempt} attempts: ${describeError(err)}`));
          return;
        }
        retries += 1;
      }
    }
  };

  const timer = setInterval(() => {
    if (inFlight.size >= MAX_IN_FLIGHT) {
      skipped += 1;
      return;
    }
    sent += 1;
    const send: Promise<void> = sendOne(sent).finally(() => inFlight.delete(send));
    inFlight.add(send);
  }, 1000 / messagesPerS);

  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
    accepted: () => accepted,
    refused: () => ({ ...refused }),
    skipped: () => skipped,
    retries: () => retries,
  };
}
