import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

/**
 * A PostgreSQL database of the run's own, created on the machine's PostgreSQL server and
 * dropped by `drop`. A harness killed before dropping it leaves a `tim_bench_…` database
 * behind, which `DROP DATABASE` removes by hand.
 */
export interface BenchDatabase {
  /** Its URL, for the servers. */
  readonly url: string;
  /**
   * The PostgreSQL backend processes connected to it now: the ones serving the servers (this
   * module's own connection is to the admin database, so it is not among them).
   */
  listBackendPids(): Promise<number[]>;
  /** Drops the database, disconnecting whatever is still connected. */
  drop(): Promise<void>;
}

/**
 * The server and database to create it from: TIM_BENCH_DATABASE_URL, or the machine's own
 * PostgreSQL as CI runs it (trust authentication, a database `test`). The server must run on
 * this machine, where its backends' CPU can be read from /proc.
 */
function adminUrl(): string {
  const override = process.env.TIM_BENCH_DATABASE_URL;
  return override !== undefined && override !== '' ? override : 'postgres://postgres@127.0.0.1:5432/test';
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `tim_bench_${randomBytes(6).toString('hex')}`;
  const admin = new Pool({ connectionString: adminUrl(), max: 1 });
  admin.on('error', (err) => process.stderr.write(`bench: PostgreSQL admin connection: ${err.message}\n`));
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    await admin.end();
    throw new Error(
      `could not create a database on ${new URL(adminUrl()).host}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  let isDropped = false;

  return {
    url: url.toString(),
    async listBackendPids() {
      const result = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
        [name],
      );
      return result.rows.map((row) => row.pid);
    },
    async drop() {
      if (isDropped) return;
      isDropped = true;
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
