import { retryDelayMs } from './retry-delay';

const noJitter = (): number => 0;

describe('retryDelayMs', () => {
  it('waits what retry-after-ms asks for, before Retry-After', () => {
    const headers = new Headers({ 'retry-after-ms': '250', 'retry-after': '9' });
    expect(retryDelayMs({ retryIndex: 0, headers, maxRetryAfterMs: 30_000 })).toBe(250);
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(retryDelayMs({ retryIndex: 0, headers: new Headers({ 'retry-after': '3' }), maxRetryAfterMs: 30_000 })).toBe(
      3000,
    );
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = retryDelayMs({
      retryIndex: 0,
      headers: new Headers({ 'retry-after': inTenSeconds }),
      maxRetryAfterMs: 30_000,
    });
    expect(fromDate).toBeGreaterThan(8000);
    expect(fromDate).toBeLessThanOrEqual(10_000);
  });

  it('caps what the endpoint asks for at maxRetryAfterMs', () => {
    expect(
      retryDelayMs({ retryIndex: 0, headers: new Headers({ 'retry-after': '90' }), maxRetryAfterMs: 30_000 }),
    ).toBe(30_000);
    expect(
      retryDelayMs({ retryIndex: 0, headers: new Headers({ 'retry-after-ms': '90000' }), maxRetryAfterMs: 5000 }),
    ).toBe(5000);
  });

  it('backs off exponentially from 0.5 s to 8 s without a Retry-After', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((retryIndex) =>
      retryDelayMs({ retryIndex, maxRetryAfterMs: 30_000, random: noJitter }),
    );
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(retryDelayMs({ retryIndex: 0, maxRetryAfterMs: 30_000, random: () => 1 })).toBe(375);
  });

  it('ignores a Retry-After it cannot read', () => {
    expect(
      retryDelayMs({
        retryIndex: 1,
        headers: new Headers({ 'retry-after': 'soon' }),
        maxRetryAfterMs: 30_000,
        random: noJitter,
      }),
    ).toBe(1000);
  });
});
