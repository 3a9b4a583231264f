import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from '../logger';
import type { McpServerConfig } from '../persona/persona-schema';
import type { McpCallResult } from './tool-outcome';

/** A tool an MCP server lists, as the agent uses it. */
export interface McpTool {
  name: string;
  description: string;
  /** The tool's JSON Schema of its arguments (an object schema). */
  inputSchema: Record<string, unknown>;
}

/** One running MCP server, started over stdio. */
export interface McpToolServer {
  readonly name: string;
  /** The allowlisted tools it listed when it started. */
  readonly tools: readonly McpTool[];
  /** Calls a tool; rejects when the server fails or the call times out or is aborted. */
  call(
    toolName: string,
    args: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<McpCallResult>;
  /** Resolves when the server's process is gone: it exited or crashed, or `close()` ended it. */
  readonly exited: Promise<void>;
  close(): Promise<void>;
}

const CLIENT_INFO = { name: 'tim-agent', version: '0.1.0' };
/** A listing of more tools than this is cut: an agent declares at most 32 abilities anyway. */
const MAX_LISTED_PAGES = 10;
/** How long starting the server and listing its tools may take, in ms. */
export const MCP_START_TIMEOUT_MS = 20_000;

/**
 * Starts an MCP server (the official SDK's stdio client: its own process, JSON-RPC over stdin
 * and stdout), initialises it and lists its tools, keeping those the allowlist names. Its
 * stderr goes to the log at debug. Rejects when it cannot be started or listed.
 */
export async function startMcpToolServer(config: McpServerConfig, log: Logger): Promise<McpToolServer> {
  const serverLog = log.child({ mcpServer: config.name });
  const transport = new StdioClientTransport({
    // `node` is the Node.js running the agent, whatever PATH holds.
    command: config.command === 'node' ? process.execPath : config.command,
    args: config.args,
    env: config.env,
    ...(config.cwd !== undefined && { cwd: config.cwd }),
    stderr: 'pipe',
  });
  const stderr = transport.stderr;
  if (stderr !== null) {
    createInterface({ input: stderr as Readable }).on('line', (line) => serverLog.debug('mcp server stderr', { line }));
  }
  const client = new Client(CLIENT_INFO);
  const exited = new Promise<void>((resolve) => {
    client.onclose = () => resolve();
  });
  client.onerror = (error) => serverLog.debug('mcp transport error', { error: error.message });
  try {
    await client.connect(transport, { timeout: MCP_START_TIMEOUT_MS });
    const listed = await listAllTools(client);
    const tools = keepAllowed(listed, config.tools, serverLog);
    return {
      name: config.name,
      tools,
      async call(toolName, args, { timeoutMs, signal }) {
        return (await client.callTool({ name: toolName, arguments: args }, undefined, {
          timeout: timeoutMs,
          ...(signal && { signal }),
        })) as McpCallResult;
      },
      exited,
      close: () => client.close(),
    };
  } catch (err) {
    await client.close();
    throw err;
  }
}

async function listAllTools(client: Client): Promise<McpTool[]> {
  const tools: McpTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LISTED_PAGES; page += 1) {
    const listed = await client.listTools(cursor === undefined ? undefined : { cursor }, {
      timeout: MCP_START_TIMEOUT_MS,
    });
    for (const tool of listed.tools) {
      tools.push({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema });
    }
    cursor = listed.nextCursor;
    if (cursor === undefined) break;
  }
  return tools;
}

function keepAllowed(tools: McpTool[], allowlist: readonly string[] | undefined, log: Logger): McpTool[] {
  if (allowlist === undefined) return tools;
  const listed = new Set(tools.map((tool) => tool.name));
  const missing = allowlist.filter((name) => !listed.has(name));
  if (missing.length > 0) log.warn('allowlisted tools the MCP server does not list', { missing });
  return tools.filter((tool) => allowlist.includes(tool.name));
}
