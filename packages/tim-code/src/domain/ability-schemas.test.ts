import type { Ability, AbilityParameters } from '@tim/protocol';
import { createAbilitySchemas } from './ability-schemas';
import { TimError } from './tim-error';

const searchParameters = {
  type: 'object',
  properties: { query: { type: 'string', minLength: 1 }, since: { type: 'string', format: 'date' } },
  required: ['query'],
  additionalProperties: false,
} as const;
const search: Ability = { name: 'search', description: 'Searches.', parameters: searchParameters };

function thrown(run: () => void): TimError {
  try {
    run();
  } catch (err) {
    if (err instanceof TimError) return err;
    throw err;
  }
  throw new Error('nothing thrown');
}

describe('createAbilitySchemas', () => {
  it('accepts arguments that fit and names every mismatch of those that do not', () => {
    const schemas = createAbilitySchemas();
    expect(schemas.argumentIssues(searchParameters, { query: 'release notes', since: '2026-12-01' })).toEqual([]);
    expect(schemas.argumentIssues(searchParameters, { since: 'yesterday', extra: 1 })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '', keyword: 'required' }),
        expect.objectContaining({ path: '', keyword: 'additionalProperties' }),
        expect.objectContaining({ path: '/since', keyword: 'format' }),
      ]),
    );
  });

  it('refuses a declaration with a name twice or a schema that does not compile', () => {
    const schemas = createAbilitySchemas();
    expect(() => schemas.checkDeclaration([search])).not.toThrow();
    expect(thrown(() => schemas.checkDeclaration([search, search])).message).toMatch(/"search" is declared twice/);
    const broken: Ability = {
      name: 'broken',
      description: '',
      parameters: { type: 'object', properties: { n: { type: 'integer', minimum: 'zero' } } },
    };
    const error = thrown(() => schemas.checkDeclaration([broken]));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/parameters of "broken"/);
    const remote: Ability = {
      name: 'remote',
      description: '',
      parameters: { type: 'object', $ref: 'https://example.com/x' },
    };
    expect(thrown(() => schemas.checkDeclaration([remote])).code).toBe('invalid_request');
  });

  it('lets two schemas share an $id and keeps at most its cache size compiled', () => {
    const schemas = createAbilitySchemas({ cacheSize: 3 });
    const withId = (maximum: number): AbilityParameters => ({
      $id: 'https://example.com/same',
      type: 'object',
      properties: { n: { type: 'number', maximum } },
    });
    schemas.checkDeclaration([{ name: 'a', description: '', parameters: withId(1) }]);
    schemas.checkDeclaration([{ name: 'b', description: '', parameters: withId(2) }]);
    expect(schemas.argumentIssues(withId(1), { n: 2 })).toHaveLength(1);
    expect(schemas.argumentIssues(withId(2), { n: 2 })).toEqual([]);
    for (let maximum = 3; maximum < 10; maximum += 1) schemas.argumentIssues(withId(maximum), { n: 0 });
    expect(schemas.size).toBe(3);
    // An evicted schema compiles again and still checks.
    expect(schemas.argumentIssues(withId(1), { n: 2 })).toHaveLength(1);
  });
});
