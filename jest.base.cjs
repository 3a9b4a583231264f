/**
 * What every package's jest config shares: TypeScript through ts-jest, Node as the environment,
 * and a test time limit that leaves room for real servers and browsers on a 2-core machine.
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testTimeout: 30_000,
};
