import { z } from 'zod';
import type { MachineInfo } from '../machine';
import { median, percentileOfSorted } from '../stats/summary-stats';
import type { ProbeSnapshot } from './page-probe';

/** JSON turns NaN (a figure that does not apply, or a failed run) into null: read it back. */
const Figure = z
  .number()
  .nullable()
  .transform((value) => value ?? Number.NaN);

/** The figures of one run of a browser scenario; also the records of `--out` files. */
export const BrowserRunResult = z.object({
  scenarioId: z.string(),
  /** Messages on screen before the measured load. */
  seeded: Figure,
  /** Messages the server acknowledged during the measured load. */
  posted: Figure,
  /** Posted messages the page added to its DOM. */
  shown: Figure,
  /** Posted messages the page never showed (worst run reported). */
  missing: Figure,
  /** Script time of the page's main thread (CDP ScriptDuration) per message shown, in ms. */
  scriptMsPerMessage: Figure,
  /** All main-thread work (CDP TaskDuration: script, style, layout, paint) per message shown, in ms. */
  taskMsPerMessage: Figure,
  /** Of which style recalculation and layout (CDP RecalcStyleDuration + LayoutDuration), in ms. */
  styleLayoutMsPerMessage: Figure.optional().transform((value) => value ?? Number.NaN),
  /** Long tasks (over 50 ms) while the messages came in. */
  longTasks: Figure,
  maxLongTaskMs: Figure,
  /** From the send of the last message shown (the last one posted, unless it went missing) to its element in the DOM, in ms. */
  lastMessageMs: Figure,
  /** Send → in the DOM, over every message shown. */
  p50Ms: Figure,
  p99Ms: Figure,
  maxMs: Figure,
  /** Script time at rest with the seeded messages on screen (the activity ticker and the like), per 10 s. */
  idleScriptMsPer10s: Figure,
  firstError: z.string().optional(),
});
export type BrowserRunResult = z.infer<typeof BrowserRunResult>;

/** What the issue asks of an incoming message (tim-web issue 18 item 2). */
export const BROWSER_TARGETS = { scriptMsPerMessage: 2, maxLongTaskMs: 50, lastMessageMs: 1000 } as const;

/** The raw measurements of a run, as the runner took them. */
export interface BrowserMeasurements {
  scenarioId: string;
  seeded: number;
  posted: number;
  probe: ProbeSnapshot;
  /** CDP ScriptDuration and TaskDuration (seconds) growth over the measured load. */
  scriptSeconds: number;
  taskSeconds: number;
  styleLayoutSeconds: number;
  idleScriptSeconds: number;
  idleMs: number;
}

