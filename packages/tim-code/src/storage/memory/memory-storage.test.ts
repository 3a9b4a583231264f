import { describeStorageContract } from '../storage.contract';
import { createMemoryStorage } from './memory-storage';

describeStorageContract('memory', async () => {
  const storage = createMemoryStorage();
  return { storage, cleanup: () => storage.close() };
});
