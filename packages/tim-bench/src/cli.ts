#!/usr/bin/env node
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from './args';
import { createChildRegistry, killChildrenOnExit } from './child-registry';
import { describeMachine } from './machine';
import { combineRuns, headlineJson, markdownReport } from './report';
import { failedRun, runScenario, type RunResult } from './run-scenario';
import { FULL_SCENARIOS, QUICK_SCENARIO } from './scenarios';
import { createTarget } from './targets/create-target';

/**
 * `pnpm bench`: every scenario against every target, in rounds (run 1 of every target, then
 * run 2, …) so that drift in the shared machine's load spreads over the targets evenly.
 * Progress goes to stderr; stdout carries only the result (one JSON line with --quick).
 */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const registry = createChildRegistry();
  killChildrenOnExit(registry);
  const machine = describeMachine();
  const scenarios = args.isQuick
    ? [QUICK_SCENARIO]
    : FULL_SCENARIOS.filter((scenario) => args.scenarioIds === undefined || args.scenarioIds.includes(scenario.id));
  if (scenarios.length === 0) throw new Error(`no scenario matches ${args.scenarioIds?.join(',')}`);
  const cpuProfileDir = args.cpuProfileDir === undefined ? undefined : resolve(args.cpuProfileDir);
  if (cpuProfileDir !== undefined) await mkdir(cpuProfileDir, { recursive: true });

  const results: RunResult[] = [];
  for (let run = 1; run <= args.runs; run += 1) {
    for (const scenario of scenarios) {
      for (const name of args.targets) {
        process.stderr.write(`bench: run ${run}/${args.runs} ${scenario.id} ${name} … `);
        const startedMs = Date.now();
        const result = await runScenario({ scenario, target: createTarget(name), registry, cpuProfileDir }).catch(
          (err: unknown) => failedRun({ scenario, target: name, message: err instanceof Error ? err.message : String(err) }),
        );
        results.push(result);
        process.stderr.write(
          `${result.cpuUsPerDelivery.toFixed(2)} µs/delivery, p99 ${result.p99Ms.toFixed(1)} ms, lost ${result.lost}, presence frames ${result.presenceFrames} (${((Date.now() - startedMs) / 1000).toFixed(1)} s)${result.firstError === undefined ? '' : `, error: ${result.firstError}`}\n`,
        );
      }
    }
  }

  if (args.outFile !== undefined) await writeFile(args.outFile, `${JSON.stringify({ machine, results }, null, 2)}\n`);
  const combined = combineRuns(results);
  const output = args.isQuick
    ? headlineJson({ scenario: QUICK_SCENARIO, combined, machine, runs: args.runs })
    : markdownReport({ scenarios, combined, machine, runs: args.runs });
  process.stdout.write(`${output}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
