import { createDeliveryChecker } from './delivery-checker';

describe('createDeliveryChecker', () => {
  it('accepts consecutive ids after the subscribe head and counts nothing lost', () => {
    const checker = createDeliveryChecker(3);
    for (const id of [4, 5, 6]) expect(checker.accept(id)).toBe(true);
    expect(checker.counts).toEqual({ received: 3, duplicates: 0, gaps: 0, late: 0 });
    expect(checker.lostUpTo(6)).toBe(0);
    expect(checker.hasAllUpTo(6)).toBe(true);
  });

  it('counts repeats as duplicates, and skips as gaps with the missing ids lost', () => {
    const checker = createDeliveryChecker(0);
    checker.accept(1);
    expect(checker.accept(1)).toBe(false);
    checker.accept(4);
    expect(checker.accept(4)).toBe(false);
    expect(checker.counts).toEqual({ received: 2, duplicates: 2, gaps: 1, late: 0 });
    expect(checker.lostUpTo(5)).toBe(3);
    expect(checker.hasAllUpTo(4)).toBe(false);
  });

  it('receives a skipped id that arrives late, out of order but not lost, and only once', () => {
    const checker = createDeliveryChecker(0);
    for (const id of [1, 3, 2]) expect(checker.accept(id)).toBe(true);
    expect(checker.accept(2)).toBe(false);
    expect(checker.counts).toEqual({ received: 3, duplicates: 1, gaps: 1, late: 1 });
    expect(checker.lostUpTo(3)).toBe(0);
    expect(checker.hasAllUpTo(3)).toBe(true);
  });
});
