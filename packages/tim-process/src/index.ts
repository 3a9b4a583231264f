export {
  startProcess,
  type ExitStatus,
  type ManagedProcess,
  type StartedProcess,
  type StartProcessOptions,
  type StopOptions,
  type WaitForLineOptions,
  type WaitOptions,
} from './start-process';
export { LISTENING_LINE, waitForListening } from './listening';
export type { OutputStream } from './output-lines';
