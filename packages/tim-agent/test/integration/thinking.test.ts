import type { Activity, TimConnection } from '@tim/protocol';
import { useAgentSpace } from '../support/agents';
import type { FakeAnswer } from '../support/fake-openai';
import { readMessages, subscribed, waitForQuiet } from '../support/start-tim';

/** Jarvis's activity as bob's live connection receives it, with a wait for the nth of a kind. */
function watchActivity(live: TimConnection, nick: string) {
  const seen: { activity: Activity; callsSoFar: number }[] = [];
  const wakers = new Set<() => void>();
  let callCount = () => 0;
  live.on('activity', (event) => {
    if (event.timite.nick !== nick) return;
    seen.push({ activity: event.activity, callsSoFar: callCount() });
    for (const wake of [...wakers]) wake();
  });
  return {
    seen,
    countCalls(count: () => number) {
      callCount = count;
    },
    waitFor(activity: Activity, count: number, timeoutMs = 10_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (seen.filter((entry) => entry.activity === activity).length < count) return;
          clearTimeout(timer);
          wakers.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(new Error(`${nick}: ${count} × ${activity} not seen within ${timeoutMs} ms: ${JSON.stringify(seen)}`));
        }, timeoutMs);
        wakers.add(check);
        check();
      });
    },
  };
}

describe("an agent's thinking indicator", () => {
  const space = useAgentSpace();
  const REFRESH_MS = 100;
  const lives: TimConnection[] = [];
  afterEach(() => lives.splice(0).forEach((live) => live.close()));

  async function startWatchedJarvis(responseDelayMs: number) {
    const { bob, fake } = space;
    const live = bob.connect();
    lives.push(live);
    live.subscribe('main');
    await subscribed(live);
    const activity = watchActivity(live, 'jarvis');
    activity.countCalls(() => fake.calls.length);
    await space.start('jarvis', {
      overrides: { openingMessage: undefined, responseDelayMs },
      runner: { thinkingRefreshMs: REFRESH_MS },
    });
    return { activity };
  }

  it('shows from the start of the response delay, is sent again while the LLM works, and clears once', async () => {
    const { bob, fake } = space;
    const { activity } = await startWatchedJarvis(1500);
    let answer: (reply: FakeAnswer) => void = () => undefined;
    fake.script(() => ({ kind: 'later', answer: new Promise<FakeAnswer>((resolve) => (answer = resolve)) }));

    await bob.sendMessage('main', '@jarvis what now?');
    await fake.waitForCalls(1);
    // Shown during the delay (before any LLM call) and repeated there, not only once the call starts.
    expect(
      activity.seen.filter((entry) => entry.activity === 'thinking' && entry.callsSoFar === 0).length,
    ).toBeGreaterThanOrEqual(3);
    // Still repeated while the LLM has not answered.
    const shownSoFar = activity.seen.length;
    await activity.waitFor('thinking', shownSoFar + 3);
    expect(activity.seen.map((entry) => entry.activity)).not.toContain('idle');

    answer({ kind: 'text', content: 'Now this.' });
    await activity.waitFor('idle', 1);
    await waitForQuiet(bob, space.agents);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob', 'jarvis']);
    // Exactly one idle, after every thinking: nothing left to expire on its own.
    const kinds = activity.seen.map((entry) => entry.activity);
    expect(kinds.filter((kind) => kind === 'idle')).toHaveLength(1);
    expect(kinds.at(-1)).toBe('idle');
  });

  it('clears when the turn fails', async () => {
    const { bob, fake } = space;
    const { activity } = await startWatchedJarvis(300);
    fake.script(() => ({ kind: 'status', status: 500 }));

    await bob.sendMessage('main', '@jarvis are you there?');
    await activity.waitFor('idle', 1);
    await waitForQuiet(bob, space.agents);
    expect(fake.calls).toHaveLength(1);
    expect(activity.seen.map((entry) => entry.activity).at(-1)).toBe('idle');
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob']);
  });
});
