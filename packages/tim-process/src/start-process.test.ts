import { existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { waitForListening } from './listening';
import { startProcess, type ManagedProcess } from './start-process';

/** Arguments for `node -e script`: each test's child is a real Node process. */
const script = (source: string): string[] => ['-e', source];
/** Keeps a child running until it is told otherwise. */
const STAY = 'setInterval(() => {}, 1000);';

describe('startProcess', () => {
  const started: ManagedProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((child) => child.stop({ signal: 'SIGKILL' })));
  });
  it('runs the program with its arguments and environment, and answers what `ready` waited for', async () => {
    const server = await startProcess({
      name: 'fake-server',
      args: [...script(`console.log('listening on ' + process.env.BASE + process.argv[1] + '/'); ${STAY}`), ':8787'],
      env: { BASE: 'http://127.0.0.1' },
      ready: (child) => waitForListening(child),
    });
    started.push(server);
    expect(server.ready).toBe('http://127.0.0.1:8787');
    expect(server.hasExited()).toBe(false);
  });

  it('kills a process that is not ready in time and rejects quoting its output', async () => {
    let slow: ManagedProcess | undefined;
    const starting = startProcess({
      name: 'slow',
      args: script(`console.log('warming up'); ${STAY}`),
      ready: async (child) => {
        slow = child;
        await child.waitForLine(/warming up/);
        return child.waitForLine(/^ready$/, { timeoutMs: 300 });
      },
    });
    await expect(starting).rejects.toThrow(
      /^slow did not show a line matching \/\^ready\$\/ within 300 ms; its output:\nwarming up$/,
    );
    expect(await slow?.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('rejects with the exit code and the whole output when the process exits before it is ready', async () => {
    const starting = startProcess({
      name: 'misconfigured',
      args: script(`console.log('reading settings'); process.stderr.write('bad setting\\n'); process.exit(2);`),
      ready: (child) => waitForListening(child),
    });
    await expect(starting).rejects.toThrow(
      /^misconfigured exited \(code 2\) before its "listening on" line; its output:\n(reading settings\nbad setting|bad setting\nreading settings)$/,
    );
  });

  it('rejects naming the program when it cannot be started', async () => {
    await expect(startProcess({ name: 'missing', command: '/nonexistent/program' })).rejects.toThrow(
      /^could not start missing \(\/nonexistent\/program\): .*ENOENT/,
    );
  });
});

describe('a managed process', () => {
  const started: ManagedProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((child) => child.stop({ signal: 'SIGKILL' })));
  });
  async function start(source: string, options: { ipc?: boolean } = {}): Promise<ManagedProcess> {
    const child = await startProcess({ name: 'child', args: script(source), ...options });
    started.push(child);
    return child;
  }

  it('counts lines written before the wait, of the stream asked for, without colour codes', async () => {
    const child = await start(
      `console.log('tick 1'); console.error('tick 2'); console.log('\\u001b[32mtick\\u001b[39m 3');` +
        `console.log('done'); ${STAY}`,
    );
    await child.waitForLine((line) => line === 'done');
    expect((await child.waitForLine(/tick (\d)/, { count: 2, stream: 'stdout' }))[1]).toBe('3');
    expect(await child.waitForLine((line) => line.startsWith('tick'), { stream: 'stderr' })).toBe('tick 2');
  });

  it('keeps both streams in the order they arrived, and each on its own', async () => {
    const child = await start(`console.log('one'); setTimeout(() => { console.error('two'); process.exit(0); }, 50);`);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.output()).toBe('one\ntwo');
    expect(child.output('stderr')).toBe('two');
  });

  it('keeps only the newest output beyond its limit', async () => {
    const child = await startProcess({
      name: 'chatty',
      args: script(`for (let i = 0; i < 1000; i += 1) console.log('line ' + i);`),
      keptOutputChars: 100,
    });
    await child.exited;
    expect(child.output().length).toBeLessThanOrEqual(100);
    expect(child.output().endsWith('line 999')).toBe(true);
  });

  it('names what it awaited and quotes the output when the wait times out', async () => {
    const child = await start(`console.log('still here'); ${STAY}`);
    await child.waitForLine(/still here/);
    await expect(child.waitForLine(/never/, { timeoutMs: 200, what: 'the sign' })).rejects.toThrow(
      /^child did not show the sign within 200 ms; its output:\nstill here$/,
    );
    expect(child.hasExited()).toBe(false);
  });

  it('answers an IPC message with `ipc`', async () => {
    const child = await start(`process.send({ type: 'listening', port: 4242 }); ${STAY}`, { ipc: true });
    const port = await child.waitForMessage((message) =>
      typeof message === 'object' && message !== null && 'port' in message ? Number(message.port) : undefined,
    );
    expect(port).toBe(4242);
  });

  it('stops with SIGTERM and resolves with how the process exited', async () => {
    const child = await start(`process.on('SIGTERM', () => process.exit(7)); console.log('ready'); ${STAY}`);
    await child.waitForLine(/ready/);
    expect(await child.stop()).toEqual({ code: 7, signal: null });
    expect(child.hasExited()).toBe(true);
  });

  it('kills a process that ignores SIGTERM once the grace period ends', async () => {
    const child = await start(`process.on('SIGTERM', () => {}); console.log('ready'); ${STAY}`);
    await child.waitForLine(/ready/);
    expect(await child.stop({ graceMs: 200 })).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('ends a frozen (SIGSTOP) process with the signal asked for, not only with SIGKILL', async () => {
    const child = await start(STAY);
    child.child.kill('SIGSTOP');
    expect(await child.stop({ graceMs: 20_000 })).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it("stops by closing the IPC channel, letting a Node child that exits on 'disconnect' end normally", async () => {
    const child = await start(`process.on('disconnect', () => process.exit(0)); ${STAY}`, { ipc: true });
    expect(await child.stop({ signal: 'disconnect', graceMs: 20_000 })).toEqual({ code: 0, signal: null });
  });
});

describe('a process started by a process that exits', () => {
  const built = join(__dirname, '..', 'dist', 'index.js');

  /** Accepts the grandchild's connection: its close is the sign that the grandchild died. */
  async function listenForGrandchild(): Promise<{ port: number; connection: Promise<Socket>; close(): void }> {
    const server = createServer();
    const connection = new Promise<Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { port: address.port, connection, close: () => server.close() };
  }

  it.each([
    ['calls process.exit', 'process.exit(0)'],
    ['throws', "throw new Error('the parent fails')"],
  ])('is killed when its parent %s', async (_how, ending) => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm --filter @tim/process build\` first.`);
    const listener = await listenForGrandchild();
    const grandchild = `require('node:net').connect(Number(process.env.PORT), '127.0.0.1', () => console.log('connected')); ${STAY}`;
    const parent = await startProcess({
      name: 'parent',
      args: script(`
        const { startProcess } = require(${JSON.stringify(built)});
        startProcess({ name: 'grandchild', args: ['-e', ${JSON.stringify(grandchild)}] })
          .then((child) => child.waitForLine(/connected/))
          .then(() => { ${ending}; });`),
      env: { ...process.env, PORT: String(listener.port) },
    });
    const socket = await listener.connection;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.resume();
    expect((await parent.exited).code).toBe(ending.startsWith('throw') ? 1 : 0);
    // The grandchild never exits on its own: its connection closes only when it is killed.
    await closed;
    listener.close();
  });
});
