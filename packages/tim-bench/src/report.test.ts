import { combineRuns, severalProcessesTable } from './report';
import type { RunResult } from './run-result';
import { failedRun } from './run-scenario';
import { QUICK_SCENARIO } from './scenarios';

function run(overrides: Partial<RunResult>): RunResult {
  return {
    ...failedRun({ scenario: QUICK_SCENARIO, target: 'tim', message: 'unused' }),
    firstError: undefined,
    lost: 0,
    ...overrides,
  };
}

describe('combineRuns', () => {
  it('takes the median of each figure and the worst run of each loss counter', () => {
    const [combined] = combineRuns([
      run({ cpuUsPerDelivery: 9, lost: 0 }),
      run({ cpuUsPerDelivery: 12, lost: 3 }),
      run({ cpuUsPerDelivery: 10, lost: 1 }),
    ]);
    expect(combined).toMatchObject({
      runs: 3,
      cpuUsPerDelivery: 10,
      cpuUsPerDeliveryMin: 9,
      cpuUsPerDeliveryMax: 12,
      lost: 3,
    });
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

describe('severalProcessesTable', () => {
  const scenario = { ...QUICK_SCENARIO, id: 'multi-process-1000' };
  const combine = (overrides: Partial<RunResult>) =>
    combineRuns([run({ scenarioId: scenario.id, p99Ms: 20, duplicates: 0, gaps: 0, late: 0, ...overrides })]);

  it('gives each target its CPU with Redis and PostgreSQL parts, and its ratios to tim and to scaled-out Socket.IO', () => {
    const combined = [
      ...combine({ target: 'tim', serverProcesses: 1, cpuUsPerDelivery: 10 }),
      ...combine({
        target: 'tim-multi-process',
        serverProcesses: 2,
        cpuUsPerDelivery: 12,
        redisCpuUsPerDelivery: 0.5,
        postgresCpuUsPerDelivery: 0.25,
      }),
      ...combine({
        target: 'socketio-multi-process',
        serverProcesses: 2,
        cpuUsPerDelivery: 16,
        redisCpuUsPerDelivery: 0.4,
        gaps: 3,
        late: 2,
        lost: 1,
      }),
    ];
    const lines = severalProcessesTable({ scenarios: [scenario], combined });

    expect(lines.slice(3)).toEqual([
      '| multi-process-1000 | tim | 1 | 10.00 | – | – | – | 20.0 | 0 | 0/0/0 | 1.00 | 0.63 |',
      '| multi-process-1000 | tim-multi-process | 2 | 12.00 | 0.50 | 0.25 | – | 20.0 | 0 | 0/0/0 | 1.20 | 0.75 |',
      '| multi-process-1000 | socketio-multi-process | 2 | 16.00 | 0.40 | – | – | 20.0 | 1 | 0/3/2 | 1.60 | 1.00 |',
    ]);
  });

  it('is empty when no scenario ran a target on several processes', () => {
    expect(
      severalProcessesTable({ scenarios: [QUICK_SCENARIO], combined: combineRuns([run({ target: 'tim' })]) }),
    ).toEqual([]);
  });
});
