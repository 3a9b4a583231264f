import { describeChangeTimelineContract } from './contract/change-timeline.contract';
import { describeDeletesContract } from './contract/deletes.contract';
import { describeEditsContract } from './contract/edits.contract';
import type { MakeFullStorage } from './contract/fixture';
import { describeReactionsContract } from './contract/reactions.contract';
import { describeReadMarkersContract } from './contract/read-markers.contract';
import { describeRepliesContract } from './contract/replies.contract';
import { describeSearchContract } from './contract/search.contract';

export type { FullStorage, MakeFullStorage } from './contract/fixture';

/**
 * The behaviour every MessageChangeStorage implementation must show (issue 17): replies,
 * edits, deletes, reactions, read markers and unread counts, search, and the changes as
 * timeline updates. Called next to `describeStorageContract` by each backend's test file,
 * with the same kind of `makeStorage`.
 */
export function describeMessageChangeContracts(name: string, makeStorage: MakeFullStorage): void {
  describe(`MessageChangeStorage contract: ${name}`, () => {
    describeRepliesContract(makeStorage);
    describeEditsContract(makeStorage);
    describeDeletesContract(makeStorage);
    describeReactionsContract(makeStorage);
    describeChangeTimelineContract(makeStorage);
    describeReadMarkersContract(makeStorage);
    describeSearchContract(makeStorage);
  });
}
