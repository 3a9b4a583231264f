export { runScenario } from './run-scenario';
export { RunResult, ResultsFile } from './run-result';
export { FULL_SCENARIOS, QUICK_SCENARIO, type Scenario } from './scenarios';
export { createTarget } from './targets/create-target';
export { TARGET_NAMES, type TargetName } from './targets/target';
export { createChildRegistry, killChildrenOnExit } from './child-registry';
