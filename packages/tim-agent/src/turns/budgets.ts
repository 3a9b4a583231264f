import { addTokens, pruneTurnStarts, tokensUsedOn, utcDay, type TokenBudget } from '../reply-policy/reply-limits';
import type { BudgetState } from './budget-file';

/** What one agent has spent: LLM turns in the last minute and tokens today (UTC). */
export interface Budgets {
  /** Start times of the turns that still count against `repliesPerMinute`, in ms since the epoch. */
  turnStartsMs(): readonly number[];
  /** LLM tokens used today (UTC), as the API reported them. */
  tokensUsedToday(): number;
  recordTurnStart(): void;
  recordTokens(tokens: number): void;
}

export interface BudgetsOptions {
  now: () => number;
  /** What an earlier run spent. */
  saved?: BudgetState;
  /** Called with the new state after every change. */
  onChange?: (state: BudgetState) => void;
}

export function createBudgets({ now, saved, onChange }: BudgetsOptions): Budgets {
  let turnStartsMs: number[] = pruneTurnStarts(saved?.turnStartsMs ?? [], now());
  let tokens: TokenBudget = saved?.tokens ?? { day: utcDay(now()), tokens: 0 };
  const changed = (): void => onChange?.({ version: 1, turnStartsMs, tokens });
  return {
    turnStartsMs: () => pruneTurnStarts(turnStartsMs, now()),
    tokensUsedToday: () => tokensUsedOn(tokens, now()),
    recordTurnStart() {
      turnStartsMs = [...pruneTurnStarts(turnStartsMs, now()), now()];
      changed();
    },
    recordTokens(count) {
      tokens = addTokens(tokens, count, now());
      changed();
    },
  };
}
