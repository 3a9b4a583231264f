import { describeAccessContract } from '../contract/access.contract';
import { describeAbilityContracts } from '../ability.contract';
import { describeMessageChangeContracts } from '../message-change.contract';
import { describeStorageContract } from '../storage.contract';
import { createMemoryStorage } from './memory-storage';

async function makeMemoryStorage() {
  const storage = createMemoryStorage();
  return { storage, cleanup: () => storage.close() };
}

describeStorageContract('memory', makeMemoryStorage);
describeMessageChangeContracts('memory', makeMemoryStorage);
describeAbilityContracts('memory', makeMemoryStorage);
describeAccessContract('memory', makeMemoryStorage);
