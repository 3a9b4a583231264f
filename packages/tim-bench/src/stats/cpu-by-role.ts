/**
 * CPU time of a target's processes over a window, summed by what each process is: the
 * servers under test, the Redis between them, and the PostgreSQL backends serving them.
 */

export type ProcessRole = 'server' | 'redis' | 'postgres';

/** One process's user + system CPU time at one moment, in µs. */
export interface CpuReading {
  pid: number;
  role: ProcessRole;
  cpuMicros: number;
}

export interface CpuByRole {
  /** CPU time spent in the window per role, in µs; NaN for a role no process had. */
  micros: Record<ProcessRole, number>;
  /** All roles together, in µs. */
  totalMicros: number;
  /** Processes read before but gone after: their CPU in the window is missing from the sums. */
  vanished: number;
}

/**
 * The CPU spent between two readings. A process first read after the window began (a
 * PostgreSQL backend the pool opened meanwhile) started inside it, so all its CPU counts.
 */
export function cpuDeltaByRole(before: readonly CpuReading[], after: readonly CpuReading[]): CpuByRole {
  const startByPid = new Map(before.map((reading) => [reading.pid, reading.cpuMicros]));
  const micros: Record<ProcessRole, number> = { server: Number.NaN, redis: Number.NaN, postgres: Number.NaN };
  for (const { role } of [...before, ...after]) micros[role] = 0;
  for (const reading of after) {
    micros[reading.role] += reading.cpuMicros - (startByPid.get(reading.pid) ?? 0);
  }
  const afterPids = new Set(after.map((reading) => reading.pid));
  return {
    micros,
    totalMicros: Object.values(micros).reduce((sum, value) => (Number.isFinite(value) ? sum + value : sum), 0),
    vanished: before.filter((reading) => !afterPids.has(reading.pid)).length,
  };
}
