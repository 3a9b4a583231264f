import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAbilityContracts } from '../ability.contract';
import { describeAccessContract } from '../contract/access.contract';
import { describeMessageChangeContracts } from '../message-change.contract';
import { describeStorageContract } from '../storage.contract';
import { createSqliteStorage } from './sqlite-storage';

async function makeStorage() {
  const dir = await mkdtemp(join(tmpdir(), 'tim-sqlite-'));
  // A missing subdirectory proves that the store creates the file's directory.
  const storage = createSqliteStorage({ file: join(dir, 'data', 'tim.db') });
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describeStorageContract('sqlite', makeStorage);
describeMessageChangeContracts('sqlite', makeStorage);
describeAbilityContracts('sqlite', makeStorage);
describeAccessContract('sqlite', makeStorage);
