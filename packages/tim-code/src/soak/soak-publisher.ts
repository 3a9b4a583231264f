import { MAIN_SPACE_ID } from '@tim/protocol';
import type { SoakHttp } from './soak-http';

const MAX_IN_FLIGHT = 8;

export interface PublisherOptions {
  http: SoakHttp;
  key: string;
  messagesPerS: number;
  /** Told about a send that failed outright (network, unparsable answer). */
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
}

/** Sends `messagesPerS` messages a second to `main` with at most a few in flight. */
export function startPublisher({ http, key, messagesPerS, onError }: PublisherOptions): Publisher {
  let accepted = 0;
  let skipped = 0;
  let sent = 0;
  const refused: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    if (inFlight.size >= MAX_IN_FLIGHT) {
      skipped += 1;
      return;
    }
    sent += 1;
    const send: Promise<void> = http
      .send(key, MAIN_SPACE_ID, `soak message ${sent}`)
      .then((outcome) => {
        if (outcome.accepted) accepted += 1;
        else refused[outcome.code] = (refused[outcome.code] ?? 0) + 1;
      })
      .catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err))))
      .finally(() => inFlight.delete(send));
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
  };
}
