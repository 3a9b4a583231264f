import { join } from 'node:path';

/**
 * Path of a compiled module of this package (relative to dist/), for forking it. Child
 * processes always run the build: this file sits one level below the package root both as
 * src/built-path.ts (under ts-jest) and as dist/built-path.js, so tests need `pnpm build` first.
 */
export function builtModulePath(relativeToDist: string): string {
  return join(__dirname, '..', 'dist', relativeToDist);
}
