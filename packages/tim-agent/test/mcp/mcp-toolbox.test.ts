import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpServerConfig } from '../../src/persona/persona-schema';
import { createMcpToolbox, type McpToolbox } from '../../src/tools/mcp-toolbox';
import { createLogRecorder } from '../support/log-recorder';

/** tim-mcp-tools, built: turbo's test task builds dependencies first. */
const TOOLS_SERVER = join(__dirname, '..', '..', '..', 'tim-mcp-tools', 'dist', 'cli.js');
const CRASHING_SERVER = join(__dirname, '..', 'support', 'crashing-mcp-server.cjs');

function waitForChange(toolbox: McpToolbox, isWanted: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (isWanted()) return resolve();
    const timer = setTimeout(() => reject(new Error(`${what} not seen within ${timeoutMs} ms`)), timeoutMs);
    toolbox.onChange(() => {
      if (!isWanted()) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('McpToolbox', () => {
  let dir: string;
  let toolbox: McpToolbox | undefined;

  beforeEach(async () => {
    if (!existsSync(TOOLS_SERVER)) throw new Error(`${TOOLS_SERVER} is missing: build @tim/mcp-tools first.`);
    dir = await mkdtemp(join(tmpdir(), 'tim-agent-mcp-'));
  });

  afterEach(async () => {
    await toolbox?.close();
    toolbox = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  let logs = createLogRecorder();
  const start = (servers: McpServerConfig[]): McpToolbox => {
    logs = createLogRecorder();
    toolbox = createMcpToolbox({
      servers,
      callTimeoutMs: 5000,
      log: logs.logger,
      restartBackoff: { minMs: 50, maxMs: 200 },
    });
    return toolbox;
  };

  it('offers the allowlisted tools of a real stdio server as abilities and runs them', async () => {
    const box = start([
      {
        name: 'offline',
        command: 'node',
        args: [TOOLS_SERVER],
        env: { TIM_NOTES_FILE: join(dir, 'notes.json') },
        tools: ['calculate', 'notes_add'],
      },
    ]);
    await waitForChange(box, () => box.abilities().length > 0, 'the abilities');
    expect(box.abilities().map((ability) => ability.name)).toEqual(['calculate', 'notes_add']);
    expect(box.abilities()[0]?.parameters).toMatchObject({ type: 'object', required: ['expression'] });

    expect(await box.call('calculate', { expression: '6 * 7' })).toEqual({ result: '42' });
    expect(await box.call('calculate', { expression: '6 *' })).toEqual({ error: 'The expression ends too early.' });
    expect(await box.call('now', {})).toEqual({ error: "No tool behind the ability 'now' is running now." });
    await box.call('notes_add', { text: 'kept by the agent' });
    expect(JSON.parse(await readFile(join(dir, 'notes.json'), 'utf8')).notes[0].text).toBe('kept by the agent');
  });

  it('withdraws the abilities of a crashed server and offers them again once it was restarted', async () => {
    const crashLog = join(dir, 'starts.log');
    const box = start([{ name: 'crashing', command: 'node', args: [CRASHING_SERVER], env: { CRASH_LOG: crashLog } }]);
    const seen: string[][] = [];
    box.onChange(() => seen.push(box.abilities().map((ability) => ability.name)));
    await waitForChange(box, () => box.abilities().length === 2, 'the abilities');
    expect(await box.call('echo', { text: 'hi' })).toEqual({ result: 'hi' });

    const crashed = await box.call('crash', {});
    expect(crashed).toMatchObject({ error: expect.stringMatching(/^The tool failed: /) });
    await waitForChange(box, () => seen.length >= 3 && box.abilities().length === 2, 'the restart');
    expect(seen.slice(0, 3)).toEqual([['echo', 'crash'], [], ['echo', 'crash']]);
    expect(await box.call('echo', { text: 'back' })).toEqual({ result: 'back' });
    expect((await readFile(crashLog, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('keeps trying a server that cannot start, and its close stops the tries', async () => {
    const box = start([{ name: 'missing', command: 'node', args: [join(dir, 'no-such-server.js')], env: {} }]);
    const notStarted = (entry: Record<string, unknown>): boolean =>
      entry.message === 'MCP server not started' && entry.mcpServer === 'missing';
    await logs.waitForCount('failed starts', notStarted, 2);
    expect(box.abilities()).toEqual([]);
    await box.close();
    const count = logs.entries.filter(notStarted).length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(logs.entries.filter(notStarted)).toHaveLength(count);
  });
});
