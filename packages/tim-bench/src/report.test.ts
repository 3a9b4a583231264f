import { combineRuns } from './report';
import type { RunResult } from './run-result';
import { failedRun } from './run-scenario';
import { QUICK_SCENARIO } from './scenarios';

function run(overrides: Partial<RunResult>): RunResult {
  return { ...failedRun({ scenario: QUICK_SCENARIO, target: 'tim', message: 'unused' }), firstError: undefined, lost: 0, ...overrides };
}

describe('combineRuns', () => {
  it('takes the median of each figure and the worst run of each loss counter', () => {
    const [combined] = combineRuns([
      run({ cpuUsPerDelivery: 9, lost: 0 }),
      run({ cpuUsPerDelivery: 12, lost: 3 }),
      run({ cpuUsPerDelivery: 10, lost: 1 }),
    ]);
    expect(combined).toMatchObject({ runs: 3, cpuUsPerDelivery: 10, cpuUsPerDeliveryMin: 9, cpuUsPerDeliveryMax: 12, lost: 3 });
  });

  it('leaves a failed run out of medians and counters but keeps its error', () => {
    const [combined] = combineRuns([
      run({ cpuUsPerDelivery: 8, lost: 0 }),
      failedRun({ scenario: QUICK_SCENARIO, target: 'tim', message: 'server exited' }),
      run({ cpuUsPerDelivery: 10, lost: 0 }),
    ]);
    expect(combined).toMatchObject({ cpuUsPerDelivery: 9, lost: 0, firstError: 'server exited' });
  });
});
