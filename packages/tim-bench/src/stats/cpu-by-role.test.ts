import { cpuDeltaByRole } from './cpu-by-role';

describe('cpuDeltaByRole', () => {
  it('sums each role over the window and all roles together', () => {
    const delta = cpuDeltaByRole(
      [
        { pid: 1, role: 'server', cpuMicros: 1000 },
        { pid: 2, role: 'server', cpuMicros: 2000 },
        { pid: 3, role: 'redis', cpuMicros: 500 },
        { pid: 4, role: 'postgres', cpuMicros: 300 },
      ],
      [
        { pid: 1, role: 'server', cpuMicros: 4000 },
        { pid: 2, role: 'server', cpuMicros: 3000 },
        { pid: 3, role: 'redis', cpuMicros: 700 },
        { pid: 4, role: 'postgres', cpuMicros: 400 },
      ],
    );
    expect(delta).toEqual({ micros: { server: 4000, redis: 200, postgres: 100 }, totalMicros: 4300, vanished: 0 });
  });

  it('counts all the CPU of a process that appeared in the window, and reports one that vanished', () => {
    const delta = cpuDeltaByRole(
      [
        { pid: 1, role: 'server', cpuMicros: 1000 },
        { pid: 4, role: 'postgres', cpuMicros: 300 },
      ],
      [
        { pid: 1, role: 'server', cpuMicros: 1500 },
        { pid: 5, role: 'postgres', cpuMicros: 80 },
      ],
    );
    expect(delta).toEqual({ micros: { server: 500, redis: Number.NaN, postgres: 80 }, totalMicros: 580, vanished: 1 });
  });

  it('leaves a role that no process had at NaN, out of the total', () => {
    const delta = cpuDeltaByRole(
      [{ pid: 1, role: 'server', cpuMicros: 0 }],
      [{ pid: 1, role: 'server', cpuMicros: 2500 }],
    );
    expect(delta).toEqual({
      micros: { server: 2500, redis: Number.NaN, postgres: Number.NaN },
      totalMicros: 2500,
      vanished: 0,
    });
  });
});
