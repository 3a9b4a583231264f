import { createConditionWaiters } from './condition-waiters';

describe('createConditionWaiters', () => {
  it('resolves at once when the condition already holds', async () => {
    await expect(
      createConditionWaiters().waitFor(
        () => true,
        1000,
        () => 'never',
      ),
    ).resolves.toBeUndefined();
  });

  it('resolves at the first notify after the condition starts to hold', async () => {
    const waiters = createConditionWaiters();
    let count = 0;
    const waiting = waiters.waitFor(
      () => count >= 2,
      1000,
      () => 'count 2',
    );
    count = 1;
    waiters.notify();
    count = 2;
    waiters.notify();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('rejects with the description after the timeout', async () => {
    await expect(
      createConditionWaiters().waitFor(
        () => false,
        10,
        () => 'the thing',
      ),
    ).rejects.toThrow('the thing');
  });
});
