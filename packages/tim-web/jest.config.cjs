/**
 * tim-web is an ESM package, but its tests run as CommonJS: ts-jest compiles the pure
 * view-models and the e2e drivers to CommonJS, and `@tim/protocol` resolves to its cjs build.
 * @type {import('jest').Config}
 */
const { dirname, join } = require('node:path');

/** marked ships ESM only, plus a UMD build that CommonJS can load. */
const markedUmd = join(dirname(require.resolve('marked/package.json')), 'lib/marked.umd.js');

module.exports = {
  ...require('../../jest.base.cjs'),
  preset: undefined,
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'CommonJS',
          moduleResolution: 'Node10',
          verbatimModuleSyntax: false,
          isolatedModules: true,
          esModuleInterop: true,
        },
      },
    ],
  },
  moduleNameMapper: { '^marked$': markedUmd },
  testTimeout: 120_000,
};
