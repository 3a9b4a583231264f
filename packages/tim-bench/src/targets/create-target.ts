import { createLocalTarget } from './local-targets';
import type { Target, TargetName } from './target';
import { createTimTarget } from './tim-target';

export function createTarget(name: TargetName): Target {
  return name === 'tim' ? createTimTarget() : createLocalTarget(name);
}
