import { createRateLimits } from './rate-limits';

const rates = {
  rateMessages: { points: 2, durationSeconds: 10 },
  rateLogin: { points: 1, durationSeconds: 60 },
  rateRegister: { points: 1, durationSeconds: 3600 },
  rateActivity: { points: 1, durationSeconds: 10 },
};

describe('createRateLimits', () => {
  it('refuses the point past the budget with a whole-second wait within the window', async () => {
    const { messages } = createRateLimits(rates);
    expect(await messages.consume('1')).toEqual({ allowed: true });
    expect(await messages.consume('1')).toEqual({ allowed: true });
    const refused = await messages.consume('1');
    expect(refused.allowed).toBe(false);
    if (refused.allowed) return;
    expect(Number.isInteger(refused.retryAfterSeconds)).toBe(true);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(10);
  });

  it('keeps each key on its own budget', async () => {
    const { messages } = createRateLimits(rates);
    await messages.consume('1');
    await messages.consume('1');
    expect((await messages.consume('1')).allowed).toBe(false);
    expect(await messages.consume('2')).toEqual({ allowed: true });
  });

  it('keeps each limit apart even when keys coincide', async () => {
    const limits = createRateLimits(rates);
    expect(await limits.loginPerNick.consume('127.0.0.1')).toEqual({ allowed: true });
    expect(await limits.loginPerAddress.consume('127.0.0.1')).toEqual({ allowed: true });
    expect(await limits.registerPerAddress.consume('127.0.0.1')).toEqual({ allowed: true });
    expect((await limits.loginPerAddress.consume('127.0.0.1')).allowed).toBe(false);
  });
});
