import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

/** The built server; turbo's test task builds first, by hand run `pnpm --filter @tim/mcp-tools build`. */
const SERVER_PATH = join(__dirname, '..', 'dist', 'cli.js');

interface TextResult {
  content: { type: string; text?: string }[];
  isError?: boolean;
}

const textOf = (result: unknown): string =>
  (result as TextResult).content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');

describe('tim-mcp-tools over stdio', () => {
  let dir: string;
  let client: Client;

  beforeEach(async () => {
    if (!existsSync(SERVER_PATH)) throw new Error(`${SERVER_PATH} is missing: run the package's build first.`);
    dir = await mkdtemp(join(tmpdir(), 'tim-mcp-tools-'));
    client = new Client({ name: 'test', version: '0.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [SERVER_PATH],
        env: { TIM_NOTES_FILE: join(dir, 'notes.json') },
        stderr: 'pipe',
      }),
    );
  });

  afterEach(async () => {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists its four tools with JSON Schemas of their parameters', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['calculate', 'notes_add', 'notes_search', 'now']);
    const calculate = tools.find((tool) => tool.name === 'calculate');
    expect(calculate?.inputSchema).toMatchObject({
      type: 'object',
      properties: { expression: { type: 'string' } },
      required: ['expression'],
    });
  });

  it('calculates, and answers a bad expression with an error result', async () => {
    expect(textOf(await client.callTool({ name: 'calculate', arguments: { expression: '(17 + 5) * 3 / 2' } }))).toBe(
      '33',
    );
    const bad = (await client.callTool({ name: 'calculate', arguments: { expression: '2 +' } })) as TextResult;
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toBe('The expression ends too early.');
  });

  it('tells the time in a time zone and refuses an unknown zone', async () => {
    const before = Date.now();
    const zoned = JSON.parse(textOf(await client.callTool({ name: 'now', arguments: { timeZone: 'Asia/Tokyo' } })));
    expect(zoned).toMatchObject({ timeZone: 'Asia/Tokyo', offset: 'GMT+09:00' });
    expect(Date.parse(zoned.iso)).toBeGreaterThanOrEqual(before - 1000);
    const unknown = (await client.callTool({ name: 'now', arguments: { timeZone: 'Mars/Olympus' } })) as TextResult;
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toBe('Unknown time zone "Mars/Olympus".');
  });

  it('keeps notes in its file and finds them by every word, newest first', async () => {
    await client.callTool({ name: 'notes_add', arguments: { text: 'Release notes for v1.2', tags: ['release'] } });
    await client.callTool({ name: 'notes_add', arguments: { text: 'Lunch on Friday' } });
    await client.callTool({ name: 'notes_add', arguments: { text: 'Release party on Friday' } });

    const found = JSON.parse(textOf(await client.callTool({ name: 'notes_search', arguments: { query: 'release' } })));
    expect(found.map((note: { text: string }) => note.text)).toEqual([
      'Release party on Friday',
      'Release notes for v1.2',
    ]);
    const both = JSON.parse(
      textOf(await client.callTool({ name: 'notes_search', arguments: { query: 'friday RELEASE' } })),
    );
    expect(both.map((note: { text: string }) => note.text)).toEqual(['Release party on Friday']);
    expect(textOf(await client.callTool({ name: 'notes_search', arguments: { query: 'dinner' } }))).toBe(
      'No notes found.',
    );
    const file = JSON.parse(await readFile(join(dir, 'notes.json'), 'utf8'));
    expect(file.notes).toHaveLength(3);
  });

  it('refuses arguments that do not match the schema', async () => {
    const result = (await client.callTool({ name: 'notes_add', arguments: { text: '' } })) as TextResult;
    expect(result.isError).toBe(true);
  });
});
