import type { TimClient, TimiteAbilities } from '@tim/protocol';
import { describeError } from '../describe-error';
import type { LlmTool } from '../llm/llm-provider';
import type { Logger } from '../logger';

/** What a function name the model sees stands for: an ability of a timite in the space. */
export interface ToolTarget {
  timiteId: number;
  nick: string;
  ability: string;
}

/** The abilities declared in a space as the model's function tools, and what each name calls. */
export interface SpaceTools {
  tools: LlmTool[];
  targets: Map<string, ToolTarget>;
}

/** OpenAI allows function names of 1–64 letters, digits, "_" and "-". */
const FUNCTION_NAME_MAX_CHARS = 64;

/** `nick__ability`, with anything a function name cannot hold as "_", cut to 64 characters. */
export function toolNameOf(nick: string, ability: string): string {
  return `${nick}__${ability}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, FUNCTION_NAME_MAX_CHARS);
}

/**
 * Every ability declared in the space, this agent's own included (its calls to them go through
 * the server too, so they show in the timeline), as function tools named `nick__ability`.
 * A name that two abilities would share is given to the first only.
 */
export function toSpaceTools(declared: readonly TimiteAbilities[]): SpaceTools {
  const tools: LlmTool[] = [];
  const targets = new Map<string, ToolTarget>();
  for (const { timite, abilities } of declared) {
    for (const ability of abilities) {
      const name = toolNameOf(timite.nick, ability.name);
      if (targets.has(name)) continue;
      targets.set(name, { timiteId: timite.id, nick: timite.nick, ability: ability.name });
      tools.push({
        name,
        description: `@${timite.nick}'s ability "${ability.name}": ${ability.description}`,
        parameters: ability.parameters,
      });
    }
  }
  return { tools, targets };
}

/** The space's tools as the server lists them now; none when it cannot say (an old server, a failure). */
export async function readSpaceTools(client: TimClient, spaceId: string, log: Logger): Promise<SpaceTools> {
  try {
    return toSpaceTools((await client.listAbilities(spaceId)).timites);
  } catch (err) {
    log.debug('abilities not read; the turn has no tools', { spaceId, ...describeError(err) });
    return { tools: [], targets: new Map() };
  }
}
