#!/usr/bin/env node
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type BenchArgs } from './args';
import { browserReport, combineBrowserRuns, failedBrowserRun, type BrowserRunResult } from './browser/browser-result';
import { BROWSER_SCENARIOS, type BrowserScenario } from './browser/browser-scenario';
import { runBrowserScenario } from './browser/run-browser-scenario';
import { createChildRegistry, killChildrenOnExit } from './child-registry';
import { describeMachine, type MachineInfo } from './machine';
import { combineRuns, headlineJson, markdownReport } from './report';
import { ResultsFile, type RunResult } from './run-result';
import { failedRun, runScenario } from './run-scenario';
import { FULL_SCENARIOS, plannedRuns, QUICK_SCENARIO, type Scenario } from './scenarios';
import { createTarget } from './targets/create-target';

/**
 * `pnpm bench`: every scenario against its targets, in rounds (run 1 of every target, then
 * run 2, …) so that drift in the shared machine's load spreads over the targets evenly.
 * Progress goes to stderr; stdout carries only the result (one JSON line with --quick).
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = describeMachine();
  const isSelected = (scenario: { id: string }): boolean =>
    args.scenarioIds === undefined || args.scenarioIds.includes(scenario.id);
  const scenarios = args.isQuick ? [QUICK_SCENARIO] : FULL_SCENARIOS.filter(isSelected);
  const browserScenarios = args.isQuick ? [] : browserScenariosFor(args, BROWSER_SCENARIOS.filter(isSelected));
  if (scenarios.length === 0 && browserScenarios.length === 0)
    throw new Error(`no scenario matches ${args.scenarioIds?.join(',')}`);
  const {
    results,
    browserResults,
    machine: measuredOn,
  } = args.fromFiles === undefined
    ? { ...(await runAll(args, scenarios, browserScenarios)), machine }
    : await readResults(args.fromFiles);

  if (args.outFile !== undefined)
    await writeFile(args.outFile, `${JSON.stringify({ machine, results, browserResults }, null, 2)}\n`);
  const combined = combineRuns(results);
  const measured = scenarios.filter((scenario) => results.some((result) => result.scenarioId === scenario.id));
  const browserMeasured = browserScenarios.filter((scenario) =>
    browserResults.some((result) => result.scenarioId === scenario.id),
  );
  const runs = Math.max(...combined.map((result) => result.runs));
  const output = args.isQuick
    ? headlineJson({ scenario: QUICK_SCENARIO, combined, machine: measuredOn, runs })
    : [
        ...(measured.length === 0
          ? []
          : [markdownReport({ scenarios: measured, combined, machine: measuredOn, runs })]),
        ...(browserMeasured.length === 0
          ? []
          : [
              browserReport({
                scenarios: browserMeasured,
                combined: combineBrowserRuns(browserResults),
                machine: measured.length === 0 ? measuredOn : undefined,
              }),
            ]),
      ].join('\n\n');
  process.stdout.write(`${output}\n`);
}

/**
 * The browser scenarios run tim only (its web client on its server): `--targets` without tim
 * leaves them out, or refuses one named in `--scenarios`.
 */
function browserScenariosFor(args: BenchArgs, selected: BrowserScenario[]): BrowserScenario[] {
  if (args.targets === undefined || args.targets.includes('tim')) return selected;
  if (args.scenarioIds !== undefined && selected.length > 0) {
    throw new Error(`${selected.map((scenario) => scenario.id).join(', ')} run on tim only; add tim to --targets`);
  }
  if (selected.length > 0) process.stderr.write(`bench: the browser scenarios run on tim only: not run\n`);
  return [];
}

