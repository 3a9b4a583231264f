import { createChildRegistry } from '../src/child-registry';
import { runScenario } from '../src/run-scenario';
import type { Scenario } from '../src/scenarios';
import { createTarget } from '../src/targets/create-target';

// Runs the compiled tim-code server and the bench's workers from dist/: `pnpm build` first.
describe('runScenario against tim', () => {
  const registry = createChildRegistry();
  afterAll(() => registry.killAll());

  it('joins every subscriber as a timite of its own, all at once, under the default cap on unauthenticated sockets', async () => {
    const scenario: Scenario = {
      id: 'test-join',
      label: '1 space × 150 subscribers joining at once',
      spaces: 1,
      subscribersPerSpace: 150,
      contentBytes: 100,
      load: { kind: 'join' },
      connectConcurrency: Number.POSITIVE_INFINITY,
    };
    const result = await runScenario({ scenario, target: createTarget('tim'), registry });

    expect({ connected: result.connected, identities: result.identities }).toEqual({ connected: 150, identities: 150 });
    expect(result.unexpectedCloses).toBe(0);
  }, 60_000);
});
