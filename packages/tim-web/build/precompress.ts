import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text assets worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map)$/;

/**
 * Writes `<file>.br` and `<file>.gz` next to each text asset of the build, at the strongest
 * settings: done once per build, so tim-code sends the smaller bytes without compressing per
 * request. A variant no smaller than the file is not written, and the server sends the file.
 */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'tim-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name));
      await Promise.all(files.map((name) => writeVariants(join(outDir, name))));
    },
  };
}

async function writeVariants(file: string): Promise<void> {
  const body = await readFile(file);
  const variants: [string, Buffer][] = [
    ['.br', await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } })],
    ['.gz', await gzipAsync(body, { level: constants.Z_BEST_COMPRESSION })],
  ];
  await Promise.all(
    variants
      .filter(([, compressed]) => compressed.length < body.length)
      .map(([suffix, compressed]) => writeFile(file + suffix, compressed)),
  );
}
