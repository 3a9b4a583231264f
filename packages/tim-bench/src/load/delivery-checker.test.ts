import { createDeliveryChecker } from './delivery-checker';

describe('createDeliveryChecker', () => {
  it('accepts consecutive ids after the subscribe head and counts nothing lost', () => {
    const checker = createDeliveryChecker(3);
    for (const id of [4, 5, 6]) expect(checker.accept(id)).toBe(true);
    expect(checker.counts).toEqual({ received: 3, duplicates: 0, gaps: 0 });
    expect(checker.lostUpTo(6)).toBe(0);
  });

  it('counts repeats and steps back as duplicates, and skips as gaps with the missing ids lost', () => {
    const checker = createDeliveryChecker(0);
    checker.accept(1);
    expect(checker.accept(1)).toBe(false);
    checker.accept(4);
    expect(checker.accept(3)).toBe(false);
    expect(checker.counts).toEqual({ received: 2, duplicates: 2, gaps: 1 });
    expect(checker.lostUpTo(5)).toBe(3);
  });
});
