import { parseArgs as parseNodeArgs } from 'node:util';
import { TARGET_NAMES, type TargetName } from './targets/target';

export interface BenchArgs {
  isQuick: boolean;
  /** Targets to run every scenario on; absent: each scenario's own (`targetsFor`). */
  targets?: TargetName[];
  /** Runs of every (scenario, target); medians are reported. */
  runs: number;
  /** Scenario ids to run (full mode); all when absent. */
  scenarioIds?: string[];
  /** Directory for V8 CPU profiles of the server processes (`--cpu-prof`). */
  cpuProfileDir?: string;
  /** File for every run's raw figures as JSON. */
  outFile?: string;
  /** Report from these `--out` files instead of running. */
  fromFiles?: string[];
}

const QUICK_TARGETS: TargetName[] = ['ceiling', 'socketio', 'tim'];
const USAGE = `usage: pnpm bench [--quick] [--targets ${TARGET_NAMES.join(',')}] [--runs N] [--scenarios id,id] [--cpu-prof DIR] [--out FILE] [--from FILE,FILE]`;

/** Parses the command line; throws with the usage line on anything it does not know. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  let values;
  try {
    ({ values } = parseNodeArgs({
      args: argv.filter((arg) => arg !== '--'),
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        targets: { type: 'string' },
        runs: { type: 'string', default: '1' },
        scenarios: { type: 'string' },
        'cpu-prof': { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`, { cause: err });
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error(`--runs takes 1–20\n${USAGE}`);
  const defaultTargets = values.quick ? QUICK_TARGETS : undefined;
  return {
    isQuick: values.quick,
    targets: values.targets === undefined ? defaultTargets : values.targets.split(',').map(parseTarget),
    runs,
    scenarioIds: values.scenarios?.split(','),
    cpuProfileDir: values['cpu-prof'],
    outFile: values.out,
    fromFiles: values.from?.split(','),
  };
}

function parseTarget(name: string): TargetName {
  const target = TARGET_NAMES.find((known) => known === name);
  if (target === undefined) throw new Error(`unknown target "${name}"\n${USAGE}`);
  return target;
}