async function runAll(
  args: BenchArgs,
  scenarios: Scenario[],
  browserScenarios: BrowserScenario[],
): Promise<{ results: RunResult[]; browserResults: BrowserRunResult[] }> {
  const planned =
    scenarios.length === 0
      ? { runs: [], notes: [] }
      : plannedRuns({ scenarios, targets: args.targets, isScenarioNamed: args.scenarioIds !== undefined });
  for (const note of planned.notes) process.stderr.write(`bench: ${note}\n`);
  const registry = createChildRegistry();
  killChildrenOnExit(registry);
  const cpuProfileDir = args.cpuProfileDir === undefined ? undefined : resolve(args.cpuProfileDir);
  if (cpuProfileDir !== undefined) await mkdir(cpuProfileDir, { recursive: true });

  const results: RunResult[] = [];
  const browserResults: BrowserRunResult[] = [];
  for (let run = 1; run <= args.runs; run += 1) {
    for (const { scenario, target: name } of planned.runs) {
      process.stderr.write(`bench: run ${run}/${args.runs} ${scenario.id} ${name} … `);
      const startedMs = Date.now();
      const result = await runScenario({ scenario, target: createTarget(name), registry, cpuProfileDir }).catch(
        (err: unknown) =>
          failedRun({ scenario, target: name, message: err instanceof Error ? err.message : String(err) }),
      );
      results.push(result);
      process.stderr.write(
        `${scenario.load.kind === 'stream' ? streamProgress(result) : deliveryProgress(result)} (${((Date.now() - startedMs) / 1000).toFixed(1)} s)${result.firstError === undefined ? '' : `, error: ${result.firstError}`}\n`,
      );
    }
    for (const scenario of browserScenarios) {
      process.stderr.write(`bench: run ${run}/${args.runs} ${scenario.id} tim-web … `);
      const startedMs = Date.now();
      const result = await runBrowserScenario(scenario, { cpuProfileDir }).catch((err: unknown) =>
        failedBrowserRun(scenario.id, err instanceof Error ? err.message : String(err)),
      );
      browserResults.push(result);
      process.stderr.write(
        `${browserProgress(result)} (${((Date.now() - startedMs) / 1000).toFixed(1)} s)${result.firstError === undefined ? '' : `, error: ${result.firstError}`}\n`,
      );
    }
  }
  return { results, browserResults };
}

function browserProgress(result: BrowserRunResult): string {
  return `${result.scriptMsPerMessage.toFixed(2)} ms JS/message, max long task ${result.maxLongTaskMs.toFixed(0)} ms, last message ${result.lastMessageMs.toFixed(0)} ms, shown ${result.shown}/${result.posted}`;
}

function deliveryProgress(result: RunResult): string {
  return `${result.cpuUsPerDelivery.toFixed(2)} µs/delivery${serviceShares(result)}, p99 ${result.p99Ms.toFixed(1)} ms, lost ${result.lost}, presence frames ${result.presenceFrames}`;
}

function streamProgress(result: RunResult): string {
  return `${result.cpuUsPerStreamFrame.toFixed(2)} µs/stream frame, ${result.streamFramesPerSubscriberPerSec.toFixed(1)} frames/subscriber/s, append p99 ${result.p99Ms.toFixed(1)} ms, finals matched ${result.streamFinalsMatched}, mismatched ${result.streamFinalsMismatched}, lost ${result.lost}`;
}

/** The part of the CPU per delivery spent by Redis and PostgreSQL, where the target has them. */
function serviceShares(result: RunResult): string {
  const shares = [
    ['Redis', result.redisCpuUsPerDelivery],
    ['PostgreSQL', result.postgresCpuUsPerDelivery],
  ] as const;
  return shares
    .filter(([, value]) => Number.isFinite(value))
    .map(([name, value]) => ` (${name} ${value.toFixed(2)})`)
    .join('');
}

/** Several `--out` files as one set of runs (measured on the first file's machine). */
async function readResults(
  files: string[],
): Promise<{ results: RunResult[]; browserResults: BrowserRunResult[]; machine: MachineInfo }> {
  const parsed = await Promise.all(
    files.map(async (file) => ResultsFile.parse(JSON.parse(await readFile(file, 'utf8')))),
  );
  const first = parsed[0];
  if (first === undefined) throw new Error('--from needs at least one file');
  return {
    results: parsed.flatMap((file) => file.results),
    browserResults: parsed.flatMap((file) => file.browserResults),
    machine: first.machine,
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
