import type { Ability, AbilityParameters, JsonValue } from '@tim/protocol';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { TimError } from './tim-error';

/** One mismatch between arguments and a parameters schema, as a client is told it. */
export interface ArgumentIssue {
  /** JSON Pointer into the arguments: '' for the object itself, '/query' for a field. */
  path: string;
  /** The JSON Schema keyword that failed: 'required', 'type', 'maxLength', … */
  keyword: string;
  message: string;
}

/** Compiles declared parameters schemas and checks call arguments against them. */
export interface AbilitySchemas {
  /**
   * Checks a declaration: distinct names, and every parameters schema compiles. Throws
   * `invalid_request` naming the first ability that does not.
   */
  checkDeclaration(abilities: readonly Ability[]): void;
  /** The arguments' mismatches with the schema; empty when they fit. */
  argumentIssues(parameters: AbilityParameters, args: Record<string, JsonValue>): ArgumentIssue[];
  /** Compiled schemas held; at most the cache size. */
  readonly size: number;
}

/** Distinct schemas kept compiled; a declaration re-sent at every reconnect finds its own. */
const DEFAULT_CACHE_SIZE = 500;

/**
 * ajv with strict mode off (schemas come from any client, with keywords ajv does not know)
 * and the formats of ajv-formats. Compiled validators are cached by the schema's JSON, least
 * recently used first out. ajv keeps every schema it compiled in a map of its own; each is
 * removed from it at once, so the cache here is the only one and stays bounded.
 */
export function createAbilitySchemas(options: { cacheSize?: number } = {}): AbilitySchemas {
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  // addUsedSchema off: two timites' schemas with the same $id must not collide.
  const ajv = new Ajv({ strict: false, allErrors: true, addUsedSchema: false });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();

  function compile(parameters: AbilityParameters): ValidateFunction {
    const key = JSON.stringify(parameters);
    const cached = compiled.get(key);
    if (cached !== undefined) {
      // Most recently used goes last.
      compiled.delete(key);
      compiled.set(key, cached);
      return cached;
    }
    const schema = JSON.parse(key) as object;
    try {
      const validate = ajv.compile(schema);
      compiled.set(key, validate);
      if (compiled.size > cacheSize) {
        const oldest = compiled.keys().next().value;
        if (oldest !== undefined) compiled.delete(oldest);
      }
      return validate;
    } finally {
      ajv.removeSchema(schema);
    }
  }

  return {
    checkDeclaration(abilities) {
      const seen = new Set<string>();
      for (const ability of abilities) {
        if (seen.has(ability.name)) {
          throw new TimError('invalid_request', `The ability "${ability.name}" is declared twice.`);
        }
        seen.add(ability.name);
        try {
          compile(ability.parameters);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          throw new TimError(
            'invalid_request',
            `The parameters of "${ability.name}" are not a usable JSON Schema: ${reason}`,
            {
              details: { ability: ability.name, reason },
            },
          );
        }
      }
    },

    argumentIssues(parameters, args) {
      const validate = compile(parameters);
      if (validate(args)) return [];
      return (validate.errors ?? []).map(toIssue);
    },

    get size() {
      return compiled.size;
    },
  };
}

function toIssue(error: ErrorObject): ArgumentIssue {
  return { path: error.instancePath, keyword: error.keyword, message: error.message ?? 'does not match' };
}
