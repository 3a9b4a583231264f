import { createLocalTarget } from './local-targets';
import { createSocketIoMultiProcessTarget } from './socketio-multi-process-target';
import type { Target, TargetName } from './target';
import { createTimMultiProcessTarget } from './tim-multi-process-target';
import { createTimTarget } from './tim-target';

export function createTarget(name: TargetName): Target {
  switch (name) {
    case 'tim':
      return createTimTarget();
    case 'tim-multi-process':
      return createTimMultiProcessTarget();
    case 'socketio-multi-process':
      return createSocketIoMultiProcessTarget();
    case 'ceiling':
    case 'ceiling-coalesced':
    case 'socketio':
      return createLocalTarget(name);
  }
}
