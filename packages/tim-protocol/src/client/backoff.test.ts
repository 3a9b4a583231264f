import { backoffDelay } from './backoff';

const bounds = { minMs: 100, maxMs: 1000 };

describe('backoffDelay', () => {
  it('doubles the cap with each attempt up to maxMs', () => {
    const nearlyOne = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, bounds, nearlyOne))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });

  it('draws uniformly from zero to the cap (full jitter)', () => {
    expect(backoffDelay(3, bounds, () => 0)).toBe(0);
    expect(backoffDelay(3, bounds, () => 0.5)).toBe(400);
    expect(backoffDelay(3, bounds, () => 0.25)).toBe(200);
  });

  it('stays within [0, cap) for many random draws and spreads across the range', () => {
    const delays = Array.from({ length: 1000 }, () => backoffDelay(2, bounds));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(400);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it('does not overflow for huge attempt numbers', () => {
    expect(backoffDelay(10_000, bounds, () => 0.5)).toBe(500);
  });
});
