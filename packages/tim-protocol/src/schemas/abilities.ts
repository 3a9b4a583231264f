import { z } from 'zod';
import {
  ABILITIES_PER_DECLARATION_MAX,
  ABILITY_TIMEOUT_MAX_MS,
  Ability,
  AbilityCallEvent,
  AbilityName,
  AbilityOutcomeEvent,
  JsonValue,
  SpaceId,
  TimiteAbilities,
  TimiteId,
  UpdateId,
} from './entities';

/*
 * Extension of v1: abilities. A connected timite declares what it can do in a space; anyone in
 * the space calls it in the open (the call and its outcome are timeline updates everyone sees);
 * the target answers once, or the server records a timeout. See docs/protocol.md.
 */

// WebSocket frames

/**
 * Declares (replaces) this connection's abilities in a space; an empty list withdraws them.
 * They last while the connection does. Answered by `abilities_declared`.
 */
export const DeclareAbilitiesFrame = z.strictObject({
  type: z.literal('abilities_declare'),
  spaceId: SpaceId,
  abilities: z.array(Ability).max(ABILITIES_PER_DECLARATION_MAX),
});
export type DeclareAbilitiesFrame = z.infer<typeof DeclareAbilitiesFrame>;

export const AbilitiesDeclaredFrame = z.object({
  type: z.literal('abilities_declared'),
  spaceId: SpaceId,
});
export type AbilitiesDeclaredFrame = z.infer<typeof AbilitiesDeclaredFrame>;

// HTTP

/** `GET /spaces/:spaceId/abilities` */
export const AbilitiesResponse = z.object({ timites: z.array(TimiteAbilities) });
export type AbilitiesResponse = z.infer<typeof AbilitiesResponse>;

/** `POST /spaces/:spaceId/calls` */
export const CallAbilityRequest = z.strictObject({
  /** The timite whose ability it is, by id. */
  target: TimiteId,
  ability: AbilityName,
  arguments: z.record(z.string(), JsonValue).default({}),
  /** At most ABILITY_TIMEOUT_MAX_MS (the server's TIM_ABILITY_TIMEOUT_MAX_MS). @default 60000 */
  timeoutMs: z.number().int().min(1000).max(ABILITY_TIMEOUT_MAX_MS).optional(),
});
export type CallAbilityRequest = z.input<typeof CallAbilityRequest>;

export const CallAbilityResponse = z.object({ call: AbilityCallEvent, updateId: UpdateId });
export type CallAbilityResponse = z.infer<typeof CallAbilityResponse>;

/** The path of `POST /spaces/:spaceId/calls/:callId/outcome`. */
export const CallPathParams = z.strictObject({
  spaceId: SpaceId,
  callId: z.coerce.number().pipe(UpdateId),
});
export type CallPathParams = z.infer<typeof CallPathParams>;

/** `POST /spaces/:spaceId/calls/:callId/outcome`: exactly one of `result` and `error`. */
export const AbilityOutcomeRequest = z.union([
  z.strictObject({ result: JsonValue }),
  z.strictObject({ error: z.string().min(1).max(4000) }),
]);
export type AbilityOutcomeRequest = z.infer<typeof AbilityOutcomeRequest>;

export const AbilityOutcomeResponse = z.object({ outcome: AbilityOutcomeEvent, updateId: UpdateId });
export type AbilityOutcomeResponse = z.infer<typeof AbilityOutcomeResponse>;
