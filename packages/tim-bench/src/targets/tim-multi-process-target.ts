import { randomBytes } from 'node:crypto';
import { createBenchDatabase } from './bench-database';
import { createClosers, startOrClose } from './closers';
import { startRedisServer } from './redis-server-process';
import { seedSubscriberKeys } from './seed-subscribers';
import type { ServerProcess } from './server-process';
import {
  MULTI_PROCESS_SERVERS,
  type RunningTarget,
  type ServiceProcess,
  type Target,
  type TargetContext,
} from './target';
import { forkTimServer, HANDSHAKES_IN_FLIGHT, prepareTimLoad, timCodeDir, timEndpoint } from './tim-server';

/**
 * tim scaled out: two `tim-code serve` processes sharing a fresh PostgreSQL database
 * (TIM_DATABASE_URL) and the bench's own Redis (TIM_REDIS_URL, a prefix of the run's own),
 * as operations.md deploys it. Their CPU is counted with Redis's and with that of the
 * PostgreSQL backends serving them.
 */
export function createTimMultiProcessTarget(): Target {
  return {
    name: 'tim-multi-process',
    async start(context: TargetContext): Promise<RunningTarget> {
      const closers = createClosers();
      const codeDir = timCodeDir();
      const { database, redis, servers } = await startOrClose(closers, async () => {
        const database = await createBenchDatabase();
        closers.add(() => database.drop());
        const redis = await startRedisServer();
        closers.add(() => redis.stop());
        const env = {
          TIM_DATABASE_URL: database.url,
          TIM_REDIS_URL: redis.url,
          TIM_REDIS_PREFIX: `tim-bench:${randomBytes(6).toString('hex')}:`,
        };
        const servers: ServerProcess[] = [];
        // One after the other: the first applies the migrations, the second finds them done.
        for (let index = 0; index < MULTI_PROCESS_SERVERS; index += 1) {
          const server = await forkTimServer({
            codeDir,
            env,
            processName: `tim-multi-process-${index}`,
            cpuProfileDir: context.cpuProfileDir,
          });
          closers.add(() => server.stop());
          servers.push(server);
        }
        return { database, redis, servers };
      });
      const endpoints = servers.map(timEndpoint);
      const [registering] = endpoints;
      if (registering === undefined) throw new Error('no tim-code process started');

      return {
        name: 'tim-multi-process',
        servers: endpoints,
        clientKind: 'tim',
        maxHandshakesInFlight: HANDSHAKES_IN_FLIGHT,
        async listServiceProcesses(): Promise<ServiceProcess[]> {
          const backends = await database.listBackendPids();
          return [{ pid: redis.pid, role: 'redis' }, ...backends.map((pid) => ({ pid, role: 'postgres' as const }))];
        },
        prepare: (plan) =>
          prepareTimLoad({
            baseUrl: registering.baseUrl,
            plan,
            seedKeys: (count) => seedSubscriberKeys({ codeDir, store: { kind: 'postgres', url: database.url }, count }),
          }),
        close: () => closers.closeAll(),
      };
    },
  };
}