/** Turns a run's measurements into its figures. */
export function summarizeBrowserRun(measured: BrowserMeasurements): BrowserRunResult {
  const latencies = measured.probe.appeared.map(([, latencyMs]) => latencyMs).sort((a, b) => a - b);
  const shown = latencies.length;
  const perMessage = (seconds: number): number => (shown > 0 ? (seconds * 1000) / shown : Number.NaN);
  const durations = measured.probe.longTasks.map(([, durationMs]) => durationMs);
  return {
    scenarioId: measured.scenarioId,
    seeded: measured.seeded,
    posted: measured.posted,
    shown,
    missing: Math.max(0, measured.posted - shown),
    scriptMsPerMessage: perMessage(measured.scriptSeconds),
    taskMsPerMessage: perMessage(measured.taskSeconds),
    styleLayoutMsPerMessage: perMessage(measured.styleLayoutSeconds),
    longTasks: durations.length,
    maxLongTaskMs: durations.length === 0 ? 0 : Math.max(...durations),
    lastMessageMs: lastShown(measured.probe)?.[1] ?? Number.NaN,
    p50Ms: percentileOfSorted(latencies, 50),
    p99Ms: percentileOfSorted(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? Number.NaN,
    idleScriptMsPer10s:
      measured.idleMs > 0 ? (measured.idleScriptSeconds * 1000 * 10_000) / measured.idleMs : Number.NaN,
  };
}

/** The [seq, latency] of the message with the highest sequence number shown. */
function lastShown(probe: ProbeSnapshot): [number, number] | undefined {
  let last: [number, number] | undefined;
  for (const appeared of probe.appeared) if (last === undefined || appeared[0] > last[0]) last = appeared;
  return last;
}

export function failedBrowserRun(scenarioId: string, message: string): BrowserRunResult {
  const nan = Number.NaN;
  return {
    scenarioId,
    seeded: nan,
    posted: nan,
    shown: nan,
    missing: nan,
    scriptMsPerMessage: nan,
    taskMsPerMessage: nan,
    styleLayoutMsPerMessage: nan,
    longTasks: nan,
    maxLongTaskMs: nan,
    lastMessageMs: nan,
    p50Ms: nan,
    p99Ms: nan,
    maxMs: nan,
    idleScriptMsPer10s: nan,
    firstError: message,
  };
}

/** One scenario over all runs: the median of each figure, the worst run of `missing`; with the range of the JS cost. */
export type CombinedBrowserResult = BrowserRunResult & {
  runs: number;
  scriptMsPerMessageMin: number;
  scriptMsPerMessageMax: number;
};

export function combineBrowserRuns(results: readonly BrowserRunResult[]): CombinedBrowserResult[] {
  const groups = new Map<string, BrowserRunResult[]>();
  for (const result of results) groups.set(result.scenarioId, [...(groups.get(result.scenarioId) ?? []), result]);
  return [...groups.values()].map((group) => {
    const first = group[0] as BrowserRunResult;
    const costs = group.map((result) => result.scriptMsPerMessage).filter((value) => Number.isFinite(value));
    const combined: CombinedBrowserResult = {
      ...first,
      runs: group.length,
      scriptMsPerMessageMin: costs.length === 0 ? Number.NaN : Math.min(...costs),
      scriptMsPerMessageMax: costs.length === 0 ? Number.NaN : Math.max(...costs),
      firstError: group.find((result) => result.firstError !== undefined)?.firstError,
    };
    for (const key of Object.keys(first) as Array<keyof BrowserRunResult>) {
      if (typeof first[key] !== 'number') continue;
      const values = group.map((result) => result[key] as number);
      const finite = values.filter((value) => Number.isFinite(value));
      (combined as unknown as Record<string, number>)[key] =
        key === 'missing' ? (finite.length === 0 ? Number.NaN : Math.max(...finite)) : median(values);
    }
    return combined;
  });
}

/** The targets a result misses, in words; empty when it meets them all. A figure that is missing misses. */
export function missedTargets(result: BrowserRunResult): string[] {
  const missed: string[] = [];
  const over = (value: number, limit: number): boolean => !Number.isFinite(value) || value > limit;
  if (over(result.scriptMsPerMessage, BROWSER_TARGETS.scriptMsPerMessage))
    missed.push(`JS per message over ${BROWSER_TARGETS.scriptMsPerMessage} ms`);
  if (over(result.maxLongTaskMs, BROWSER_TARGETS.maxLongTaskMs))
    missed.push(`a long task over ${BROWSER_TARGETS.maxLongTaskMs} ms`);
  if (over(result.lastMessageMs, BROWSER_TARGETS.lastMessageMs))
    missed.push(`last message later than ${BROWSER_TARGETS.lastMessageMs} ms`);
  if (result.missing !== 0) missed.push('messages not shown');
  return missed;
}

const cell = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** The browser scenarios' table and their targets; no lines when none ran. */
export function browserTable(options: {
  scenarios: ReadonlyArray<{ id: string; label: string }>;
  combined: CombinedBrowserResult[];
}): string[] {
  if (options.combined.length === 0) return [];
  const lines = [
    '',
    `Browser (Chromium, the built web client; targets: ≤ ${BROWSER_TARGETS.scriptMsPerMessage} ms of JS per message, no long task over ${BROWSER_TARGETS.maxLongTaskMs} ms, the last message in the DOM within ${BROWSER_TARGETS.lastMessageMs} ms of its post):`,
    '',
    '| scenario | runs | posted | shown (worst missing) | JS ms/message (min–max) | main thread ms/message | of which style and layout | long tasks | max long task ms | last message ms | post→DOM p50 ms | p99 ms | max ms | idle JS ms per 10 s | targets |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const scenario of options.scenarios) {
    for (const result of options.combined.filter((entry) => entry.scenarioId === scenario.id)) {
      const range =
        result.runs < 2 ? '' : ` (${cell(result.scriptMsPerMessageMin, 2)}–${cell(result.scriptMsPerMessageMax, 2)})`;
      const missed = missedTargets(result);
      lines.push(
        `| ${scenario.id} | ${result.runs} | ${cell(result.posted, 0)} | ${cell(result.shown, 0)} (${cell(result.missing, 0)}) | ${cell(result.scriptMsPerMessage, 2)}${range} | ${cell(result.taskMsPerMessage, 2)} | ${cell(result.styleLayoutMsPerMessage, 2)} | ${cell(result.longTasks, 0)} | ${cell(result.maxLongTaskMs, 0)} | ${cell(result.lastMessageMs, 0)} | ${cell(result.p50Ms, 0)} | ${cell(result.p99Ms, 0)} | ${cell(result.maxMs, 0)} | ${cell(result.idleScriptMsPer10s, 1)} | ${missed.length === 0 ? 'met' : `missed: ${missed.join('; ')}`} |`,
      );
    }
  }
  const errors = options.combined.filter((entry) => entry.firstError !== undefined);
  if (errors.length > 0) lines.push('', ...errors.map((entry) => `- ${entry.scenarioId}: ${entry.firstError}`));
  return lines;
}

/**
 * The browser scenarios' part of the report: the table and what each scenario is; with the
 * machine's line first when no other scenario ran (the fan-out report has it otherwise).
 */
export function browserReport(options: {
  scenarios: ReadonlyArray<{ id: string; label: string }>;
  combined: CombinedBrowserResult[];
  machine?: MachineInfo;
}): string {
  const { machine } = options;
  const runs = Math.max(0, ...options.combined.map((result) => result.runs));
  const lines = [
    ...(machine === undefined
      ? []
      : [
          `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverage1m.toFixed(2)} at start; medians of ${runs} run(s), missing messages are the worst run.`,
        ]),
    ...browserTable(options),
    '',
    'Browser scenarios:',
    ...options.scenarios.map((scenario) => `- ${scenario.id}: ${scenario.label}`),
  ];
  return lines.join('\n');
}
