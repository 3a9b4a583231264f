import { connectConcurrencyPerWorker } from './connect-concurrency';

describe('connectConcurrencyPerWorker', () => {
  it('opens as the scenario says when the target sets no bound', () => {
    expect(
      connectConcurrencyPerWorker({
        connectConcurrency: 100,
        maxHandshakesInFlight: undefined,
        subscribers: 5000,
        workers: 2,
      }),
    ).toBe(100);
    expect(
      connectConcurrencyPerWorker({
        connectConcurrency: Infinity,
        maxHandshakesInFlight: undefined,
        subscribers: 5000,
        workers: 2,
      }),
    ).toBe(5000);
  });

  it('keeps all workers together within the target bound, even for a join storm', () => {
    expect(
      connectConcurrencyPerWorker({
        connectConcurrency: Infinity,
        maxHandshakesInFlight: 80,
        subscribers: 5000,
        workers: 2,
      }),
    ).toBe(40);
    expect(
      connectConcurrencyPerWorker({
        connectConcurrency: 100,
        maxHandshakesInFlight: 81,
        subscribers: 1000,
        workers: 2,
      }),
    ).toBe(40);
    expect(
      connectConcurrencyPerWorker({ connectConcurrency: 10, maxHandshakesInFlight: 80, subscribers: 1000, workers: 2 }),
    ).toBe(10);
    expect(
      connectConcurrencyPerWorker({ connectConcurrency: 10, maxHandshakesInFlight: 1, subscribers: 1000, workers: 2 }),
    ).toBe(1);
  });
});
