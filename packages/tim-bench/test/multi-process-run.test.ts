import { Pool } from 'pg';
import { createChildRegistry } from '../src/child-registry';
import { runScenario } from '../src/run-scenario';
import type { Scenario } from '../src/scenarios';
import { createTarget } from '../src/targets/create-target';

// Runs the compiled servers and workers from dist/: `pnpm build` first. Needs the machine's
// PostgreSQL (127.0.0.1:5432, database `test`) and redis-server on PATH, as tim-code's tests do.
describe('runScenario against the multi-process targets', () => {
  const registry = createChildRegistry();
  afterAll(() => registry.killAll());

  const scenario: Scenario = {
    id: 'test-multi-process',
    label: '1 space × 8 subscribers over 2 processes, 100 msg/s for 0.5 s',
    spaces: 1,
    subscribersPerSpace: 8,
    contentBytes: 100,
    load: { kind: 'rate', messagesPerSecond: 100, durationMs: 500 },
    connectConcurrency: 8,
  };

  it('spreads tim over two processes on PostgreSQL and Redis, delivers everything once and in order, counts their CPU and drops its database', async () => {
    const databasesBefore = await listBenchDatabases();
    const result = await runScenario({ scenario, target: createTarget('tim-multi-process'), registry });

    expect({
      serverProcesses: result.serverProcesses,
      connected: result.connected,
      published: result.published,
    }).toEqual({
      serverProcesses: 2,
      connected: 8,
      published: 50,
    });
    expect(result.deliveries).toBe(8 * 50);
    expect({ lost: result.lost, duplicates: result.duplicates, gaps: result.gaps }).toEqual({
      lost: 0,
      duplicates: 0,
      gaps: 0,
    });
    expect(result.redisCpuUsPerDelivery).toBeGreaterThanOrEqual(0);
    expect(result.postgresCpuUsPerDelivery).toBeGreaterThanOrEqual(0);
    expect(await listBenchDatabases()).toEqual(databasesBefore);
  }, 30_000);

  it('joins two Socket.IO servers with the Redis adapter and numbers their updates as one sequence', async () => {
    const result = await runScenario({ scenario, target: createTarget('socketio-multi-process'), registry });

    // The adapter relays through Redis what the other process sends at once: an update posted
    // to one process can reach the other's subscribers after the next one, late but not lost.
    expect(result.deliveries).toBe(8 * 50);
    expect({ lost: result.lost, duplicates: result.duplicates }).toEqual({ lost: 0, duplicates: 0 });
    expect(result.redisCpuUsPerDelivery).toBeGreaterThanOrEqual(0);
    expect(result.postgresCpuUsPerDelivery).toBeNaN();
  }, 30_000);
});

/** The bench databases on the server: other runs may hold some, this test must add none. */
async function listBenchDatabases(): Promise<string[]> {
  const admin = new Pool({
    connectionString: process.env.TIM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    max: 1,
  });
  try {
    const result = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'tim_bench_%' ORDER BY datname",
    );
    return result.rows.map((row) => row.datname);
  } finally {
    await admin.end();
  }
}
