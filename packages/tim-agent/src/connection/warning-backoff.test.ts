import { warningDelayMs } from './warning-backoff';

describe('warningDelayMs', () => {
  it('doubles from firstMs up to maxMs', () => {
    const backoff = { firstMs: 1000, maxMs: 5000 };
    expect([1, 2, 3, 4, 5, 40].map((count) => warningDelayMs(count, backoff))).toEqual([
      1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });
});
