import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../logger';
import { createBudgetFile, type BudgetState } from './budget-file';

function state(tokens: number): BudgetState {
  return { version: 1, turnStartsMs: [1_000, 2_000], tokens: { day: '2026-11-25', tokens } };
}

describe('createBudgetFile', () => {
  let dir: string;
  const log = createLogger({ level: 'error' });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-agent-budget-file-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads back the last state saved, creating its directory, and leaves no temporary file', async () => {
    const file = join(dir, 'state', 'jarvis.json');
    const budgetFile = createBudgetFile(file, log);
    expect(await budgetFile.load()).toBeUndefined();
    for (const tokens of [1, 2, 3, 4]) budgetFile.save(state(tokens));
    await budgetFile.flush();
    expect(await createBudgetFile(file, log).load()).toEqual(state(4));
    expect(await readdir(join(dir, 'state'))).toEqual(['jarvis.json']);
  });

  it('starts from nothing when the file is not a budget state', async () => {
    const file = join(dir, 'jarvis.json');
    await writeFile(file, '{"version": 1, "tokens": "lots"}');
    expect(await createBudgetFile(file, log).load()).toBeUndefined();
    await writeFile(file, 'not json');
    expect(await createBudgetFile(file, log).load()).toBeUndefined();
  });
});
