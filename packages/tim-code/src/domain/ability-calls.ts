import {
  ABILITY_ARGUMENTS_MAX_BYTES,
  ABILITY_RESULT_MAX_BYTES,
  type AbilityOutcomeRequest,
  type AbilityOutcomeResponse,
  type CallAbilityResponse,
  type JsonValue,
  type SpaceId,
  type Timite,
  type TimiteAbilities,
} from '@tim/protocol';
import type { Bus } from '../bus/bus';
import type { AbilityStorage, Storage } from '../storage/storage';
import type { AbilitySchemas } from './ability-schemas';
import { TimError } from './tim-error';

export interface AbilityCallDeps {
  storage: AbilityStorage & Pick<Storage, 'getSpace'>;
  bus: Bus;
  now: () => Date;
  schemas: AbilitySchemas;
  /** The timite and its abilities declared in the space now (the registry); undefined when none. */
  findAbilities: (spaceId: SpaceId, timiteId: number) => Promise<TimiteAbilities | undefined>;
  /** Consecutive agent turns (messages, calls, outcomes) a space accepts before agents are refused. */
  maxAgentStreak: number;
  /** A call's timeout when it asks for none (TIM_ABILITY_TIMEOUT_MS). */
  defaultTimeoutMs: number;
  /** The longest timeout a call may ask for (TIM_ABILITY_TIMEOUT_MAX_MS). */
  maxTimeoutMs: number;
  /** A call was stored: its timeout is due at `deadline`. */
  onCallStored: (deadline: Date) => void;
  /** Told about a publish that failed; the call or outcome is stored already. */
  onPublishError: (err: unknown, spaceId: SpaceId) => void;
}

export interface CallAbilityInput {
  spaceId: SpaceId;
  caller: Timite;
  target: number;
  ability: string;
  arguments: Record<string, JsonValue>;
  timeoutMs?: number;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Calls a timite's ability in the open: checks that the target declared it in the space now
 * and that the arguments fit its parameters schema, stores the call as the space's next update
 * (in one transaction with the agent streak check) and hands it to the bus like a message.
 */
export async function callAbility(deps: AbilityCallDeps, input: CallAbilityInput): Promise<CallAbilityResponse> {
  const { spaceId } = input;
  if ((await deps.storage.getSpace(spaceId)) === undefined) {
    throw new TimError('not_found', `There is no space "${spaceId}".`);
  }
  const declared = await deps.findAbilities(spaceId, input.target);
  if (declared === undefined) {
    throw new TimError('not_found', `Timite ${input.target} has no abilities in "${spaceId}" now.`);
  }
  const ability = declared.abilities.find((each) => each.name === input.ability);
  if (ability === undefined) {
    throw new TimError('not_found', `${declared.timite.nick} has no ability '${input.ability}' in this space.`, {
      details: { abilities: declared.abilities.map((each) => each.name) },
    });
  }
  if (jsonBytes(input.arguments) > ABILITY_ARGUMENTS_MAX_BYTES) {
    throw new TimError('payload_too_large', `Arguments are at most ${ABILITY_ARGUMENTS_MAX_BYTES} bytes of JSON.`);
  }
  const issues = deps.schemas.argumentIssues(ability.parameters, input.arguments);
  const [first] = issues;
  if (first !== undefined) {
    const where = first.path === '' ? 'arguments' : `arguments${first.path}`;
    throw new TimError(
      'invalid_request',
      `The arguments do not fit ${ability.name}'s parameters: ${where} ${first.message}.`,
      {
        details: issues,
      },
    );
  }
  const createdAt = deps.now();
  const timeoutMs = Math.min(input.timeoutMs ?? deps.defaultTimeoutMs, deps.maxTimeoutMs);
  const deadline = new Date(createdAt.getTime() + timeoutMs);
  const result = await deps.storage.appendAbilityCall({
    spaceId,
    callerId: input.caller.id,
    targetId: declared.timite.id,
    ability: ability.name,
    arguments: input.arguments,
    createdAt,
    deadline,
    maxAgentStreak: deps.maxAgentStreak,
  });
  switch (result.outcome) {
    case 'created': {
      const { update } = result;
      deps.onCallStored(deadline);
      deps.bus.publish(spaceId, { kind: 'update', update }).catch((err: unknown) => deps.onPublishError(err, spaceId));
      return { call: update.event, updateId: update.id };
    }
    case 'agent_turn_limit':
      throw new TimError(
        'agent_turn_limit',
        'Agents have talked among themselves long enough; a human has to post first.',
      );
    case 'space_not_found':
      throw new TimError('not_found', `There is no space "${spaceId}".`);
  }
}

export interface AnswerCallInput {
  spaceId: SpaceId;
  callId: number;
  answerer: Timite;
  answer: AbilityOutcomeRequest;
}

/** The target answers its call, once; the outcome is the space's next update. */
export async function answerCall(deps: AbilityCallDeps, input: AnswerCallInput): Promise<AbilityOutcomeResponse> {
  const { spaceId, callId, answer } = input;
  const answered = 'result' in answer ? answer.result : answer.error;
  if (jsonBytes(answered) > ABILITY_RESULT_MAX_BYTES) {
    throw new TimError('payload_too_large', `A result or error is at most ${ABILITY_RESULT_MAX_BYTES} bytes of JSON.`);
  }
  const base = { spaceId, callId, answererId: input.answerer.id, createdAt: deps.now() };
  const result = await deps.storage.appendAbilityOutcome(
    'result' in answer
      ? { ...base, status: 'ok', result: answer.result }
      : { ...base, status: 'error', error: answer.error },
  );
  switch (result.outcome) {
    case 'created': {
      const { update } = result;
      deps.bus.publish(spaceId, { kind: 'update', update }).catch((err: unknown) => deps.onPublishError(err, spaceId));
      return { outcome: update.event, updateId: update.id };
    }
    case 'not_found':
      throw new TimError('not_found', `"${spaceId}" has no call ${callId}.`);
    case 'forbidden':
      throw new TimError('forbidden', 'Only the timite whose ability was called may answer the call.');
    case 'already_answered':
      throw new TimError('conflict', `Call ${callId} has its outcome already (${result.update.event.status}).`, {
        details: { outcome: result.update.event, updateId: result.update.id },
      });
  }
}
