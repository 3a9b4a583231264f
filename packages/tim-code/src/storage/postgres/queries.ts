import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { z } from 'zod';

/** Queries whose rows are parsed like anything else that crosses a process boundary. */
export interface Queries {
  pool: Pool;
  /** Every row of the result, parsed with `schemaOfRow`; on `client` when given (inside a transaction). */
  rows<S extends z.ZodType>(
    schemaOfRow: S,
    text: string,
    values: unknown[],
    client?: PoolClient,
  ): Promise<Array<z.infer<S>>>;
  /** The first row, or undefined when there is none. */
  first<S extends z.ZodType>(
    schemaOfRow: S,
    text: string,
    values: unknown[],
    client?: PoolClient,
  ): Promise<z.infer<S> | undefined>;
  /** Runs `work` in one transaction on one pooled connection; rolls back when it throws. */
  inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

export function createQueries(pool: Pool): Queries {
  async function rows<S extends z.ZodType>(
    schemaOfRow: S,
    text: string,
    values: unknown[],
    client?: PoolClient,
  ): Promise<Array<z.infer<S>>> {
    const result = await (client ?? pool).query<QueryResultRow>(text, values);
    return result.rows.map((row) => schemaOfRow.parse(row) as z.infer<S>);
  }

  return {
    pool,
    rows,
    async first(schemaOfRow, text, values, client) {
      return (await rows(schemaOfRow, text, values, client))[0];
    },
    async inTransaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
