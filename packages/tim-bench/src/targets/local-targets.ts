import { builtModulePath } from '../built-path';
import { WS_PATH } from '@tim/protocol';
import type { ClientKind } from '../ipc';
import { forkServer } from './server-process';
import type { RunningTarget, SpacePlan, Target, TargetContext, TargetName } from './target';

/** The reference servers of this package: the ceiling, its coalescing variant and Socket.IO. */
export function createLocalTarget(name: Exclude<TargetName, 'tim'>): Target {
  const entries: Record<typeof name, { file: string; args: string[]; clientKind: ClientKind }> = {
    ceiling: { file: 'ceiling-server.js', args: [], clientKind: 'ws' },
    'ceiling-coalesced': { file: 'ceiling-server.js', args: ['--coalesce'], clientKind: 'ws' },
    socketio: { file: 'socketio-server.js', args: [], clientKind: 'socketio' },
  };
  const entry = entries[name];

  return {
    name,
    async start(context: TargetContext): Promise<RunningTarget> {
      const server = await forkServer({
        modulePath: builtModulePath(`targets/${entry.file}`),
        args: entry.args,
        execArgv: cpuProfileArgs(context, name),
        registry: context.registry,
      });
      const baseUrl = `http://127.0.0.1:${server.port}`;
      return {
        name,
        pid: server.pid,
        baseUrl,
        clientKind: entry.clientKind,
        subscriberUrl: entry.clientKind === 'ws' ? `ws://127.0.0.1:${server.port}${WS_PATH}` : baseUrl,
        async prepare(plan: SpacePlan) {
          const subscribers = plan.spaceIds.flatMap((spaceId) =>
            Array.from({ length: plan.subscribersPerSpace }, () => ({ spaceId })),
          );
          return { subscribers, publishHeaders: {}, identities: 0 };
        },
        close: () => server.stop(),
      };
    },
  };
}

export function cpuProfileArgs(context: TargetContext, name: TargetName): string[] {
  if (context.cpuProfileDir === undefined) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${context.cpuProfileDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`];
}
