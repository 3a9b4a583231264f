import { createLatencyHistogram } from './latency-histogram';

describe('createLatencyHistogram', () => {
  it('reports percentiles to within one 0.1 ms bucket, and the exact maximum', () => {
    const histogram = createLatencyHistogram();
    for (let ms = 1; ms <= 100; ms += 1) histogram.record(ms);
    expect(histogram.count).toBe(100);
    expect(histogram.percentile(50)).toBeCloseTo(50.1, 5);
    expect(histogram.percentile(99)).toBeCloseTo(99.1, 5);
    expect(histogram.percentile(100)).toBe(100);
    expect(histogram.maxMs).toBe(100);
  });

  it('merges another histogram as if its samples were recorded here', () => {
    const left = createLatencyHistogram();
    const right = createLatencyHistogram();
    const both = createLatencyHistogram();
    for (let index = 0; index < 500; index += 1) {
      const sample = (index * 7919) % 300;
      (index % 2 === 0 ? left : right).record(sample);
      both.record(sample);
    }
    left.merge(right.toPairs(), right.maxMs);
    expect(left.count).toBe(both.count);
    for (const p of [50, 95, 99]) expect(left.percentile(p)).toBe(both.percentile(p));
    expect(left.maxMs).toBe(both.maxMs);
  });

  it('keeps latencies beyond the dense range (60 s) in order', () => {
    const histogram = createLatencyHistogram();
    histogram.record(5);
    histogram.record(90_000);
    histogram.record(70_000);
    expect(histogram.percentile(50)).toBeCloseTo(70_000.1, 3);
    expect(histogram.percentile(100)).toBe(90_000);
  });

  it('clamps negative latencies (clock skew between processes) to zero and is NaN when empty', () => {
    const histogram = createLatencyHistogram();
    expect(histogram.percentile(50)).toBeNaN();
    histogram.record(-0.3);
    expect(histogram.percentile(50)).toBe(0);
  });
});
