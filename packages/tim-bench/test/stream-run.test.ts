import { createChildRegistry } from '../src/child-registry';
import { runScenario } from '../src/run-scenario';
import type { Scenario } from '../src/scenarios';
import { createTarget } from '../src/targets/create-target';

// Runs the compiled tim-code server and the bench's workers from dist/: `pnpm build` first.
describe('the streaming scenario against tim', () => {
  const registry = createChildRegistry();
  afterAll(() => registry.killAll());

  it("gives every subscriber each author's text, token by token, equal to the final message, at most one frame per stream per flush", async () => {
    const authors = 3;
    const scenario: Scenario = {
      id: 'test-stream',
      label: '3 authors streaming 12-token replies into 1 space × 20 subscribers',
      spaces: 1,
      subscribersPerSpace: 20,
      contentBytes: 4,
      load: {
        kind: 'stream',
        authors,
        tokenIntervalMs: 25,
        tokensPerReply: 12,
        warmupMs: 500,
        durationMs: 2000,
        readStreamsEvery: 2,
      },
      connectConcurrency: 20,
    };
    const result = await runScenario({ scenario, target: createTarget('tim'), registry });

    expect(result.firstError).toBeUndefined();
    expect({
      connected: result.connected,
      identities: result.identities,
      lost: result.lost,
      duplicates: result.duplicates,
      mismatched: result.streamFinalsMismatched,
      withoutText: result.streamFinalsWithoutText,
      outOfOrder: result.streamOutOfOrder,
      unreadable: result.streamUnreadableTokens,
      left: result.streamTextsLeft,
      authorErrors: result.publishFailed,
    }).toEqual({
      connected: 20,
      identities: 20 + authors,
      lost: 0,
      duplicates: 0,
      mismatched: 0,
      withoutText: 0,
      outOfOrder: 0,
      unreadable: 0,
      left: 0,
      authorErrors: 0,
    });
    // Every reply finished reached every subscriber; each of the 10 that read the frames
    // (every second one) folded a text equal to its final message.
    expect(result.published).toBeGreaterThan(authors);
    expect(result.deliveries).toBe(result.published * 20);
    expect(result.streamReadingSubscribers).toBe(10);
    expect(result.streamFinalsMatched).toBe(result.published * 10);
    // Each reading subscriber timed (about) every append of the window.
    expect(result.streamLatencySamples).toBeGreaterThan(result.streamAppends * 10 * 0.8);
    // Every subscriber counted the frames: a frame per stream per 50 ms flush, plus the frame
    // of each open (a reply lasts 300 ms), with 10 % for the frames of replies cut by the
    // window's edges. Without the server's gathering it would be one frame per append: 40/s.
    expect(result.streamFramesPerSubscriberPerSec).toBeGreaterThan(0);
    expect(result.streamFramesPerSubscriberPerSec).toBeLessThanOrEqual(authors * (20 + 1000 / 300) * 1.1);
    expect(result.p50Ms).toBeGreaterThan(0);
    expect(result.cpuUsPerStreamFrame).toBeGreaterThan(0);
  }, 60_000);
});
