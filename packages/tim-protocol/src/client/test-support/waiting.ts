/** A value that arrives later, awaited with a timeout that names what it awaited. */
export function withTimeout<T>(promise: Promise<T>, what: string, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms awaiting ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Items pushed by callbacks, taken in order by awaiting `next`. */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.items.push(item);
    else waiter(item);
  }

  next(what: string, timeoutMs: number): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    let waiter: ((item: T) => void) | undefined;
    const arrival = new Promise<T>((resolve) => {
      waiter = resolve;
      this.waiters.push(resolve);
    });
    return withTimeout(arrival, what, timeoutMs).catch((error: unknown) => {
      // Forget the timed-out waiter so a later item is not handed to nobody.
      this.waiters.splice(this.waiters.indexOf(waiter as (item: T) => void), 1);
      throw error;
    });
  }
}
