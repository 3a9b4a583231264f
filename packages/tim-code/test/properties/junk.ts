import fc from 'fast-check';

/*
 * Generators of malformed input shared by the property tests. Each aims at one way a client
 * gets a request wrong: wrong types for known fields, unknown fields, JSON that is not an
 * object, text that is not JSON, numbers past what a double holds, prototype-pollution keys.
 */

/** Any JSON-serialisable value, including nested objects with odd keys. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.jsonValue({ maxDepth: 2 }),
  // Strings get past the type check and reach the format and length checks.
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/),
  fc.constantFrom(
    '',
    ' ',
    'main',
    '\u0000',
    '😀'.repeat(3),
    'x'.repeat(300),
    'y'.repeat(4001),
    -1,
    0,
    1.5,
    2 ** 53,
    -0,
    true,
    null,
  ),
);

/** Number literals that JSON allows but a double cannot hold exactly (or at all). */
export const hugeNumberText = fc.oneof(
  fc.constantFrom('1e400', '-1e400', '1e-400', '9007199254740993', '-0', '0.0000001', '123456789012345678901234567890'),
  fc.bigInt().map(String),
);

const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** An object using some of the given field names with junk values, maybe plus unknown fields. */
export function junkObject(fields: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const known = fc.record(Object.fromEntries(fields.map((field) => [field, junkValue])), { requiredKeys: [] });
  const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...DANGEROUS_KEYS)), junkValue, {
    maxKeys: 2,
  });
  return fc.tuple(known, fc.option(extra, { nil: undefined })).map(([base, more]) => ({ ...base, ...(more ?? {}) }));
}

/**
 * Text of a request body or frame: mostly JSON of the right shape with junk inside, but also
 * plain JSON values, text that is not JSON at all, arrays and huge numbers.
 */
export function junkJsonText(fields: readonly string[], fixed: Record<string, unknown> = {}): fc.Arbitrary<string> {
  const withFixed = junkObject(fields).map((object) => ({ ...object, ...fixed }));
  return fc.oneof(
    { weight: 5, arbitrary: withFixed.map((object) => JSON.stringify(object)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.array(withFixed, { maxLength: 3 }).map((items) => JSON.stringify(items)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...fields), hugeNumberText).map(
        ([field, number]) =>
          `{${Object.entries(fixed)
            .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
            .join('')}"${field}":${number}}`,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '}',
        '[]',
        'null',
        '"text"',
        '{"a":1,}',
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
      ),
    },
  );
}
