import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedSubscriberKeys } from './seed-subscribers';
import type { RunningTarget, Target, TargetContext } from './target';
import { forkTimServer, HANDSHAKES_IN_FLIGHT, prepareTimLoad, timCodeDir, timEndpoint } from './tim-server';

/** tim as one process on a fresh SQLite data dir: the default deployment. */
export function createTimTarget(): Target {
  return {
    name: 'tim',
    async start(context: TargetContext): Promise<RunningTarget> {
      const dataDir = await mkdtemp(join(tmpdir(), 'tim-bench-'));
      context.registry.addTempDir(dataDir);
      const codeDir = timCodeDir();
      const server = await forkTimServer({
        codeDir,
        env: { TIM_DATA_DIR: dataDir },
        processName: 'tim',
        cpuProfileDir: context.cpuProfileDir,
      }).catch(async (err: unknown) => {
        await rm(dataDir, { recursive: true, force: true });
        throw err;
      });
      const endpoint = timEndpoint(server);

      return {
        name: 'tim',
        servers: [endpoint],
        clientKind: 'tim',
        maxHandshakesInFlight: HANDSHAKES_IN_FLIGHT,
        prepare: (plan) =>
          prepareTimLoad({
            baseUrl: endpoint.baseUrl,
            plan,
            seedKeys: (count) => seedSubscriberKeys({ codeDir, store: { kind: 'sqlite', dataDir }, count }),
          }),
        async close() {
          await server.stop();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}
