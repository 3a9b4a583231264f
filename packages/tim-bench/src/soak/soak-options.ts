import { parseArgs } from 'node:util';

/** What one soak run does. Every loop it drives is bounded by these numbers. */
export interface SoakOptions {
  /** WebSocket connections held open, each subscribed to `main`. */
  connections: number;
  /** Share of the connections terminated abruptly (no close frame) on each churn round, 0–1. */
  churn: number;
  /** Interval between churn rounds, in ms. */
  churnEveryMs: number;
  /** Time messages flow and connections churn, in s. */
  durationS: number;
  /** Messages the publisher sends per second. */
  messagesPerS: number;
  /** Connections opened per timite; kept at half the server's cap so that replacements fit. */
  connectionsPerTimite: number;
  /** Time the surviving subscribers get to catch up after the last message, in s. */
  drainTimeoutS: number;
}

const FULL: SoakOptions = {
  connections: 2000,
  churn: 0.2,
  churnEveryMs: 3000,
  durationS: 60,
  messagesPerS: 10,
  connectionsPerTimite: 10,
  drainTimeoutS: 30,
};

/** `--short`: the CI form, a few hundred connections for about ten seconds. */
const SHORT: SoakOptions = { ...FULL, connections: 300, churnEveryMs: 2000, durationS: 10, drainTimeoutS: 20 };

const LIMITS = {
  connections: { min: 1, max: 10_000 },
  churn: { min: 0, max: 1 },
  churnEveryMs: { min: 100, max: 600_000 },
  durationS: { min: 1, max: 3600 },
  messagesPerS: { min: 1, max: 1000 },
  connectionsPerTimite: { min: 1, max: 1000 },
  drainTimeoutS: { min: 1, max: 600 },
} as const satisfies Record<keyof SoakOptions, { min: number; max: number }>;

export const SOAK_USAGE = `usage: soak [--short] [--connections N] [--churn 0..1] [--churn-every-ms MS]
            [--duration-s S] [--messages-per-s N] [--connections-per-timite N] [--drain-timeout-s S]`;

function readNumber(name: keyof SoakOptions, flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const { min, max } = LIMITS[name];
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`--${flag} must be a number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

/** Parses the command line; throws an Error naming the bad flag. */
export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      short: { type: 'boolean', default: false },
      connections: { type: 'string' },
      churn: { type: 'string' },
      'churn-every-ms': { type: 'string' },
      'duration-s': { type: 'string' },
      'messages-per-s': { type: 'string' },
      'connections-per-timite': { type: 'string' },
      'drain-timeout-s': { type: 'string' },
    },
  });
  const base = values.short ? SHORT : FULL;
  return {
    connections: Math.round(readNumber('connections', 'connections', values.connections, base.connections)),
    churn: readNumber('churn', 'churn', values.churn, base.churn),
    churnEveryMs: readNumber('churnEveryMs', 'churn-every-ms', values['churn-every-ms'], base.churnEveryMs),
    durationS: readNumber('durationS', 'duration-s', values['duration-s'], base.durationS),
    messagesPerS: readNumber('messagesPerS', 'messages-per-s', values['messages-per-s'], base.messagesPerS),
    connectionsPerTimite: Math.round(
      readNumber(
        'connectionsPerTimite',
        'connections-per-timite',
        values['connections-per-timite'],
        base.connectionsPerTimite,
      ),
    ),
    drainTimeoutS: readNumber('drainTimeoutS', 'drain-timeout-s', values['drain-timeout-s'], base.drainTimeoutS),
  };
}
