import { setTimeout as delay } from 'node:timers/promises';
import {
  ABILITIES_PER_DECLARATION_MAX,
  ABILITY_DESCRIPTION_MAX_CHARS,
  Ability,
  backoffDelay,
  type AbilityOutcomeRequest,
} from '@tim/protocol';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';
import type { McpServerConfig } from '../persona/persona-schema';
import { toAbilityName } from './ability-names';
import { startMcpToolServer, type McpToolServer } from './mcp-tool-server';
import { failureOutcome, toOutcome } from './tool-outcome';

/**
 * The MCP servers of one persona and the abilities their tools give it. A server that exits
 * without being asked to (a crash) is started again with backoff; while it is down its
 * abilities are withdrawn (the set shrinks, and `onChange` says so), and they come back with it.
 */
export interface McpToolbox {
  /** The abilities the running servers give, in persona order. */
  abilities(): Ability[];
  /** Called whenever `abilities()` changed. */
  onChange(listener: () => void): void;
  /** Runs the tool behind an ability; never throws: a failure is an `{ error }` outcome. */
  call(ability: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<AbilityOutcomeRequest>;
  /** Stops every server and every restart; resolves once their processes are gone. */
  close(): Promise<void>;
}

export interface McpToolboxOptions {
  servers: readonly McpServerConfig[];
  log: Logger;
  /** One tool call's timeout, in ms. */
  callTimeoutMs: number;
  /** Delays before restarting a crashed server, in ms (full jitter). @default { minMs: 1000, maxMs: 60000 } */
  restartBackoff?: { minMs: number; maxMs: number };
  /** A server that ran this long before it exited starts its restarts from the shortest delay again, in ms. @default 60000 */
  healthyAfterMs?: number;
}

interface Entry {
  ability: Ability;
  server: McpToolServer;
  toolName: string;
}

export function createMcpToolbox(options: McpToolboxOptions): McpToolbox {
  const { log } = options;
  const backoff = options.restartBackoff ?? { minMs: 1000, maxMs: 60_000 };
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;
  const running = new Map<string, McpToolServer>();
  const listeners: (() => void)[] = [];
  const stopping = new AbortController();
  let entries = new Map<string, Entry>();

  function rebuild(): void {
    const next = new Map<string, Entry>();
    for (const config of options.servers) {
      const server = running.get(config.name);
      if (server === undefined) continue;
      for (const tool of server.tools) {
        const name = toAbilityName(tool.name);
        const parsed = Ability.safeParse({
          name,
          description: tool.description.slice(0, ABILITY_DESCRIPTION_MAX_CHARS),
          parameters: tool.inputSchema,
        });
        if (name === undefined || !parsed.success) {
          log.warn('MCP tool not offered: it does not make an ability', { mcpServer: server.name, tool: tool.name });
        } else if (next.has(name)) {
          log.warn('MCP tool not offered: another tool has its ability name', {
            mcpServer: server.name,
            tool: tool.name,
            ability: name,
          });
        } else if (next.size >= ABILITIES_PER_DECLARATION_MAX) {
          log.warn('MCP tool not offered: too many abilities', { mcpServer: server.name, tool: tool.name });
        } else {
          next.set(name, { ability: parsed.data, server, toolName: tool.name });
        }
      }
    }
    entries = next;
    for (const listener of listeners) listener();
  }

  /** Keeps one server running until the toolbox closes: starts it, and starts it again after every exit. */
  async function keepRunning(config: McpServerConfig): Promise<void> {
    const signal = stopping.signal;
    for (let attempt = 0; !signal.aborted;) {
      const startedMs = Date.now();
      try {
        const server = await startMcpToolServer(config, log);
        if (signal.aborted) {
          await server.close();
          return;
        }
        running.set(config.name, server);
        log.info('MCP server started', { mcpServer: config.name, tools: server.tools.map((tool) => tool.name) });
        rebuild();
        await server.exited;
        running.delete(config.name);
        if (signal.aborted) return;
        log.warn('MCP server exited; its abilities are withdrawn until it is back', { mcpServer: config.name });
        rebuild();
      } catch (err) {
        if (signal.aborted) return;
        log.warn('MCP server not started', { mcpServer: config.name, ...describeError(err) });
      }
      attempt = Date.now() - startedMs >= healthyAfterMs ? 0 : attempt + 1;
      try {
        await delay(Math.max(backoff.minMs, backoffDelay(attempt, backoff)), undefined, { signal });
      } catch {
        return;
      }
    }
  }

  const kept = options.servers.map((config) => keepRunning(config));

  return {
    abilities: () => [...entries.values()].map((entry) => entry.ability),
    onChange(listener) {
      listeners.push(listener);
    },
    async call(abilityName, args, signal) {
      const entry = entries.get(abilityName);
      if (entry === undefined) return failureOutcome(`No tool behind the ability '${abilityName}' is running now.`);
      try {
        const result = await entry.server.call(entry.toolName, args, {
          timeoutMs: options.callTimeoutMs,
          ...(signal && { signal }),
        });
        return toOutcome(result);
      } catch (err) {
        log.warn('MCP tool call failed', { mcpServer: entry.server.name, tool: entry.toolName, ...describeError(err) });
        return failureOutcome(`The tool failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    async close() {
      stopping.abort();
      await Promise.allSettled([...running.values()].map((server) => server.close()));
      await Promise.allSettled(kept);
    },
  };
}
