import type { MachineInfo } from './machine';
import type { RunResult } from './run-result';
import type { Scenario } from './scenarios';
import { median, ratio } from './stats/summary-stats';

/** Loss and error counters: the worst run is reported, never a median that could hide one. */
const WORST_OF_RUNS = new Set<keyof RunResult>([
  'lost',
  'duplicates',
  'gaps',
  'late',
  'unexpectedCloses',
  'connectFailed',
  'publishFailed',
  'otherFrames',
  'streamFinalsMismatched',
  'streamFinalsWithoutText',
  'streamOutOfOrder',
  'streamUnreadableTokens',
  'streamEndsWithoutMessage',
  'streamTextsLeft',
]);

/** The largest finite value (a failed run has no count); NaN when no run has one. */
function worst(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.length === 0 ? Number.NaN : Math.max(...finite);
}

/** One (scenario, target) over all runs: medians of the figures, worst of the counters. */
export type CombinedResult = RunResult & {
  runs: number;
  /** Spread of the server CPU per delivery over the runs: how noisy the machine was. */
  cpuUsPerDeliveryMin: number;
  cpuUsPerDeliveryMax: number;
  /** The same for a streaming scenario's CPU per stream frame. */
  cpuUsPerStreamFrameMin: number;
  cpuUsPerStreamFrameMax: number;
};

/** The smallest and largest finite value of a figure over the runs; NaN when none has one. */
function rangeOf(group: readonly RunResult[], key: 'cpuUsPerDelivery' | 'cpuUsPerStreamFrame'): [number, number] {
  const values = group.map((result) => result[key]).filter((value) => Number.isFinite(value));
  return values.length === 0 ? [Number.NaN, Number.NaN] : [Math.min(...values), Math.max(...values)];
}

