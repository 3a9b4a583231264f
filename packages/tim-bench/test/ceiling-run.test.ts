import { createChildRegistry } from '../src/child-registry';
import { runScenario } from '../src/run-scenario';
import type { Scenario } from '../src/scenarios';
import { createTarget } from '../src/targets/create-target';

// Runs the compiled servers and workers from dist/: `pnpm build` first.
describe('runScenario against the ceiling', () => {
  const registry = createChildRegistry();
  afterAll(() => registry.killAll());

  it('delivers every message to every subscriber once and in order, and measures it', async () => {
    const scenario: Scenario = {
      id: 'test-small',
      label: '1 space × 6 subscribers, 100 msg/s for 0.5 s',
      spaces: 1,
      subscribersPerSpace: 6,
      contentBytes: 100,
      load: { kind: 'rate', messagesPerSecond: 100, durationMs: 500 },
      connectConcurrency: 6,
    };
    const result = await runScenario({ scenario, target: createTarget('ceiling'), registry });

    expect(result.connected).toBe(6);
    expect(result.published).toBe(50);
    // The warm-up (100 msg/s for 1 s) is checked for loss and order but not counted here.
    expect(result.warmupMessages).toBe(100);
    expect(result.warmupMaxMs).toBeGreaterThan(0);
    expect(result.deliveries).toBe(6 * 50);
    expect({
      lost: result.lost,
      duplicates: result.duplicates,
      gaps: result.gaps,
      otherFrames: result.otherFrames,
    }).toEqual({
      lost: 0,
      duplicates: 0,
      gaps: 0,
      otherFrames: 0,
    });
    expect(result.p99Ms).toBeGreaterThan(0);
    expect(result.peakRssMB).toBeGreaterThan(0);
  }, 20_000);
});
