import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { calculate, CalculationError, EXPRESSION_MAX_CHARS } from './calculate';
import { timeIn } from './clock';
import { createNotesStore, NOTE_MAX_CHARS } from './notes';

export interface ToolsServerOptions {
  /** The JSON file `notes_add` writes and `notes_search` reads. */
  notesFile: string;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
}

export const TOOLS_SERVER_NAME = 'tim-mcp-tools';

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
const failure = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }], isError: true });

/** An MCP server with four tools that need no network: calculate, now, notes_add, notes_search. */
export function createToolsServer(options: ToolsServerOptions): McpServer {
  const now = options.now ?? Date.now;
  const notes = createNotesStore({ file: options.notesFile, now });
  const server = new McpServer({ name: TOOLS_SERVER_NAME, version: '0.1.0' });

  server.registerTool(
    'calculate',
    {
      description:
        'Evaluates an arithmetic expression: + - * / % ^, parentheses, pi, e, sqrt, abs, round, floor, ceil, sin, cos, tan, ln, log, exp, min, max.',
      inputSchema: { expression: z.string().min(1).max(EXPRESSION_MAX_CHARS).describe('e.g. "(17 + 5) * 3 / 2"') },
    },
    ({ expression }) => {
      try {
        return text(String(calculate(expression)));
      } catch (err) {
        if (err instanceof CalculationError) return failure(err.message);
        throw err;
      }
    },
  );

  server.registerTool(
    'now',
    {
      description: 'The current date and time in a time zone (IANA name such as Europe/Paris; UTC when omitted).',
      inputSchema: { timeZone: z.string().min(1).max(64).optional().describe('IANA time zone, e.g. America/New_York') },
    },
    ({ timeZone }) => {
      try {
        return text(JSON.stringify(timeIn(timeZone ?? 'UTC', now())));
      } catch (err) {
        if (err instanceof RangeError) return failure(`Unknown time zone "${timeZone}".`);
        throw err;
      }
    },
  );

  server.registerTool(
    'notes_add',
    {
      description: 'Keeps a note (text and optional tags) in the shared notes file.',
      inputSchema: {
        text: z.string().trim().min(1).max(NOTE_MAX_CHARS),
        tags: z.array(z.string().trim().min(1).max(40)).max(10).optional(),
      },
    },
    async (input) => {
      const note = await notes.add(input);
      return text(JSON.stringify({ id: note.id, createdAt: note.createdAt }));
    },
  );

  server.registerTool(
    'notes_search',
    {
      description:
        'Finds notes holding every word of the query (text or tags, any case), newest first; an empty query lists the newest.',
      inputSchema: {
        query: z.string().max(200).describe('words to look for'),
        limit: z.number().int().min(1).max(50).optional().describe('at most this many notes; default 10'),
      },
    },
    async ({ query, limit }) => {
      const found = await notes.search(query, limit ?? 10);
      return text(found.length === 0 ? 'No notes found.' : JSON.stringify(found));
    },
  );

  return server;
}
