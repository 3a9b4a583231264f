import { spawn, type ChildProcess } from 'node:child_process';
import { createOutputLines, type OutputLine, type OutputStream } from './output-lines';

/** How a process ended: its exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WaitOptions {
  /** Time to wait, in ms. @default 15000 */
  timeoutMs?: number;
  /** What is awaited, for the error on a timeout or an early exit. @default the match, described */
  what?: string;
}

export interface WaitForLineOptions extends WaitOptions {
  /** Resolves on the count-th matching line. @default 1 */
  count?: number;
  /** Only lines of this stream count. @default both */
  stream?: OutputStream;
}

export interface StopOptions {
  /**
   * How the process is asked to end: a signal, or `'disconnect'` to close its IPC channel (a
   * Node child that exits on 'disconnect' then ends normally, writing e.g. its --cpu-prof
   * profile; without a channel, SIGTERM). @default 'SIGTERM'
   */
  signal?: NodeJS.Signals | 'disconnect';
  /** Time it has to exit before SIGKILL, in ms. @default 5000 */
  graceMs?: number;
}

/** A started child process whose output is read and kept from its first byte. */
export interface ManagedProcess {
  /** Names it in errors. */
  readonly name: string;
  readonly pid: number;
  /** For what this module leaves to the caller, such as freezing it with SIGSTOP. */
  readonly child: ChildProcess;
  /** Resolves once the process has exited and its output has been read to the end. */
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** The kept output, lines joined by '\n': of both streams in the order it arrived, or of one. */
  output(stream?: OutputStream): string;
  /**
   * Resolves with the `count`-th line matching, counting the kept lines written before the
   * call; colour codes are removed before matching. Rejects with the output when `timeoutMs`
   * passes or the process exits first. A pattern answers its match, a predicate the line.
   */
  waitForLine(pattern: RegExp, options?: WaitForLineOptions): Promise<RegExpExecArray>;
  waitForLine(isWanted: (line: string) => boolean, options?: WaitForLineOptions): Promise<string>;
  /**
   * With `ipc`: resolves with the first value `parse` finds in an IPC message, kept messages
   * included. Rejects as `waitForLine` does.
   */
  waitForMessage<T>(parse: (message: unknown) => T | undefined, options?: WaitOptions): Promise<T>;
  /** Asks the process to end, sends SIGKILL after the grace period, and resolves once it exited. */
  stop(options?: StopOptions): Promise<ExitStatus>;
}

export interface StartProcessOptions {
  /** Names the process in errors: 'tim-code', 'redis-server'. */
  name: string;
  /** The program. @default process.execPath (this Node) */
  command?: string;
  args?: readonly string[];
  /** The child's whole environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Opens an IPC channel as `fork` does, with advanced serialization. @default false */
  ipc?: boolean;
  /** Called with each line the process writes, as it arrives (to pass it on, for instance). */
  onLine?: (line: string, stream: OutputStream) => void;
  /** Characters of output kept for `output()`, `waitForLine` and errors. @default 1000000 */
  keptOutputChars?: number;
}

export type StartedProcess<T> = ManagedProcess & {
  /** What the `ready` wait answered, such as the URL the process listens on. */
  readonly ready: T;
};

const DEFAULT_WAIT_MS = 15_000;
const DEFAULT_GRACE_MS = 5000;
const DEFAULT_KEPT_OUTPUT_CHARS = 1_000_000;
const KEPT_MESSAGES = 100;
/** The end of the output an error quotes. */
const ERROR_OUTPUT_CHARS = 8000;
// eslint-disable-next-line no-control-regex -- the escape character starts a colour code
const COLOUR_CODE = /\u001b\[[0-9;]*m/g;

/**
 * Spawns a process with its output piped and read, and kills it (SIGKILL) when this process
 * exits. 'exit' handlers run on process.exit() and when the event loop empties, not when a
 * signal nobody handles ends this process: a caller that handles SIGINT or SIGTERM ends
 * with process.exit. With `ready`, resolves once that wait answered; when it fails, the
 * process is killed and the wait's error, which quotes the output, is thrown.
 */
export async function startProcess<T>(
  options: StartProcessOptions & { ready: (process: ManagedProcess) => Promise<T> },
): Promise<StartedProcess<T>>;
export async function startProcess(options: StartProcessOptions): Promise<ManagedProcess>;
export async function startProcess<T>(
  options: StartProcessOptions & { ready?: (process: ManagedProcess) => Promise<T> },
): Promise<ManagedProcess | StartedProcess<T>> {
  const command = options.command ?? process.execPath;
  const child = spawn(command, options.args ?? [], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    serialization: options.ipc === true ? 'advanced' : 'json',
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void =>
      reject(new Error(`could not start ${options.name} (${command}): ${err.message}`, { cause: err }));
    child.once('error', onError);
    child.once('spawn', () => {
      child.off('error', onError);
      resolve();
    });
  });
  const managed = manage(child, options);
  if (options.ready === undefined) return managed;
  try {
    return { ...managed, ready: await options.ready(managed) };
  } catch (err) {
    await managed.stop({ signal: 'SIGKILL' });
    throw err;
  }
}

