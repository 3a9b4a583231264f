import { AbilityName } from '@tim/protocol';

/**
 * An MCP tool's name as an ability name: lowercase, every character an ability name cannot
 * hold becomes "_", a name not starting with a letter gets a "t_" prefix, at most 64
 * characters. Undefined when even that is not an ability name.
 */
export function toAbilityName(toolName: string): string | undefined {
  let name = toolName.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  if (!/^[a-z]/.test(name)) name = `t_${name}`;
  name = name.slice(0, 64);
  return AbilityName.safeParse(name).success ? name : undefined;
}
