import { describeAgentStreakContract } from './contract/agent-streak.contract';
import { describeAppendContract } from './contract/append.contract';
import type { MakeStorage } from './contract/fixture';
import { describeReadUpdatesContract } from './contract/read-updates.contract';
import { describeRevocationsContract } from './contract/revocations.contract';
import { describeSessionsContract } from './contract/sessions.contract';
import { describeSpacesContract } from './contract/spaces.contract';
import { describeTimitesContract } from './contract/timites.contract';

export type { MakeStorage } from './contract/fixture';

/**
 * The behaviour every Storage implementation must show. Each test gets a fresh store from
 * `makeStorage` and runs its `cleanup` afterwards, which must tolerate a store that the test
 * closed already.
 */
export function describeStorageContract(name: string, makeStorage: MakeStorage): void {
  describe(`Storage contract: ${name}`, () => {
    describeTimitesContract(makeStorage);
    describeSessionsContract(makeStorage);
    describeRevocationsContract(makeStorage);
    describeSpacesContract(makeStorage);
    describeAppendContract(makeStorage);
    describeAgentStreakContract(makeStorage);
    describeReadUpdatesContract(makeStorage);
  });
}
