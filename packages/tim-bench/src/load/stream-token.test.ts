import { encodeStreamToken, STREAM_TOKEN_CHARS, tokenLatencyMs } from './stream-token';

describe('stream tokens', () => {
  const sentMs = 1_764_769_000_123.4;

  it('are four characters: three base-36 digits and a space', () => {
    const token = encodeStreamToken(sentMs);

    expect(token).toHaveLength(STREAM_TOKEN_CHARS);
    expect(token).toMatch(/^[0-9a-z]{3} $/);
  });

  it('give the time from their send time to the receive time, to within half a millisecond', () => {
    const text = `${encodeStreamToken(sentMs - 40)}${encodeStreamToken(sentMs)}`;

    expect(tokenLatencyMs(text, 0, sentMs + 12.5)).toBeCloseTo(52.5, 0);
    expect(Math.abs(tokenLatencyMs(text, STREAM_TOKEN_CHARS, sentMs + 12.5) - 12.5)).toBeLessThanOrEqual(0.5);
  });

  it('read true across the wrap of their 46.656 s period', () => {
    const beforeWrapMs = 46_656 * 1000 - 3;

    expect(tokenLatencyMs(encodeStreamToken(beforeWrapMs), 0, beforeWrapMs + 10)).toBe(10);
  });

  it('answer NaN for text that is not a token', () => {
    expect(tokenLatencyMs('1z! ', 0, sentMs)).toBeNaN();
    expect(tokenLatencyMs('1zz-', 0, sentMs)).toBeNaN();
    expect(tokenLatencyMs('1z', 0, sentMs)).toBeNaN();
  });
});
