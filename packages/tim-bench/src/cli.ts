#!/usr/bin/env node
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type BenchArgs } from './args';
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
  const scenarios = args.isQuick
    ? [QUICK_SCENARIO]
    : FULL_SCENARIOS.filter((scenario) => args.scenarioIds === undefined || args.scenarioIds.includes(scenario.id));
  if (scenarios.length === 0) throw new Error(`no scenario matches ${args.scenarioIds?.join(',')}`);
  const { results, machine: measuredOn } =
    args.fromFiles === undefined
      ? { results: await runAll(args, scenarios), machine }
      : await readResults(args.fromFiles);

  if (args.outFile !== undefined) await writeFile(args.outFile, `${JSON.stringify({ machine, results }, null, 2)}\n`);
  const combined = combineRuns(results);
  const measured = scenarios.filter((scenario) => results.some((result) => result.scenarioId === scenario.id));
  const runs = Math.max(...combined.map((result) => result.runs));
  const output = args.isQuick
    ? headlineJson({ scenario: QUICK_SCENARIO, combined, machine: measuredOn, runs })
    : markdownReport({ scenarios: measured, combined, machine: measuredOn, runs });
  process.stdout.write(`${output}\n`);
}

async function runAll(args: BenchArgs, scenarios: Scenario[]): Promise<RunResult[]> {
  const planned = plannedRuns({ scenarios, targets: args.targets, isScenarioNamed: args.scenarioIds !== undefined });
  for (const note of planned.notes) process.stderr.write(`bench: ${note}\n`);
  const registry = createChildRegistry();
  killChildrenOnExit(registry);
  const cpuProfileDir = args.cpuProfileDir === undefined ? undefined : resolve(args.cpuProfileDir);
  if (cpuProfileDir !== undefined) await mkdir(cpuProfileDir, { recursive: true });

  const results: RunResult[] = [];
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
  }
  return results;
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
async function readResults(files: string[]): Promise<{ results: RunResult[]; machine: MachineInfo }> {
  const parsed = await Promise.all(
    files.map(async (file) => ResultsFile.parse(JSON.parse(await readFile(file, 'utf8')))),
  );
  const first = parsed[0];
  if (first === undefined) throw new Error('--from needs at least one file');
  return { results: parsed.flatMap((file) => file.results), machine: first.machine };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
