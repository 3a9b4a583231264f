import {
  cpuMicrosPerDelivery,
  deliveriesPerSecond,
  median,
  memoryPerConnectionBytes,
  percentileOfSorted,
  ratio,
} from './summary-stats';

describe('percentileOfSorted', () => {
  const values = Array.from({ length: 100 }, (_, index) => index + 1);

  it('takes the nearest rank', () => {
    expect(percentileOfSorted(values, 50)).toBe(50);
    expect(percentileOfSorted(values, 95)).toBe(95);
    expect(percentileOfSorted(values, 99)).toBe(99);
    expect(percentileOfSorted(values, 100)).toBe(100);
    expect(percentileOfSorted([7, 9], 50)).toBe(7);
  });

  it('clamps to the first value at p0 and is NaN for no values', () => {
    expect(percentileOfSorted(values, 0)).toBe(1);
    expect(percentileOfSorted([], 50)).toBeNaN();
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two, ignoring NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN, 1, 3])).toBe(3);
    expect(median([])).toBeNaN();
  });
});

describe('per-delivery figures', () => {
  it('divides server CPU time by deliveries', () => {
    expect(cpuMicrosPerDelivery(2_000_000, 250_000)).toBe(8);
    expect(cpuMicrosPerDelivery(1000, 0)).toBeNaN();
  });

  it('turns deliveries over a window in ms into deliveries per second', () => {
    expect(deliveriesPerSecond(100_000, 2000)).toBe(50_000);
    expect(deliveriesPerSecond(10, 0)).toBeNaN();
  });

  it('charges each connection its share of the RSS growth', () => {
    expect(memoryPerConnectionBytes({ idleRssBytes: 50e6, connectedRssBytes: 65e6, connections: 1000 })).toBe(15_000);
    expect(memoryPerConnectionBytes({ idleRssBytes: 1, connectedRssBytes: 2, connections: 0 })).toBeNaN();
  });

  it('gives ratios only between positive finite figures', () => {
    expect(ratio(10, 8)).toBe(1.25);
    expect(ratio(10, 0)).toBeNaN();
    expect(ratio(Number.NaN, 8)).toBeNaN();
  });
});
