import { builtModulePath } from '../built-path';
import { createClosers, startOrClose } from './closers';
import { anonymousSubscribers, cpuProfileArgs } from './local-targets';
import { startRedisServer } from './redis-server-process';
import { forkServer, type ServerProcess } from './server-process';
import { MULTI_PROCESS_SERVERS, type RunningTarget, type Target, type TargetContext } from './target';

/**
 * Socket.IO scaled out: two of the bench's Socket.IO servers joined by
 * `@socket.io/redis-adapter` through the bench's own Redis, whose CPU is counted with theirs.
 */
export function createSocketIoMultiProcessTarget(): Target {
  return {
    name: 'socketio-multi-process',
    async start(context: TargetContext): Promise<RunningTarget> {
      const closers = createClosers();
      const { redis, servers } = await startOrClose(closers, async () => {
        const redis = await startRedisServer();
        closers.add(() => redis.stop());
        const servers: ServerProcess[] = [];
        for (let index = 0; index < MULTI_PROCESS_SERVERS; index += 1) {
          const server = await forkServer({
            modulePath: builtModulePath('targets/socketio-server.js'),
            args: ['--redis-url', redis.url],
            execArgv: cpuProfileArgs(context, `socketio-multi-process-${index}`),
            reportsPort: 'ipc',
          });
          closers.add(() => server.stop());
          servers.push(server);
        }
        return { redis, servers };
      });

      return {
        name: 'socketio-multi-process',
        servers: servers.map((server) => {
          const baseUrl = `http://127.0.0.1:${server.port}`;
          return { pid: server.pid, baseUrl, subscriberUrl: baseUrl };
        }),
        clientKind: 'socketio',
        listServiceProcesses: async () => [{ pid: redis.pid, role: 'redis' }],
        prepare: async (plan) => ({ subscribers: anonymousSubscribers(plan), publishHeaders: {}, identities: 0 }),
        close: () => closers.closeAll(),
      };
    },
  };
}
