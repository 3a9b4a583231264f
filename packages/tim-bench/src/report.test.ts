import { combineRuns, markdownReport, severalProcessesTable, streamingTable } from './report';
import type { RunResult } from './run-result';
import { failedRun } from './run-scenario';
import { FULL_SCENARIOS, QUICK_SCENARIO, type Scenario } from './scenarios';

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

describe('streamingTable', () => {
  const streaming = FULL_SCENARIOS.find((scenario) => scenario.id === 'stream-10x1000') as Scenario;
  const streamRun = (overrides: Partial<RunResult>) =>
    run({
      scenarioId: streaming.id,
      connected: 1000,
      duplicates: 0,
      gaps: 0,
      publishFailed: 0,
      publishLate: 12,
      streamAppends: 8000,
      serverCpuPercent: 31.4,
      cpuUsPerStreamFrame: 1.5,
      clientCpuUsPerStreamFrame: 4.25,
      streamFramesPerSubscriberPerSec: 199.5,
      bytesPerSubscriberPerSec: 52_000,
      p50Ms: 27,
      p95Ms: 48,
      p99Ms: 60,
      maxMs: 80,
      streamReadingSubscribers: 100,
      streamLatencySamples: 800_000,
      streamFinalsMatched: 40_000,
      streamFinalsMismatched: 0,
      streamFinalsWithoutText: 0,
      streamOutOfOrder: 0,
      streamUnreadableTokens: 0,
      streamTextsLeft: 0,
      ...overrides,
    });

  it("gives the median of each figure with the CPU per stream frame's range, and the worst run of each check", () => {
    const combined = combineRuns([
      streamRun({ cpuUsPerStreamFrame: 1.5 }),
      streamRun({ cpuUsPerStreamFrame: 1.2, streamFinalsMismatched: 2 }),
      streamRun({ cpuUsPerStreamFrame: 1.9, streamOutOfOrder: 1 }),
    ]);

    expect(streamingTable({ scenarios: [streaming], combined }).slice(3)).toEqual([
      '| stream-10x1000 | tim | 1000 | 8000 (12) | 31 | 1.50 (1.2–1.9) | 4.25 | 199.5 | 52000 | 27.0 | 48.0 | 60.0 | 80.0 | 100 (800000) | 40000 | 2/0/1/0/0 | 0/0/0 | 0 |',
    ]);
  });

  it('stands alone in the report when only streaming scenarios ran', () => {
    const report = markdownReport({
      scenarios: [streaming],
      combined: combineRuns([streamRun({})]),
      machine: { cpus: 2, cpuModel: 'test', node: 'v20', loadAverage1m: 1 },
      runs: 1,
    });

    expect(report).toContain('| stream-10x1000 | tim | 1000 |');
    expect(report).not.toContain('deliveries/s');
    expect(report).not.toContain('tim ÷ ceiling');
  });
});
