import {
  BrowserRunResult,
  browserReport,
  combineBrowserRuns,
  failedBrowserRun,
  missedTargets,
  summarizeBrowserRun,
  type BrowserMeasurements,
} from './browser-result';
import { BROWSER_SCENARIOS } from './browser-scenario';

function measurements(overrides: Partial<BrowserMeasurements> = {}): BrowserMeasurements {
  return {
    scenarioId: 'browser-300',
    seeded: 300,
    posted: 4,
    probe: {
      appeared: [
        [0, 30],
        [1, 10],
        [3, 25],
        [2, 20],
      ],
      longTasks: [],
    },
    scriptSeconds: 0.006,
    taskSeconds: 0.02,
    styleLayoutSeconds: 0.004,
    idleScriptSeconds: 0.002,
    idleMs: 20_000,
    ...overrides,
  };
}

describe('summarizeBrowserRun', () => {
  it('divides the page’s main-thread time by the messages shown and takes latencies from the probe', () => {
    expect(summarizeBrowserRun(measurements())).toMatchObject({
      shown: 4,
      missing: 0,
      scriptMsPerMessage: 1.5,
      taskMsPerMessage: 5,
      styleLayoutMsPerMessage: 1,
      longTasks: 0,
      maxLongTaskMs: 0,
      lastMessageMs: 25,
      p50Ms: 20,
      maxMs: 30,
      idleScriptMsPer10s: 1,
    });
  });

  it('counts long tasks and messages never shown; the last message is the last one shown', () => {
    const result = summarizeBrowserRun(
      measurements({
        posted: 6,
        probe: {
          appeared: [
            [0, 30],
            [1, 10],
          ],
          longTasks: [
            [100, 60],
            [400, 207],
          ],
        },
      }),
    );
    expect(result).toMatchObject({ shown: 2, missing: 4, longTasks: 2, maxLongTaskMs: 207, lastMessageMs: 10 });
  });

  it('has no per-message figures when nothing was shown', () => {
    const result = summarizeBrowserRun(measurements({ probe: { appeared: [], longTasks: [] } }));
    expect(result.scriptMsPerMessage).toBeNaN();
    expect(result.lastMessageMs).toBeNaN();
    expect(result.missing).toBe(4);
  });
});

describe('missedTargets', () => {
  const meets = summarizeBrowserRun(measurements());

  it('is empty for a run within every target', () => {
    expect(missedTargets(meets)).toEqual([]);
  });

  it('names each target missed, and a failed run misses them all', () => {
    expect(missedTargets({ ...meets, scriptMsPerMessage: 2.5, maxLongTaskMs: 51, lastMessageMs: 1200 })).toEqual([
      'JS per message over 2 ms',
      'a long task over 50 ms',
      'last message later than 1000 ms',
    ]);
    expect(missedTargets({ ...meets, missing: 3 })).toEqual(['messages not shown']);
    expect(missedTargets(failedBrowserRun('browser-300', 'server exited'))).toHaveLength(4);
  });
});

describe('combineBrowserRuns', () => {
  it('takes the median of each figure, the worst run of missing messages, and keeps a failed run’s error', () => {
    const run = (scriptMsPerMessage: number, missing: number) => ({
      ...summarizeBrowserRun(measurements()),
      scriptMsPerMessage,
      missing,
    });
    const [combined] = combineBrowserRuns([run(1, 0), run(3, 2), failedBrowserRun('browser-300', 'boom'), run(2, 0)]);
    expect(combined).toMatchObject({
      runs: 4,
      scriptMsPerMessage: 2,
      scriptMsPerMessageMin: 1,
      scriptMsPerMessageMax: 3,
      missing: 2,
      firstError: 'boom',
    });
  });

  it('reads its records back from an --out file, NaN as null', () => {
    const failed = failedBrowserRun('browser-300', 'boom');
    const parsed = BrowserRunResult.parse(JSON.parse(JSON.stringify(failed)));
    expect(parsed.scriptMsPerMessage).toBeNaN();
    expect(parsed.firstError).toBe('boom');
  });
});

describe('browserReport', () => {
  it('shows each scenario’s medians and whether it met the targets', () => {
    const combined = combineBrowserRuns([summarizeBrowserRun(measurements())]);
    const report = browserReport({ scenarios: BROWSER_SCENARIOS, combined });
    expect(report).toContain('| browser-300 | 1 | 4 | 4 (0) | 1.50 | 5.00 | 1.00 | 0 | 0 | 25 | 20 |');
    expect(report).toContain('| met |');
    expect(report).not.toContain('Machine:');
  });
});
