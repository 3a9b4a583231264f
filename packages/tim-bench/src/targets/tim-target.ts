import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS } from '@tim/code';
import { API_PREFIX, AuthResponse, MAIN_SPACE_ID, SpaceResponse, WS_PATH } from '@tim/protocol';
import { builtModulePath } from '../built-path';
import type { SubscriberSpec } from '../ipc';
import { cpuProfileArgs } from './local-targets';
import { forkServer } from './server-process';
import { postJson } from './http-json';
import { seedSubscriberKeys } from './seed-subscribers';
import type { RunningTarget, SpacePlan, Target, TargetContext } from './target';

/**
 * The production build of tim-code (`dist/cli.js serve`, NODE_ENV=production) on a fresh
 * SQLite data dir, with message, login and registration limits raised for the run, and one
 * timite per subscriber.
 */
const TIM_ENV = {
  NODE_ENV: 'production',
  TIM_HOST: '127.0.0.1',
  TIM_PORT: '0',
  TIM_LOG_LEVEL: 'warn',
  TIM_RATE_MESSAGES: '1000000/1s',
  TIM_RATE_LOGIN: '1000000/1s',
  TIM_RATE_REGISTER: '1000000/1s',
};

/**
 * The tim-code package to run: the workspace's by default, or a snapshot of a build named by
 * TIM_BENCH_CODE_DIR (a copy of packages/tim-code with dist/ and node_modules/), so that a
 * long run measures one build even while the workspace is rebuilt.
 */
function timCodeDir(): string {
  const override = process.env.TIM_BENCH_CODE_DIR;
  return override !== undefined && override !== '' ? override : dirname(require.resolve('@tim/code/package.json'));
}

const ServerNodeFlagsModule = z.object({ SERVER_NODE_FLAGS: z.array(z.string()) });

/**
 * The node flags the measured build runs with in production (`pnpm start`), read from that
 * build itself so a snapshot is measured as it would run. Builds from before the flags
 * existed ran without any.
 */
function serverNodeFlags(codeDir: string): string[] {
  const modulePath = join(codeDir, 'dist', 'server-node-flags.js');
  if (!existsSync(modulePath)) return [];
  // tim-code builds CommonJS; require also works under jest, which has no dynamic import.
  const loaded: unknown = createRequire(modulePath)(modulePath);
  return ServerNodeFlagsModule.parse(loaded).SERVER_NODE_FLAGS;
}

/**
 * tim runs with its default cap on sockets per address that have not authenticated yet (all
 * subscribers come from 127.0.0.1); the subscribers keep their handshakes well below it, so
 * the cap and a 5000-join storm are shown to coexist.
 */
const HANDSHAKES_IN_FLIGHT = Math.floor(DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS * 0.8);

export function createTimTarget(): Target {
  return {
    name: 'tim',
    async start(context: TargetContext): Promise<RunningTarget> {
      const dataDir = await mkdtemp(join(tmpdir(), 'tim-bench-'));
      context.registry.addTempDir(dataDir);
      const codeDir = timCodeDir();
      const server = await forkServer({
        modulePath: join(codeDir, 'dist', 'cli.js'),
        args: ['serve'],
        env: { ...process.env, ...TIM_ENV, TIM_DATA_DIR: dataDir },
        execArgv: [...serverNodeFlags(codeDir), '--require', builtModulePath('targets/exit-with-parent-preload.js'), ...cpuProfileArgs(context, 'tim')],
        registry: context.registry,
      }).catch(async (err: unknown) => {
        await rm(dataDir, { recursive: true, force: true });
        throw err;
      });
      const baseUrl = `http://127.0.0.1:${server.port}`;
      const register = (nick: string) =>
        postJson({ url: `${baseUrl}${API_PREFIX}/register`, body: { nick, password: randomBytes(12).toString('hex') }, schema: AuthResponse });

      return {
        name: 'tim',
        pid: server.pid,
        baseUrl,
        clientKind: 'tim',
        subscriberUrl: `ws://127.0.0.1:${server.port}${WS_PATH}`,
        maxHandshakesInFlight: HANDSHAKES_IN_FLIGHT,
        async prepare(plan: SpacePlan) {
          const publisher = await register('bench-publisher');
          const publishHeaders = { authorization: `Bearer ${publisher.session.key}` };
          for (const spaceId of plan.spaceIds) {
            if (spaceId === MAIN_SPACE_ID) continue;
            await postJson({
              url: `${baseUrl}${API_PREFIX}/spaces`,
              body: { id: spaceId, name: spaceId },
              headers: publishHeaders,
              schema: SpaceResponse,
            });
          }
          const keys = await seedSubscriberKeys({ codeDir, dataDir, count: plan.spaceIds.length * plan.subscribersPerSpace });
          const subscribers: SubscriberSpec[] = plan.spaceIds.flatMap((spaceId, spaceIndex) =>
            Array.from({ length: plan.subscribersPerSpace }, (_, index) => ({
              spaceId,
              key: keys[spaceIndex * plan.subscribersPerSpace + index],
            })),
          );
          return { subscribers, publishHeaders, identities: keys.length };
        },
        async close() {
          await server.stop();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}
