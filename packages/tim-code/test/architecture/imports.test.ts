import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/*
 * The import graph of tim-code's src, read with the TypeScript compiler's own import scanner
 * (type-only imports count: they tie modules together as much as any other). Two rules keep the
 * tree readable: no module reaches itself through its imports, and imports point only down the
 * layers below.
 */

/**
 * Top to bottom. A module imports modules of its own group and of groups in lower layers only:
 * never one above it, nor a neighbour in its own layer.
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['cli.ts', 'index.ts', 'soak'],
  ['app.ts'],
  ['transport/http', 'transport/ws'],
  ['domain', 'realtime', 'rate-limit'],
  ['storage', 'bus'],
  ['logger.ts', 'metrics.ts', 'error-text.ts', 'redacted-url.ts', 'server-node-flags.ts'],
  ['config.ts'],
];

const SRC = resolve(__dirname, '../../src');

type Graph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A relative specifier as Node16 resolution reads it: `./x`, `./x.js` or `./x/index`. */
function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  if (found === undefined) throw new Error(`${relative(SRC, from)}: cannot resolve "${specifier}"`);
  return found;
}

/** Every src module (tests excepted) → the src modules it imports, as paths relative to src. */
function readSrcGraph(): Graph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveRelative(file, specifier))
      .filter((target) => target.startsWith(SRC + sep))
      .map((target) => relative(SRC, target).split(sep).join('/'));
    graph.set(relative(SRC, file).split(sep).join('/'), [...new Set(targets)]);
  }
  return graph;
}

/** The import cycles (strongly connected components of more than one module, or a self-import). */
function findCycles(graph: Graph): string[][] {
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    lowLink.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node) as number, lowLink.get(next) as number));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node) as number, index.get(next) as number));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The group a module belongs to: the longest LAYERS entry that is the module or a folder holding it. */
function groupOf(module: string): string | undefined {
  const groups = LAYERS.flat().filter((group) => module === group || module.startsWith(`${group}/`));
  return groups.sort((a, b) => b.length - a.length)[0];
}

function layerOf(group: string): number {
  return LAYERS.findIndex((layer) => layer.includes(group));
}

/** `importer → imported` for every import that points up a layer or sideways within one. */
function layerViolations(graph: Graph): string[] {
  const violations: string[] = [];
  for (const [importer, imports] of graph) {
    const from = groupOf(importer);
    if (from === undefined) {
      violations.push(`${importer} is in no layer: add its folder to LAYERS`);
      continue;
    }
    for (const imported of imports) {
      const to = groupOf(imported);
      if (to === undefined || to === from) continue;
      if (layerOf(to) <= layerOf(from)) violations.push(`${importer} → ${imported} (${from} may not import ${to})`);
    }
  }
  return violations.sort();
}

describe('the import graph of tim-code src', () => {
  const graph = readSrcGraph();

  it('reads the graph: app.ts imports the WebSocket server, and tests are left out', () => {
    expect(graph.get('app.ts')).toContain('transport/ws/ws-server.ts');
    expect([...graph.keys()].filter((module) => module.endsWith('.test.ts'))).toEqual([]);
  });

  it('finds a cycle and an upward import when one is planted', () => {
    const planted = new Map([...graph, ['config.ts', ['realtime/hub.ts']]]);
    planted.set('realtime/hub.ts', [...(graph.get('realtime/hub.ts') ?? []), 'config.ts']);
    expect(findCycles(planted)).toContainEqual(['config.ts', 'realtime/hub.ts']);
    expect(layerViolations(planted)).toContain('config.ts → realtime/hub.ts (config.ts may not import realtime)');
  });

  it('has no import cycles', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('points only down the layers: cli → app → transport → domain/realtime → storage/bus → shared modules → config', () => {
    expect(layerViolations(graph)).toEqual([]);
  });
});
