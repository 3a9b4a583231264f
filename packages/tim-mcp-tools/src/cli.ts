#!/usr/bin/env node
import { resolve } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createToolsServer } from './tools-server';

/** Where the notes live unless TIM_NOTES_FILE says otherwise, relative to the working directory. */
export const DEFAULT_NOTES_FILE = 'notes.json';

/** Serves the tools over stdin/stdout until stdin closes; stdout carries only protocol messages. */
async function main(): Promise<void> {
  const notesFile = resolve(process.env.TIM_NOTES_FILE?.trim() || DEFAULT_NOTES_FILE);
  const server = createToolsServer({ notesFile });
  const transport = new StdioServerTransport();
  transport.onclose = () => process.exit(0);
  process.stdin.once('end', () => {
    void server.close().finally(() => process.exit(0));
  });
  await server.connect(transport);
}

main().catch((err: unknown) => {
  process.stderr.write(`tim-mcp-tools failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
