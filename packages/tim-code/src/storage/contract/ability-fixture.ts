import type { JsonValue, Timite } from '@tim/protocol';
import type {
  AbilityCallResult,
  AbilityCallUpdate,
  AbilityOutcomeResult,
  AbilityOutcomeUpdate,
  AbilityStorage,
  MessageChangeStorage,
  NewAbilityCall,
  Storage,
} from '../storage';
import { msAfterT0, T0, useStorage } from './fixture';
import type { MakeStorage, StorageFixture } from './fixture';

/** A store that keeps calls and outcomes (issue 16), and changes to messages (issue 17) to merge them with. */
export type AbilityStore = Storage & MessageChangeStorage & AbilityStorage;
export type MakeAbilityStorage = MakeStorage<AbilityStore>;

/** The timeout calls get unless a test says otherwise. */
export const CALL_TIMEOUT_MS = 60_000;

export type CallInput = { caller: Timite; target: Timite } & Partial<Omit<NewAbilityCall, 'callerId' | 'targetId'>>;

export type AnswerInput = {
  answerer: Timite;
  callId: number;
  spaceId?: string;
  createdAt?: Date;
} & ({ status?: 'ok'; result?: JsonValue } | { status: 'error'; error: string });

/** The storage fixture with shorthands for calls and outcomes, defaults that tests override where they matter. */
export interface AbilityFixture extends StorageFixture<AbilityStore> {
  call(input: CallInput): Promise<AbilityCallResult>;
  /** Like `call`, but fails the test unless the outcome is 'created'. */
  callCreated(input: CallInput): Promise<AbilityCallUpdate>;
  answer(input: AnswerInput): Promise<AbilityOutcomeResult>;
  /** Like `answer`, but fails the test unless the outcome is 'created'. */
  answerCreated(input: AnswerInput): Promise<AbilityOutcomeUpdate>;
}

export function useAbilityStorage(makeStorage: MakeAbilityStorage): AbilityFixture {
  const fixture = useStorage(makeStorage);

  const call: AbilityFixture['call'] = ({ caller, target, ...rest }) =>
    fixture.storage().appendAbilityCall({
      spaceId: 'main',
      ability: 'search',
      arguments: {},
      createdAt: T0,
      deadline: msAfterT0(CALL_TIMEOUT_MS),
      maxAgentStreak: 10,
      ...rest,
      callerId: caller.id,
      targetId: target.id,
    });

  const answer: AbilityFixture['answer'] = (input) => {
    const base = {
      spaceId: input.spaceId ?? 'main',
      callId: input.callId,
      answererId: input.answerer.id,
      createdAt: input.createdAt ?? msAfterT0(1000),
    };
    return fixture
      .storage()
      .appendAbilityOutcome(
        input.status === 'error'
          ? { ...base, status: 'error', error: input.error }
          : { ...base, status: 'ok', result: 'result' in input && input.result !== undefined ? input.result : 'done' },
      );
  };

  return {
    ...fixture,
    call,
    async callCreated(input) {
      const result = await call(input);
      if (result.outcome !== 'created') throw new Error(`Expected 'created', got ${JSON.stringify(result)}`);
      return result.update;
    },
    answer,
    async answerCreated(input) {
      const result = await answer(input);
      if (result.outcome !== 'created') throw new Error(`Expected 'created', got ${JSON.stringify(result)}`);
      return result.update;
    },
  };
}
