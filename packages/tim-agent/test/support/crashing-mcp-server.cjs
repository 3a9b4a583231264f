/*
 * A real MCP server over stdio (the official SDK) that can be made to crash: `echo` answers
 * its text, `crash` ends the process with exit code 1 before answering. Each start writes a
 * line to the file in CRASH_LOG, so a test counts its (re)starts.
 */
const { appendFileSync } = require('node:fs');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { z } = require('zod');

if (process.env.CRASH_LOG) appendFileSync(process.env.CRASH_LOG, `started ${process.pid}\n`);
const server = new McpServer({ name: 'crashing', version: '0.0.0' });
server.registerTool('echo', { description: 'Answers its text.', inputSchema: { text: z.string() } }, ({ text }) => ({
  content: [{ type: 'text', text }],
}));
server.registerTool('crash', { description: 'Ends the server.', inputSchema: {} }, () => process.exit(1));
server.connect(new StdioServerTransport()).catch((err) => {
  process.stderr.write(`${err}\n`);
  process.exit(1);
});
