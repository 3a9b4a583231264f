import type { SpaceId, TimClient } from '@tim/protocol';

export interface ReadMarksOptions {
  client: Pick<TimClient, 'markRead'>;
  /** How long marks gather before they are sent, in ms. @default 500 */
  delayMs?: number;
  /** Sends of one mark that fail before it is given up. @default 3 */
  attempts?: number;
}

/**
 * Sends the reader's read marks to the server (`PUT /spaces/:id/read`), gathered: a reader
 * scrolling through a busy space moves the mark many times a second, the server needs the last
 * one. A mark never goes backwards: one at or behind what was sent for the space is dropped. A
 * failed send is tried again with the next batch, a few times.
 */
export class ReadMarks {
  readonly #client: Pick<TimClient, 'markRead'>;
  readonly #delayMs: number;
  readonly #attempts: number;
  readonly #pending = new Map<SpaceId, { updateId: number; failures: number }>();
  /** The highest mark sent (or being sent) per space. */
  readonly #sent = new Map<SpaceId, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(options: ReadMarksOptions) {
    this.#client = options.client;
    this.#delayMs = options.delayMs ?? 500;
    this.#attempts = options.attempts ?? 3;
  }

  /** The reader has read `spaceId` up to `updateId`. */
  mark(spaceId: SpaceId, updateId: number): void {
    if (this.#disposed || updateId <= (this.#sent.get(spaceId) ?? 0)) return;
    const pending = this.#pending.get(spaceId);
    if (pending !== undefined && pending.updateId >= updateId) return;
    this.#pending.set(spaceId, { updateId, failures: 0 });
    this.#schedule();
  }

  /** Sends what is gathered now (the page is going away, or a test). */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#pending];
    this.#pending.clear();
    await Promise.all(batch.map(([spaceId, mark]) => this.#send(spaceId, mark)));
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#disposed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#delayMs);
  }

  async #send(spaceId: SpaceId, mark: { updateId: number; failures: number }): Promise<void> {
    const before = this.#sent.get(spaceId) ?? 0;
    if (mark.updateId <= before) return;
    this.#sent.set(spaceId, mark.updateId);
    try {
      await this.#client.markRead(spaceId, mark.updateId);
    } catch {
      // Sent again with the next batch, unless a newer mark took its place meanwhile.
      if (this.#sent.get(spaceId) === mark.updateId) this.#sent.set(spaceId, before);
      const failures = mark.failures + 1;
      if (failures < this.#attempts && !this.#pending.has(spaceId) && !this.#disposed) {
        this.#pending.set(spaceId, { updateId: mark.updateId, failures });
        this.#schedule();
      }
    }
  }
}
