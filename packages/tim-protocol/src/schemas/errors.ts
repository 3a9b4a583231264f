import { z } from 'zod';

export const ErrorCode = z.enum([
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'agent_turn_limit',
  'internal',
  'unavailable',
  'limit_exceeded',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  agent_turn_limit: 429,
  internal: 500,
  unavailable: 503,
  // Only on WebSocket error frames; over HTTP it would be a 400.
  limit_exceeded: 400,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return ErrorCode.safeParse(value).success;
}

/**
 * The body of every non-2xx answer. Clients accept codes they do not know yet
 * (a newer server may add some), so `code` is any snake_case string here.
 */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
