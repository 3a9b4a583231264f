import { describeAbilitiesContract } from './contract/abilities.contract';
import type { MakeAbilityStorage } from './contract/ability-fixture';
import { describeAbilityStreakContract } from './contract/ability-streak.contract';
import { describeAbilityTimelineContract } from './contract/ability-timeline.contract';
import { describeAbilityTimeoutsContract } from './contract/ability-timeouts.contract';

export type { AbilityStore, MakeAbilityStorage } from './contract/ability-fixture';

/**
 * The behaviour every AbilityStorage implementation must show (issue 16): calls and their
 * one outcome, timeouts, the agent loop guard, and both as timeline updates. Called next to
 * `describeStorageContract` by each backend's test file, with the same kind of `makeStorage`.
 */
export function describeAbilityContracts(name: string, makeStorage: MakeAbilityStorage): void {
  describe(`AbilityStorage contract: ${name}`, () => {
    describeAbilitiesContract(makeStorage);
    describeAbilityTimeoutsContract(makeStorage);
    describeAbilityStreakContract(makeStorage);
    describeAbilityTimelineContract(makeStorage);
  });
}
