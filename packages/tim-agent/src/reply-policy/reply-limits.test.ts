import { addTokens, pruneTurnStarts, repliesInLastMinute, tokensUsedOn, utcDay } from './reply-limits';

const NOON = Date.parse('2026-11-25T12:00:00Z');

describe('repliesInLastMinute', () => {
  it('counts turn starts less than 60 s old', () => {
    expect(repliesInLastMinute([NOON - 60_001, NOON - 60_000, NOON - 59_999, NOON], NOON)).toBe(2);
    expect(pruneTurnStarts([NOON - 60_000, NOON - 10], NOON)).toEqual([NOON - 10]);
  });
});

describe('token budget', () => {
  it('adds reported tokens on the same UTC day', () => {
    const budget = addTokens(addTokens({ day: utcDay(NOON), tokens: 0 }, 120, NOON), 30, NOON + 1000);
    expect(budget).toEqual({ day: '2026-11-25', tokens: 150 });
    expect(tokensUsedOn(budget, NOON)).toBe(150);
  });

  it('starts from 0 on the next UTC day', () => {
    const nextDay = Date.parse('2026-11-26T00:00:00Z');
    const budget = { day: '2026-11-25', tokens: 5000 };
    expect(tokensUsedOn(budget, nextDay)).toBe(0);
    expect(addTokens(budget, 10, nextDay)).toEqual({ day: '2026-11-26', tokens: 10 });
  });

  it('never subtracts', () => {
    expect(addTokens({ day: '2026-11-25', tokens: 5 }, -3, NOON)).toEqual({ day: '2026-11-25', tokens: 5 });
  });
});