function manage(child: ChildProcess, options: StartProcessOptions): ManagedProcess {
  const { name } = options;
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  const lines = createOutputLines(options.keptOutputChars ?? DEFAULT_KEPT_OUTPUT_CHARS);
  if (child.stdout !== null) lines.read(child.stdout, 'stdout');
  if (child.stderr !== null) lines.read(child.stderr, 'stderr');
  const { onLine } = options;
  if (onLine !== undefined) lines.onLine((line) => onLine(line.text, line.stream));

  const messages: unknown[] = [];
  const messageListeners = new Set<(message: unknown) => void>();
  child.on('message', (message: unknown) => {
    messages.push(message);
    if (messages.length > KEPT_MESSAGES) messages.shift();
    for (const listener of [...messageListeners]) listener(message);
  });

  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const killOnParentExit = (): void => {
    if (!hasExited()) child.kill('SIGKILL');
  };
  process.on('exit', killOnParentExit);

  let exitStatus: ExitStatus | undefined;
  const exitListeners = new Set<(status: ExitStatus) => void>();
  // Exited once it exited and stdout and stderr have closed, so the output is complete. Not
  // the child's 'close' event: after `disconnect()` Node never emits it.
  const outputRead = Promise.all(
    [child.stdout, child.stderr].map(
      (stream) => new Promise<void>((resolve) => (stream === null ? resolve() : stream.once('close', resolve))),
    ),
  );
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      process.off('exit', killOnParentExit);
      void outputRead.then(() => {
        exitStatus = { code, signal };
        for (const listener of [...exitListeners]) listener(exitStatus);
        resolve(exitStatus);
      });
    }),
  );
  // After a successful spawn, 'error' means a signal or an IPC message could not be sent.
  const errors: string[] = [];
  child.on('error', (err) => errors.push(err.message));

  const output = (stream?: OutputStream): string =>
    lines
      .kept()
      .filter((line) => stream === undefined || line.stream === stream)
      .map((line) => line.text)
      .join('\n');

  const describeOutput = (): string => {
    const text = output();
    if (text === '') return 'it wrote nothing';
    return `its output:\n${text.length > ERROR_OUTPUT_CHARS ? `…${text.slice(-ERROR_OUTPUT_CHARS)}` : text}`;
  };

  /** Resolves with what `listen` settles on, or rejects on the timeout or the exit. */
  function waitFor<T>(what: string, timeoutMs: number, listen: (settle: (value: T) => void) => () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let isSettled = false;
      let stopListening = (): void => undefined;
      const finish = (): void => {
        isSettled = true;
        clearTimeout(timer);
        stopListening();
        exitListeners.delete(onExit);
      };
      const fail = (reason: string): void => {
        if (isSettled) return;
        finish();
        const noted = errors.length === 0 ? '' : ` (errors: ${errors.join('; ')})`;
        reject(new Error(`${name} ${reason}${noted}; ${describeOutput()}`));
      };
      const onExit = (status: ExitStatus): void => fail(`exited (${describeStatus(status)}) before ${what}`);
      const timer = setTimeout(() => fail(`did not show ${what} within ${timeoutMs} ms`), timeoutMs);
      const unlisten = listen((value) => {
        if (isSettled) return;
        finish();
        resolve(value);
      });
      // Settled by what was kept, while `listen` ran.
      if (isSettled) unlisten();
      else {
        stopListening = unlisten;
        if (exitStatus !== undefined) onExit(exitStatus);
        else exitListeners.add(onExit);
      }
    });
  }

  function waitForLine(pattern: RegExp, options?: WaitForLineOptions): Promise<RegExpExecArray>;
  function waitForLine(isWanted: (line: string) => boolean, options?: WaitForLineOptions): Promise<string>;
  function waitForLine(
    match: RegExp | ((line: string) => boolean),
    { count = 1, stream, timeoutMs = DEFAULT_WAIT_MS, what }: WaitForLineOptions = {},
  ): Promise<RegExpExecArray | string> {
    // A copy without the global and sticky flags, whose matches would depend on lastIndex.
    const pattern = match instanceof RegExp ? new RegExp(match.source, match.flags.replace(/[gy]/g, '')) : undefined;
    const find = (text: string): RegExpExecArray | string | undefined => {
      if (pattern !== undefined) return pattern.exec(text) ?? undefined;
      return typeof match === 'function' && match(text) ? text : undefined;
    };
    const described = what ?? (pattern === undefined ? 'the awaited line' : `a line matching ${String(pattern)}`);
    return waitFor(described, timeoutMs, (settle) => {
      let seen = 0;
      const consider = (line: OutputLine): void => {
        if (stream !== undefined && line.stream !== stream) return;
        const found = find(line.text.replace(COLOUR_CODE, ''));
        if (found === undefined) return;
        seen += 1;
        if (seen === count) settle(found);
      };
      for (const line of [...lines.kept()]) consider(line);
      return lines.onLine(consider);
    });
  }

  return {
    name,
    pid,
    child,
    exited,
    hasExited,
    output,
    waitForLine,
    waitForMessage<T>(
      parse: (message: unknown) => T | undefined,
      { timeoutMs = DEFAULT_WAIT_MS, what }: WaitOptions = {},
    ) {
      return waitFor<T>(what ?? 'the awaited IPC message', timeoutMs, (settle) => {
        const consider = (message: unknown): void => {
          const found = parse(message);
          if (found !== undefined) settle(found);
        };
        for (const message of [...messages]) consider(message);
        messageListeners.add(consider);
        return () => messageListeners.delete(consider);
      });
    },
    async stop({ signal = 'SIGTERM', graceMs = DEFAULT_GRACE_MS }: StopOptions = {}) {
      if (!hasExited()) {
        if (signal === 'disconnect' && child.connected) child.disconnect();
        else child.kill(signal === 'disconnect' ? 'SIGTERM' : signal);
        // A stopped process (SIGSTOP) holds every signal but SIGKILL until it continues.
        child.kill('SIGCONT');
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function describeStatus(status: ExitStatus): string {
  return status.signal === null ? `code ${status.code}` : `signal ${status.signal}`;
}
