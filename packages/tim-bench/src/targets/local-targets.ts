import { builtModulePath } from '../built-path';
import { WS_PATH } from '@tim/protocol';
import type { ClientKind, SubscriberSpec } from '../ipc';
import { forkServer } from './server-process';
import type { RunningTarget, SpacePlan, Target, TargetContext, TargetName } from './target';

type LocalTargetName = 'ceiling' | 'ceiling-coalesced' | 'socketio';

/** The reference servers of this package: the ceiling, its coalescing variant and Socket.IO. */
export function createLocalTarget(name: LocalTargetName): Target {
  const entries: Record<LocalTargetName, { file: string; args: string[]; clientKind: ClientKind }> = {
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
        reportsPort: 'ipc',
      });
      const baseUrl = `http://127.0.0.1:${server.port}`;
      return {
        name,
        servers: [
          {
            pid: server.pid,
            baseUrl,
            subscriberUrl: entry.clientKind === 'ws' ? `ws://127.0.0.1:${server.port}${WS_PATH}` : baseUrl,
          },
        ],
        clientKind: entry.clientKind,
        prepare: async (plan) => ({ subscribers: anonymousSubscribers(plan), publishHeaders: {}, identities: 0 }),
        close: () => server.stop(),
      };
    },
  };
}

/** Subscribers without identities, for the servers that have no accounts. */
export function anonymousSubscribers(plan: SpacePlan): SubscriberSpec[] {
  return plan.spaceIds.flatMap((spaceId) => Array.from({ length: plan.subscribersPerSpace }, () => ({ spaceId })));
}

/** `processName` names the profile file: the target, and which of its processes. */
export function cpuProfileArgs(
  context: Pick<TargetContext, 'cpuProfileDir'>,
  processName: TargetName | `${TargetName}-${number}`,
): string[] {
  if (context.cpuProfileDir === undefined) return [];
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${context.cpuProfileDir}`,
    `--cpu-prof-name=${processName}-${Date.now()}.cpuprofile`,
  ];
}
