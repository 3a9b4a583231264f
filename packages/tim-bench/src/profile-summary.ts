#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * Where a server's CPU went: reads a V8 `.cpuprofile` (from `pnpm bench --cpu-prof DIR`) and
 * prints self time by package and by function, idle time left out.
 * Usage: node dist/profile-summary.js FILE.cpuprofile [topN]
 */
const CpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type CpuProfile = z.infer<typeof CpuProfile>;

export interface ProfileRow {
  name: string;
  selfMs: number;
  share: number;
}

/** Which package (or part of tim-code, or V8 itself) a frame's URL belongs to. */
export function categorize(url: string, functionName: string): string {
  if (url === '')
    return functionName === '(garbage collector)' ? 'V8: garbage collector' : `V8: ${functionName || '(native)'}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0] ?? ''}`;
  const pnpmPackage = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pnpmPackage?.[1] !== undefined) return pnpmPackage[1];
  const workspace = /packages\/(tim-[a-z]+)\/dist\/(?:cjs\/)?([^/]+)/.exec(url);
  if (workspace?.[1] !== undefined) return `${workspace[1]}: ${workspace[2]?.replace(/\.js$/, '') ?? ''}`;
  return url;
}

export function summarizeProfile(profile: CpuProfile): {
  totalMs: number;
  byCategory: ProfileRow[];
  byFunction: ProfileRow[];
} {
  const nodesById = new Map(profile.nodes.map((node) => [node.id, node]));
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((nodeId, index) => {
    const node = nodesById.get(nodeId);
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    if (node === undefined || node.callFrame.functionName === '(idle)') return;
    const { url, functionName, lineNumber } = node.callFrame;
    const category = categorize(url, functionName);
    totalMs += ms;
    byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
    const where = url === '' ? '' : ` ${url.split('/').slice(-1)[0] ?? ''}:${lineNumber + 1}`;
    const name = `${functionName || '(anonymous)'}${where} [${category}]`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  });
  const rows = (map: Map<string, number>): ProfileRow[] =>
    [...map.entries()]
      .map(([name, selfMs]) => ({ name, selfMs, share: totalMs > 0 ? selfMs / totalMs : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs, byCategory: rows(byCategory), byFunction: rows(byFunction) };
}

async function main(): Promise<void> {
  const [file, top = '25'] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: node dist/profile-summary.js FILE.cpuprofile [topN]');
  const summary = summarizeProfile(CpuProfile.parse(JSON.parse(await readFile(file, 'utf8'))));
  const format = (row: ProfileRow) =>
    `${(row.share * 100).toFixed(1).padStart(5)}%  ${row.selfMs.toFixed(0).padStart(6)} ms  ${row.name}`;
  process.stdout.write(`busy (non-idle) CPU in profile: ${summary.totalMs.toFixed(0)} ms\n\nby package:\n`);
  process.stdout.write(`${summary.byCategory.slice(0, Number(top)).map(format).join('\n')}\n\nby function:\n`);
  process.stdout.write(`${summary.byFunction.slice(0, Number(top)).map(format).join('\n')}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
