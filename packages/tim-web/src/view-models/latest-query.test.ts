import { LatestQuery } from './latest-query';

/** A request whose answer waits until the test settles it. */
function pending<T>() {
  let resolve: (answer: T) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<T>((resolveAnswer, rejectAnswer) => {
    resolve = resolveAnswer;
    reject = rejectAnswer;
  });
  return { request: () => promise, resolve, reject };
}

/** Records the outcomes handed on, in order. */
function outcomes() {
  const seen: string[] = [];
  return {
    seen,
    for: (name: string) => ({
      onAnswer: (answer: string) => void seen.push(`${name}: ${answer}`),
      onFailure: (error: unknown) => void seen.push(`${name} failed: ${(error as Error).message}`),
    }),
  };
}

describe('LatestQuery', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends once the query stops changing for debounceMs, once', async () => {
    const latest = new LatestQuery({ debounceMs: 300 });
    const sent: string[] = [];
    latest.debounce(() => sent.push('lu'));
    await jest.advanceTimersByTimeAsync(200);
    latest.debounce(() => sent.push('lunch'));
    await jest.advanceTimersByTimeAsync(299);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent).toEqual(['lunch']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual(['lunch']);
  });

  it('hands on the answer or the failure of the newest query', async () => {
    const latest = new LatestQuery({ debounceMs: 300 });
    const { seen, for: outcome } = outcomes();
    const first = pending<string>();
    const second = pending<string>();
    const answered = latest.ask(first.request, outcome('first'));
    first.resolve('a');
    await answered;
    const failed = latest.ask(second.request, outcome('second'));
    second.reject(new Error('down'));
    await failed;
    expect(seen).toEqual(['first: a', 'second failed: down']);
  });

  it('drops the late answer or failure of a query asked before a newer one', async () => {
    const latest = new LatestQuery({ debounceMs: 300 });
    const { seen, for: outcome } = outcomes();
    const older = pending<string>();
    const failing = pending<string>();
    const newest = pending<string>();
    const olderDone = latest.ask(older.request, outcome('older'));
    const failingDone = latest.ask(failing.request, outcome('failing'));
    const newestDone = latest.ask(newest.request, outcome('newest'));
    newest.resolve('c');
    await newestDone;
    older.resolve('a');
    failing.reject(new Error('down'));
    await Promise.all([olderDone, failingDone]);
    expect(seen).toEqual(['newest: c']);
  });

  it('drops a debounced send still waiting when a query is asked at once', async () => {
    const latest = new LatestQuery({ debounceMs: 300 });
    const sent: string[] = [];
    latest.debounce(() => sent.push('typed'));
    void latest.ask(() => Promise.resolve('now'), outcomes().for('now'));
    await jest.advanceTimersByTimeAsync(300);
    expect(sent).toEqual([]);
  });

  it('hands on more for the same query, but not once the query changed or was cancelled', async () => {
    const latest = new LatestQuery({ debounceMs: 300 });
    const { seen, for: outcome } = outcomes();
    const first = pending<string>();
    const firstDone = latest.ask(first.request, outcome('page 1'));
    const page2 = pending<string>();
    const page2Done = latest.askMore(page2.request, outcome('page 2'));
    first.resolve('a');
    page2.resolve('b');
    await Promise.all([firstDone, page2Done]);
    expect(seen).toEqual(['page 1: a', 'page 2: b']);

    const afterTyping = pending<string>();
    const afterTypingDone = latest.askMore(afterTyping.request, outcome('after typing'));
    latest.debounce(() => undefined);
    afterTyping.resolve('c');
    const afterCancel = pending<string>();
    const afterCancelDone = latest.askMore(afterCancel.request, outcome('after cancel'));
    latest.cancel();
    afterCancel.reject(new Error('down'));
    await Promise.all([afterTypingDone, afterCancelDone]);
    expect(seen).toEqual(['page 1: a', 'page 2: b']);
  });

  it('drops a debounced send still waiting when cancelled', async () => {
    const latest = new LatestQuery({ debounceMs: 300 });
    const sent: string[] = [];
    latest.debounce(() => sent.push('typed'));
    latest.cancel();
    await jest.advanceTimersByTimeAsync(300);
    expect(sent).toEqual([]);
  });

  it('fails the query when handling its answer throws', async () => {
    const latest = new LatestQuery({ debounceMs: 300 });
    const failures: unknown[] = [];
    await latest.ask(() => Promise.resolve('a'), {
      onAnswer: () => {
        throw new Error('bad page');
      },
      onFailure: (error) => void failures.push(error),
    });
    expect(failures).toEqual([new Error('bad page')]);
  });
});
