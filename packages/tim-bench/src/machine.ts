import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  /** 1-minute load average when the run started: how busy the shared machine was. */
  loadAverage1m: number;
}

export function describeMachine(): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpus: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    node: process.version,
    loadAverage1m: loadavg()[0] ?? Number.NaN,
  };
}
