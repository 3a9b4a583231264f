import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS } from '@tim/code';
import { API_PREFIX, AuthResponse, MAIN_SPACE_ID, SpaceResponse, WS_PATH } from '@tim/protocol';
import { builtModulePath } from '../built-path';
import type { SubscriberSpec } from '../ipc';
import { postJson } from './http-json';
import { cpuProfileArgs } from './local-targets';
import { forkServer, type ServerProcess } from './server-process';
import type { PreparedLoad, ServerEndpoint, SpacePlan, TargetName } from './target';

/**
 * What every tim target shares: the production build of tim-code (`dist/cli.js serve`,
 * NODE_ENV=production) with message, login and registration limits raised for the run, and
 * one timite per subscriber.
 */
const TIM_ENV = {
  NODE_ENV: 'production',
  TIM_HOST: '127.0.0.1',
  TIM_PORT: '0',
  TIM_LOG_LEVEL: 'warn',
  TIM_RATE_MESSAGES: '1000000/1s',
  TIM_RATE_LOGIN: '1000000/1s',
  TIM_RATE_REGISTER: '1000000/1s',
  TIM_RATE_SPACES: '1000000/1s',
  TIM_MAX_SPACES_PER_TIMITE: '1000000',
};

/**
 * The tim-code package to run: the workspace's by default, or a snapshot of a build named by
 * TIM_BENCH_CODE_DIR (a copy of packages/tim-code with dist/ and node_modules/), so that a
 * long run measures one build even while the workspace is rebuilt.
 */
export function timCodeDir(): string {
  const override = process.env.TIM_BENCH_CODE_DIR;
  return override !== undefined && override !== '' ? override : dirname(require.resolve('@tim/code/package.json'));
}

const ServerNodeFlagsModule = z.object({
  SERVER_NODE_FLAGS: z.array(z.string()),
  SERVER_ENV: z.record(z.string(), z.string()).optional(),
});

/**
 * The node flags and environment the measured build runs with in production (`pnpm start`),
 * read from that build itself so a snapshot is measured as it would run. Builds from before
 * they existed ran without any.
 */
function serverRuntime(codeDir: string): { flags: string[]; env: Record<string, string> } {
  const modulePath = join(codeDir, 'dist', 'server-node-flags.js');
  if (!existsSync(modulePath)) return { flags: [], env: {} };
  // tim-code builds CommonJS; require also works under jest, which has no dynamic import.
  const loaded = ServerNodeFlagsModule.parse(createRequire(modulePath)(modulePath));
  return { flags: loaded.SERVER_NODE_FLAGS, env: loaded.SERVER_ENV ?? {} };
}

/**
 * tim runs with its default cap on sockets per address that have not authenticated yet (all
 * subscribers come from 127.0.0.1); the subscribers keep their handshakes well below it, so
 * the cap and a 5000-join storm are shown to coexist. The cap is per process: with several,
 * the same total keeps each further below it.
 */
export const HANDSHAKES_IN_FLIGHT = Math.floor(DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS * 0.8);

/** Starts one `tim-code serve` of the build in `codeDir`, configured by `env` on top of the bench's. */
export async function forkTimServer(options: {
  codeDir: string;
  env: Record<string, string>;
  processName: TargetName | `${TargetName}-${number}`;
  /** When set, the server writes a V8 CPU profile into this directory. */
  cpuProfileDir?: string;
}): Promise<ServerProcess> {
  const runtime = serverRuntime(options.codeDir);
  return forkServer({
    modulePath: join(options.codeDir, 'dist', 'cli.js'),
    args: ['serve'],
    env: { ...process.env, ...runtime.env, ...TIM_ENV, ...options.env },
    execArgv: [
      ...runtime.flags,
      '--require',
      builtModulePath('targets/exit-with-parent-preload.js'),
      ...cpuProfileArgs(options, options.processName),
    ],
    reportsPort: 'listening-line',
  });
}

export function timEndpoint(server: ServerProcess): ServerEndpoint {
  return {
    pid: server.pid,
    baseUrl: `http://127.0.0.1:${server.port}`,
    subscriberUrl: `ws://127.0.0.1:${server.port}${WS_PATH}`,
  };
}

/**
 * Registers the publisher and creates the plan's spaces through `baseUrl`, then seeds one
 * timite per subscriber with `seedKeys`.
 */
export async function prepareTimLoad(options: {
  baseUrl: string;
  plan: SpacePlan;
  seedKeys: (count: number) => Promise<string[]>;
}): Promise<PreparedLoad> {
  const { baseUrl, plan } = options;
  const publisher = await postJson({
    url: `${baseUrl}${API_PREFIX}/register`,
    body: { nick: 'bench-publisher', password: randomBytes(12).toString('hex') },
    schema: AuthResponse,
  });
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
  const keys = await options.seedKeys(plan.spaceIds.length * plan.subscribersPerSpace);
  const subscribers: SubscriberSpec[] = plan.spaceIds.flatMap((spaceId, spaceIndex) =>
    Array.from({ length: plan.subscribersPerSpace }, (_, index) => ({
      spaceId,
      key: keys[spaceIndex * plan.subscribersPerSpace + index],
    })),
  );
  return { subscribers, publishHeaders, identities: keys.length };
}
