import { TARGET_NAMES, type TargetName } from './targets/target';

export interface BenchArgs {
  isQuick: boolean;
  targets: TargetName[];
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
  const args: BenchArgs = { isQuick: false, targets: [...TARGET_NAMES], runs: 1 };
  let hasTargets = false;
  const rest = argv.filter((arg) => arg !== '--');
  const valueAfter = (index: number, flag: string): string => {
    const value = rest[index + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    return value;
  };
  for (let index = 0; index < rest.length; index += 1) {
    const arg = rest[index];
    switch (arg) {
      case '--quick':
        args.isQuick = true;
        break;
      case '--targets':
        args.targets = valueAfter(index, arg).split(',').map((name) => parseTarget(name));
        hasTargets = true;
        index += 1;
        break;
      case '--runs':
        args.runs = Number(valueAfter(index, arg));
        if (!Number.isInteger(args.runs) || args.runs < 1 || args.runs > 20) throw new Error(`--runs takes 1–20\n${USAGE}`);
        index += 1;
        break;
      case '--scenarios':
        args.scenarioIds = valueAfter(index, arg).split(',');
        index += 1;
        break;
      case '--cpu-prof':
        args.cpuProfileDir = valueAfter(index, arg);
        index += 1;
        break;
      case '--from':
        args.fromFiles = valueAfter(index, arg).split(',');
        index += 1;
        break;
      case '--out':
        args.outFile = valueAfter(index, arg);
        index += 1;
        break;
      default:
        throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  if (args.isQuick && !hasTargets) args.targets = QUICK_TARGETS;
  return args;
}

function parseTarget(name: string): TargetName {
  const target = TARGET_NAMES.find((known) => known === name);
  if (target === undefined) throw new Error(`unknown target "${name}"\n${USAGE}`);
  return target;
}
