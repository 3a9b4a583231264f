import { AuthResponse } from '@tim/protocol';
import { withFreshDatabase } from './postgres';
import { TEST_REDIS_URL, uniqueRedisPrefix } from './redis';
import { postToServer, type ServerProcess, type useServerProcesses } from './server-process';
import { TestSocket } from './ws';

export interface ProcessPair {
  first: ServerProcess;
  second: ServerProcess;
  /** Registered through the first process. */
  ada: AuthResponse;
  bob: AuthResponse;
  /** A WebSocket to either process, authenticated with `key`, closed after the test. */
  connect(server: ServerProcess, key: string): Promise<TestSocket>;
}

/**
 * Two tim-code processes on one fresh PostgreSQL database with Redis between them (the
 * scale-out deployment), with ada and bob registered.
 */
export async function withProcessPair(
  processes: ReturnType<typeof useServerProcesses>,
  run: (pair: ProcessPair) => Promise<void>,
): Promise<void> {
  await withFreshDatabase(async (url) => {
    const env = {
      TIM_DATA_DIR: '/nonexistent/tim',
      TIM_DATABASE_URL: url,
      TIM_REDIS_URL: TEST_REDIS_URL,
      TIM_REDIS_PREFIX: uniqueRedisPrefix(),
    };
    const first = await processes.spawn(env);
    const second = await processes.spawn(env);
    const register = async (nick: string) =>
      AuthResponse.parse((await postToServer(first, '/register', { nick, password: `password-${nick}` })).body);
    const ada = await register('ada');
    const bob = await register('bob');
    const connect = async (server: ServerProcess, key: string) => {
      const socket = await TestSocket.connect(server.wsUrl, key);
      processes.closeAfter(socket);
      return socket;
    };
    await run({ first, second, ada, bob, connect });
  }, processes.stopServers);
}
