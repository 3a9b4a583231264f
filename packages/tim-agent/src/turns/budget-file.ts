import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';

/** What one agent has spent, as written to its state file. */
export const BudgetState = z.object({
  version: z.literal(1),
  /** Start times of recent LLM turns, in ms since the epoch. */
  turnStartsMs: z.array(z.number().int().nonnegative()).max(10_000),
  /** Tokens used on one UTC day (`YYYY-MM-DD`). */
  tokens: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), tokens: z.number().nonnegative() }),
});
export type BudgetState = z.infer<typeof BudgetState>;

/** Where an agent's budgets outlive its process. */
export interface BudgetFile {
  /** The saved state; undefined when there is none yet, or it cannot be read (logged). */
  load(): Promise<BudgetState | undefined>;
  /** Writes `state` soon, replacing the file atomically; a newer save supersedes one not yet written. */
  save(state: BudgetState): void;
  /** Resolves once every save so far is written (or its failure logged). */
  flush(): Promise<void>;
}

/**
 * A JSON file per persona. Each write goes to a temporary file that is then renamed over the
 * old one, so a crash leaves the previous state or the new one, never half of either.
 */
export function createBudgetFile(file: string, log: Logger): BudgetFile {
  let next: BudgetState | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function write(state: BudgetState): Promise<void> {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(temporary, `${JSON.stringify(state)}\n`);
      await rename(temporary, file);
    } catch (err) {
      log.warn('budget state not saved; a restart may forget what was spent', { file, ...describeError(err) });
    }
  }

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        log.warn('budget state not read; starting from nothing spent', { file, ...describeError(err) });
        return undefined;
      }
      try {
        return BudgetState.parse(JSON.parse(text));
      } catch {
        log.warn('budget state file is not valid; starting from nothing spent', { file });
        return undefined;
      }
    },
    save(state) {
      const isQueued = next !== undefined;
      next = state;
      if (isQueued) return;
      writing = writing.then(() => {
        const latest = next;
        next = undefined;
        return latest === undefined ? undefined : write(latest);
      });
    },
    flush: () => writing,
  };
}
