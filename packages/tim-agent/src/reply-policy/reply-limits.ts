const MINUTE_MS = 60_000;

/** Turns started in the minute before `nowMs`. */
export function repliesInLastMinute(turnStartsMs: readonly number[], nowMs: number): number {
  return turnStartsMs.filter((startMs) => nowMs - startMs < MINUTE_MS).length;
}

/** Keeps only the turn starts that still count against the per-minute limit. */
export function pruneTurnStarts(turnStartsMs: readonly number[], nowMs: number): number[] {
  return turnStartsMs.filter((startMs) => nowMs - startMs < MINUTE_MS);
}

/** Tokens used on one UTC day. */
export interface TokenBudget {
  /** `YYYY-MM-DD` in UTC. */
  day: string;
  tokens: number;
}

export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** Tokens used today; a budget recorded on an earlier day counts as 0. */
export function tokensUsedOn(budget: TokenBudget, nowMs: number): number {
  return budget.day === utcDay(nowMs) ? budget.tokens : 0;
}

export function addTokens(budget: TokenBudget, tokens: number, nowMs: number): TokenBudget {
  return { day: utcDay(nowMs), tokens: tokensUsedOn(budget, nowMs) + Math.max(0, tokens) };
}
