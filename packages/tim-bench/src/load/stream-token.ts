/**
 * A streamed token that carries its own send time, so that a subscriber in another process
 * times every append from the text alone while each token stays 4 characters, about the size
 * of an LLM's (a time such as `[t=1764769000123]` in every append would make the appends, and
 * the bytes each subscriber receives, four times as large). The time is whole ms modulo 36³
 * (46.656 s) as three base-36 digits, then a space; a latency is the receive time minus it,
 * modulo the same period, so it reads true up to 46 s and to within half a millisecond.
 */

/** Characters per token: three base-36 digits and a space. */
export const STREAM_TOKEN_CHARS = 4;

const DIGITS = 3;
const PERIOD_MS = 36 ** DIGITS;
const SPACE = 0x20;

/** The token an append sent at `sendTimeMs` carries. */
export function encodeStreamToken(sendTimeMs: number): string {
  return `${(Math.round(sendTimeMs) % PERIOD_MS).toString(36).padStart(DIGITS, '0')} `;
}

/**
 * The time from the send time of the token at index `at` of `text` to `receivedMs`, in ms;
 * NaN when the 4 characters there are not a token.
 */
export function tokenLatencyMs(text: string, at: number, receivedMs: number): number {
  if (text.charCodeAt(at + DIGITS) !== SPACE) return Number.NaN;
  let sentMs = 0;
  for (let index = at; index < at + DIGITS; index += 1) {
    const digit = base36Digit(text.charCodeAt(index));
    if (Number.isNaN(digit)) return Number.NaN;
    sentMs = sentMs * 36 + digit;
  }
  return (((receivedMs - sentMs) % PERIOD_MS) + PERIOD_MS) % PERIOD_MS;
}

/** 0–9 and a–z as 0–35; NaN for any other character (or none: NaN in, NaN out). */
function base36Digit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 10;
  return Number.NaN;
}
