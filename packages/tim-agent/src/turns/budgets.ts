import { addTokens, pruneTurnStarts, tokensUsedOn, utcDay, type TokenBudget } from '../reply-policy/reply-limits';

/** What one agent has spent: LLM turns in the last minute and tokens today (UTC). */
export interface Budgets {
  /** Start times of the turns that still count against `repliesPerMinute`, in ms since the epoch. */
  turnStartsMs(): readonly number[];
  /** LLM tokens used today (UTC), as the API reported them. */
  tokensUsedToday(): number;
  recordTurnStart(): void;
  recordTokens(tokens: number): void;
}

export function createBudgets(now: () => number): Budgets {
  let turnStartsMs: number[] = [];
  let tokens: TokenBudget = { day: utcDay(now()), tokens: 0 };
  return {
    turnStartsMs: () => pruneTurnStarts(turnStartsMs, now()),
    tokensUsedToday: () => tokensUsedOn(tokens, now()),
    recordTurnStart() {
      turnStartsMs = [...pruneTurnStarts(turnStartsMs, now()), now()];
    },
    recordTokens(count) {
      tokens = addTokens(tokens, count, now());
    },
  };
}
