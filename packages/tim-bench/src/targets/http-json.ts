import type { z } from 'zod';

/** POSTs JSON during setup (not on the measured path) and parses the answer with `schema`. */
export async function postJson<T>(options: {
  url: string;
  body: unknown;
  schema: z.ZodType<T>;
  headers?: Record<string, string>;
}): Promise<T> {
  const response = await fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(options.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${options.url} answered ${response.status}: ${text.slice(0, 200)}`);
  return options.schema.parse(JSON.parse(text));
}

/** Runs `task` for every item with at most `concurrency` in flight; results keep item order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
