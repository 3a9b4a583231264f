import { readFile } from 'node:fs/promises';
import type { CpuReading, ProcessRole } from './stats/cpu-by-role';

/**
 * CPU time and memory of another process, read from /proc so that every target, including
 * the unmodified tim-code build, redis-server and PostgreSQL's backends, is measured the same
 * way (Linux only).
 */

/** Clock ticks per second of /proc/<pid>/stat on Linux (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time of the process, in µs (10 ms resolution). */
export async function readProcessCpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: fields are counted after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return ((userTicks + systemTicks) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * The CPU time of each process; one that exited between being listed and being read (a
 * PostgreSQL backend closed by its pool) is left out, as if it had not been listed.
 */
export async function readCpuReadings(
  processes: ReadonlyArray<{ pid: number; role: ProcessRole }>,
): Promise<CpuReading[]> {
  const readings = await Promise.all(
    processes.map(async ({ pid, role }) => {
      try {
        return { pid, role, cpuMicros: await readProcessCpuMicros(pid) };
      } catch (err) {
        if (isMissingFile(err)) return undefined;
        throw err;
      }
    }),
  );
  return readings.filter((reading) => reading !== undefined);
}

function isMissingFile(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

export interface ProcessMemory {
  rssBytes: number;
  /** Peak RSS over the process's life (VmHWM). */
  peakRssBytes: number;
}

export async function readProcessMemory(pid: number): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? Number.NaN : Number(match[1]) * 1024;
  };
  return { rssBytes: kilobytes('VmRSS'), peakRssBytes: kilobytes('VmHWM') };
}

/** The memory of several processes added up (each one's peak, summed). */
export async function readTotalMemory(pids: readonly number[]): Promise<ProcessMemory> {
  const memories = await Promise.all(pids.map(readProcessMemory));
  return {
    rssBytes: memories.reduce((sum, memory) => sum + memory.rssBytes, 0),
    peakRssBytes: memories.reduce((sum, memory) => sum + memory.peakRssBytes, 0),
  };
}