export function combineRuns(results: readonly RunResult[]): CombinedResult[] {
  const groups = new Map<string, RunResult[]>();
  for (const result of results) {
    const key = `${result.scenarioId}\u0000${result.target}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as RunResult;
    const [cpuUsPerDeliveryMin, cpuUsPerDeliveryMax] = rangeOf(group, 'cpuUsPerDelivery');
    const [cpuUsPerStreamFrameMin, cpuUsPerStreamFrameMax] = rangeOf(group, 'cpuUsPerStreamFrame');
    const combined: CombinedResult = {
      ...first,
      runs: group.length,
      cpuUsPerDeliveryMin,
      cpuUsPerDeliveryMax,
      cpuUsPerStreamFrameMin,
      cpuUsPerStreamFrameMax,
    };
    for (const key of Object.keys(first) as Array<keyof RunResult>) {
      if (typeof first[key] !== 'number') continue;
      const values = group.map((result) => result[key] as number);
      (combined as unknown as Record<string, number>)[key] = WORST_OF_RUNS.has(key) ? worst(values) : median(values);
    }
    combined.firstError = group.find((result) => result.firstError !== undefined)?.firstError;
    return combined;
  });
}

const round = (value: number, digits = 1): number | null =>
  Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : null;

/** The one JSON line of `--quick`: headline figures per target and tim's ratios. */
export function headlineJson(options: {
  scenario: Scenario;
  combined: CombinedResult[];
  machine: MachineInfo;
  runs: number;
}): string {
  const byTarget = Object.fromEntries(
    options.combined.map((result) => [
      result.target,
      {
        cpuUsPerDelivery: round(result.cpuUsPerDelivery, 2),
        cpuUsPerDeliveryRange: [round(result.cpuUsPerDeliveryMin, 2), round(result.cpuUsPerDeliveryMax, 2)],
        clientCpuUsPerDelivery: round(result.clientCpuUsPerDelivery, 2),
        deliveriesPerSec: round(result.deliveriesPerSec, 0),
        p50Ms: round(result.p50Ms),
        p95Ms: round(result.p95Ms),
        p99Ms: round(result.p99Ms),
        maxMs: round(result.maxMs),
        warmupMaxMs: round(result.warmupMaxMs),
        lost: result.lost,
        duplicates: result.duplicates,
        outOfOrder: result.gaps,
        memPerConnectionKB: round(result.memPerConnectionKB),
        peakRssMB: round(result.peakRssMB),
        ...(result.firstError === undefined ? {} : { error: result.firstError }),
      },
    ]),
  );
  const cost = (target: string) =>
    options.combined.find((result) => result.target === target)?.cpuUsPerDelivery ?? Number.NaN;
  return JSON.stringify({
    scenario: options.scenario.label,
    runs: options.runs,
    machine: options.machine,
    targets: byTarget,
    cpuPerDeliveryRatio: {
      timToCeiling: round(ratio(cost('tim'), cost('ceiling')), 2),
      timToSocketio: round(ratio(cost('tim'), cost('socketio')), 2),
    },
  });
}

const cell = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** A median with its range over the runs, e.g. `15.92 (11.7–16.5)`; the server CPU per delivery by default. */
function spreadCell(
  result: CombinedResult,
  [median, min, max] = [result.cpuUsPerDelivery, result.cpuUsPerDeliveryMin, result.cpuUsPerDeliveryMax],
): string {
  if (!Number.isFinite(median)) return '–';
  if (result.runs < 2) return cell(median, 2);
  return `${cell(median, 2)} (${cell(min, 1)}–${cell(max, 1)})`;
}

/**
 * The full run's markdown: the delivery scenarios' figures and tim's ratios, the several
 * processes' comparison and the streaming scenarios' figures, each where such scenarios ran.
 */
export function markdownReport(options: {
  scenarios: Scenario[];
  combined: CombinedResult[];
  machine: MachineInfo;
  runs: number;
}): string {
  const { combined } = options;
  const delivering = options.scenarios.filter((scenario) => scenario.load.kind !== 'stream');
  const streaming = options.scenarios.filter((scenario) => scenario.load.kind === 'stream');
  const lines = [
    `Machine: ${options.machine.cpus} CPUs (${options.machine.cpuModel}), Node ${options.machine.node}, load average ${options.machine.loadAverage1m.toFixed(2)} at start; medians of ${options.runs} run(s), loss counters are the worst run.`,
    ...deliveryTables({ scenarios: delivering, combined }),
    ...severalProcessesTable({ scenarios: delivering, combined }),
    ...streamingTable({ scenarios: streaming, combined }),
  ];
  const errors = combined.filter((entry) => entry.firstError !== undefined);
  if (errors.length > 0) {
    lines.push('', ...errors.map((entry) => `- ${entry.scenarioId} / ${entry.target}: ${entry.firstError}`));
  }
  lines.push('', 'Scenarios:', ...options.scenarios.map((scenario) => `- ${scenario.id}: ${scenario.label}`));
  return lines.join('\n');
}

/** One table of figures per (scenario, target), one of tim's ratios; no lines without scenarios. */
function deliveryTables(options: { scenarios: Scenario[]; combined: CombinedResult[] }): string[] {
  if (options.scenarios.length === 0) return [];
  const lines = [
    '',
    '| scenario | target | conns | msgs | delivered | lost | dup/out of order | server CPU µs/delivery (min–max) | client CPU µs/delivery | deliveries/s | p50 ms | p95 ms | p99 ms | max ms | warm-up max ms | KB/conn | peak RSS MB | join ms | join server CPU ms | presence frames |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const scenario of options.scenarios) {
    for (const result of options.combined.filter((entry) => entry.scenarioId === scenario.id)) {
      lines.push(
        `| ${scenario.id} | ${result.target} | ${result.connected} | ${result.published} | ${result.deliveries} | ${cell(result.lost, 0)} | ${cell(result.duplicates, 0)}/${cell(result.gaps, 0)} | ${spreadCell(result)} | ${cell(result.clientCpuUsPerDelivery, 2)} | ${cell(result.deliveriesPerSec, 0)} | ${cell(result.p50Ms)} | ${cell(result.p95Ms)} | ${cell(result.p99Ms)} | ${cell(result.maxMs)} | ${cell(result.warmupMaxMs)} | ${cell(result.memPerConnectionKB)} | ${cell(result.peakRssMB)} | ${cell(result.joinMs, 0)} | ${cell(result.joinServerCpuMs, 0)} | ${result.presenceFrames} |`,
      );
    }
  }
  lines.push(
    '',
    '| scenario | CPU/delivery tim ÷ ceiling | tim ÷ ceiling-coalesced | tim ÷ socket.io | join CPU tim ÷ ceiling | tim ÷ socket.io |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const scenario of options.scenarios) {
    const find = (target: string) =>
      options.combined.find((entry) => entry.scenarioId === scenario.id && entry.target === target);
    const cost = (target: string) => find(target)?.cpuUsPerDelivery ?? Number.NaN;
    const join = (target: string) => find(target)?.joinServerCpuMs ?? Number.NaN;
    lines.push(
      `| ${scenario.id} | ${cell(ratio(cost('tim'), cost('ceiling')), 2)} | ${cell(ratio(cost('tim'), cost('ceiling-coalesced')), 2)} | ${cell(ratio(cost('tim'), cost('socketio')), 2)} | ${cell(ratio(join('tim'), join('ceiling')), 2)} | ${cell(ratio(join('tim'), join('socketio')), 2)} |`,
    );
  }
  return lines;
}

/** What the multi-process targets are compared with: tim in one process, Socket.IO scaled out. */
const SINGLE_PROCESS_TIM = 'tim';
const SCALED_OUT_SOCKETIO = 'socketio-multi-process';

/**
 * For each scenario that ran a target on several processes: every target's CPU per delivery
 * over all its processes, with the part its Redis and PostgreSQL backends spent, latency,
 * losses, and the ratios to tim in one process and to Socket.IO with its Redis adapter.
 * No lines when no such scenario ran.
 */
export function severalProcessesTable(options: { scenarios: Scenario[]; combined: CombinedResult[] }): string[] {
  const scaledOut = options.scenarios.filter((scenario) =>
    options.combined.some((entry) => entry.scenarioId === scenario.id && entry.serverProcesses > 1),
  );
  if (scaledOut.length === 0) return [];
  const lines = [
    '',
    '| scenario | target | server processes | server CPU µs/delivery, all processes (min–max) | of which Redis | of which PostgreSQL | p50 ms | p99 ms | lost | dup/out of order/late | ÷ tim in one process | ÷ Socket.IO with Redis adapter |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const scenario of scaledOut) {
    const results = options.combined.filter((entry) => entry.scenarioId === scenario.id);
    const cost = (target: string) => results.find((entry) => entry.target === target)?.cpuUsPerDelivery ?? Number.NaN;
    for (const result of results) {
      lines.push(
        `| ${scenario.id} | ${result.target} | ${cell(result.serverProcesses, 0)} | ${spreadCell(result)} | ${cell(result.redisCpuUsPerDelivery, 2)} | ${cell(result.postgresCpuUsPerDelivery, 2)} | ${cell(result.p50Ms)} | ${cell(result.p99Ms)} | ${cell(result.lost, 0)} | ${cell(result.duplicates, 0)}/${cell(result.gaps, 0)}/${cell(result.late, 0)} | ${cell(ratio(result.cpuUsPerDelivery, cost(SINGLE_PROCESS_TIM)), 2)} | ${cell(ratio(result.cpuUsPerDelivery, cost(SCALED_OUT_SOCKETIO)), 2)} |`,
      );
    }
  }
  return lines;
}

/**
 * The streaming scenarios' figures over their measured window: server CPU, `stream` frames and
 * bytes per subscriber per second, the append-to-screen latency of every token, and the
 * checks of every subscriber's folded text against the final messages. No lines when none ran.
 */
export function streamingTable(options: { scenarios: Scenario[]; combined: CombinedResult[] }): string[] {
  const results = options.scenarios.flatMap((scenario) =>
    options.combined.filter((entry) => entry.scenarioId === scenario.id),
  );
  if (results.length === 0) return [];
  const lines = [
    '',
    '| scenario | target | subscribers | appends in window (late) | server CPU, % of a core | server CPU µs/stream frame (min–max) | client CPU µs/stream frame | stream frames/subscriber/s | bytes/subscriber/s | append→screen p50 ms | p95 ms | p99 ms | max ms | subscribers reading (tokens timed) | finals matched | mismatched/without text/out of order/unreadable/left | lost/dup/out of order | author errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const result of results) {
    const checks = [
      result.streamFinalsMismatched,
      result.streamFinalsWithoutText,
      result.streamOutOfOrder,
      result.streamUnreadableTokens,
      result.streamTextsLeft,
    ];
    lines.push(
      `| ${result.scenarioId} | ${result.target} | ${result.connected} | ${cell(result.streamAppends, 0)} (${cell(result.publishLate, 0)}) | ${cell(result.serverCpuPercent, 0)} | ${spreadCell(result, [result.cpuUsPerStreamFrame, result.cpuUsPerStreamFrameMin, result.cpuUsPerStreamFrameMax])} | ${cell(result.clientCpuUsPerStreamFrame, 2)} | ${cell(result.streamFramesPerSubscriberPerSec)} | ${cell(result.bytesPerSubscriberPerSec, 0)} | ${cell(result.p50Ms)} | ${cell(result.p95Ms)} | ${cell(result.p99Ms)} | ${cell(result.maxMs)} | ${cell(result.streamReadingSubscribers, 0)} (${cell(result.streamLatencySamples, 0)}) | ${cell(result.streamFinalsMatched, 0)} | ${checks.map((value) => cell(value, 0)).join('/')} | ${cell(result.lost, 0)}/${cell(result.duplicates, 0)}/${cell(result.gaps, 0)} | ${cell(result.publishFailed, 0)} |`,
    );
  }
  return lines;
}
