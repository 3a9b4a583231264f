import { TimClientError } from '@tim/protocol';

/** What is safe to log about a failure: codes and sentences, never bodies or keys. */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof TimClientError) return { code: err.code, status: err.status, error: err.message };
  if (err instanceof Error) return { error: err.stack ?? err.message };
  return { error: String(err) };
}
