import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The shape of the production code, read from its import lines (type-only imports count: they
 * couple modules just the same).
 *
 * 1. Stages, lowest first: errors.ts and threads.ts (leaves any module may use) < datasets/text (the text layer
 *    every stage shares: cleaning, redaction, folding, seeded random) < the rest of datasets
 *    < pipelines < eval < reports < index.ts (the library barrel) < bin. A module imports only from
 *    its own stage or below, never from a higher one.
 * 2. No cycle between modules, within a stage or across.
 * 3. The demo brand (datasets/demo/) is for the `demo` command, `npm run demo:generate`, tests and
 *    benchmarks. Library code never imports it; outside datasets/demo/ only the barrel may, and
 *    only location.ts (where the committed exports are, so `demo` runs from the library too),
 *    never the generator. bin/commands/demo.ts takes it from the barrel.
 * 4. A command (bin/commands/*) imports only the barrel, errors.ts, package.json and the CLI helpers
 *    (bin/_cli.ts, bin/commands/_*.ts), never another command and never a library module directly.
 *    The helpers in bin/commands/ are held to the same rule: the library is reached through the
 *    barrel, whose heavy dependencies (LanceDB, Arrow) load on first use.
 * 5. Every relative import resolves to a production file (never tests/ or bench/).
 */

// Most specific prefix first: datasets/text/ is a stage of its own below the rest of datasets/.
const STAGES: ReadonlyArray<readonly [prefix: string, rank: number]> = [
  ['errors.ts', 0],
  ['threads.ts', 0],
  ['datasets/text/', 1],
  ['datasets/', 2],
  ['pipelines/', 3],
  ['eval/', 4],
  ['reports/', 5],
  ['index.ts', 6],
  ['bin/', 7],
];
const PRODUCTION_FOLDERS = ['datasets', 'pipelines', 'eval', 'reports', 'bin'];
const PRODUCTION_FILES = ['index.ts', 'errors.ts', 'threads.ts'];
const DEMO = 'datasets/demo/';
const DEMO_LOCATION = 'datasets/demo/location.ts';
const NON_MODULES = ['package.json'];

/** One import: from and to are paths from the repository root, with forward slashes. */
interface Arrow {
  from: string;
  to: string;
}

// Anchored at a line start so that commented-out and documented imports do not count.
const STATIC_IMPORT = /^[ \t]*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_IMPORT = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative imports of one file, resolved to paths from the repository root. */
function arrowsOf(file: string, source: string): Arrow[] {
  const specifiers = [STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT].flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
  return specifiers.filter((specifier) => specifier.startsWith('.')).map((specifier) => ({ from: file, to: posix.normalize(posix.join(posix.dirname(file), specifier)) }));
}

function rankOf(file: string): number | undefined {
  return STAGES.find(([prefix]) => (prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix))?.[1];
}

const isCommand = (file: string) => file.startsWith('bin/commands/') && !posix.basename(file).startsWith('_');
const isCliHelper = (file: string) => file === 'bin/_cli.ts' || (file.startsWith('bin/commands/') && posix.basename(file).startsWith('_'));
/** All a command or a helper of bin/commands/ imports besides the CLI helpers. */
const COMMAND_IMPORTS = ['index.ts', 'errors.ts', 'package.json'];

/** Upward arrows, demo imports and unresolved imports: one message per broken rule. */
function ruleBreaks(arrows: readonly Arrow[], files: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const { from, to } of arrows) {
    if (NON_MODULES.includes(to)) continue;
    if (!files.has(to)) {
      found.push(`${from} -> ${to}: not a production module`);
      continue;
    }
    const [fromRank, toRank] = [rankOf(from), rankOf(to)];
    if (fromRank === undefined || toRank === undefined || toRank > fromRank) found.push(`${from} -> ${to}: imports a higher stage`);
    if (to.startsWith(DEMO) && !from.startsWith(DEMO) && !(to === DEMO_LOCATION && from === 'index.ts')) {
      found.push(`${from} -> ${to}: the demo brand is not library code`);
    }
  }
  return found;
}

/** Imports from bin/commands/ to anything but the barrel, errors.ts, package.json and the CLI helpers. */
function commandInternals(arrows: readonly Arrow[]): string[] {
  return arrows.filter(({ from, to }) => from.startsWith('bin/commands/') && !COMMAND_IMPORTS.includes(to) && !isCliHelper(to) && !isCommand(to)).map(({ from, to }) => `${from} -> ${to}`);
}

/** A command importing another command: shared pieces belong in a CLI helper. */
function commandToCommand(arrows: readonly Arrow[]): string[] {
  return arrows.filter(({ from, to }) => from.startsWith('bin/commands/') && isCommand(to)).map(({ from, to }) => `${from} -> ${to}`);
}

/** Every cycle, as the modules of each strongly connected component (Tarjan), sorted. */
function cycles(arrows: readonly Arrow[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of arrows) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (module: string): void => {
    order.set(module, order.size);
    low.set(module, order.get(module)!);
    stack.push(module);
    onStack.add(module);
    for (const target of next.get(module)!) {
      if (!order.has(target)) {
        visit(target);
        low.set(module, Math.min(low.get(module)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(module, Math.min(low.get(module)!, order.get(target)!));
      }
    }
    if (low.get(module) !== order.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    const selfImport = next.get(module)!.includes(module);
    if (component.length > 1 || selfImport) components.push(component.sort());
  };
  for (const module of next.keys()) if (!order.has(module)) visit(module);
  return components;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

async function productionFiles(): Promise<string[]> {
  const nested = await Promise.all(
    PRODUCTION_FOLDERS.map(async (folder) => {
      const entries = await readdir(join(root, folder), { recursive: true });
      return entries.filter((entry) => entry.endsWith('.ts')).map((entry) => posix.join(folder, entry.split(/[\\/]/).join('/')));
    }),
  );
  return [...nested.flat(), ...PRODUCTION_FILES].sort();
}

async function productionArrows(): Promise<{ arrows: Arrow[]; files: Set<string> }> {
  const files = await productionFiles();
  const arrows = (await Promise.all(files.map(async (file) => arrowsOf(file, await readFile(join(root, file), 'utf8'))))).flat();
  return { arrows, files: new Set(files) };
}

describe('the import graph of the production code', () => {
  it('reads every kind of import line, and only import lines', () => {
    const source = [
      "import { a } from './a.ts';",
      'import type {',
      '  B,',
      "} from '../b.ts';",
      "export * from './c.ts';",
      "export { d } from './d.ts';",
      "import './e.ts';",
      "const f = () => import('./f.ts');",
      "import { readFile } from 'node:fs/promises';",
      "// import { g } from './g.ts';",
      " * import { h } from './h.ts';",
      "export const i = Array.from('./i.ts');",
    ].join('\n');
    expect(arrowsOf('eval/x.ts', source).map(({ to }) => to).sort()).toEqual(['b.ts', 'eval/a.ts', 'eval/c.ts', 'eval/d.ts', 'eval/e.ts', 'eval/f.ts']);
  });

  it('finds an upward arrow, a demo import and an import of a test file', () => {
    const files = new Set(['datasets/reader.ts', 'datasets/text/clean.ts', 'bin/commands/demo.ts', 'pipelines/clean.ts', 'eval/replay/replay.ts', 'datasets/demo/random.ts', 'datasets/demo/location.ts', 'index.ts', 'errors.ts']);
    const arrows: Arrow[] = [
      { from: 'datasets/reader.ts', to: 'pipelines/clean.ts' },
      { from: 'eval/replay/replay.ts', to: 'datasets/demo/random.ts' },
      { from: 'eval/replay/replay.ts', to: 'tests/helpers/x.ts' },
      { from: 'errors.ts', to: 'datasets/reader.ts' },
      { from: 'index.ts', to: 'datasets/demo/location.ts' },
      { from: 'index.ts', to: 'errors.ts' },
      { from: 'eval/replay/replay.ts', to: 'pipelines/clean.ts' },
      { from: 'datasets/text/clean.ts', to: 'datasets/reader.ts' },
      { from: 'bin/commands/demo.ts', to: 'datasets/demo/location.ts' },
    ];
    expect(ruleBreaks(arrows, files)).toEqual([
      'datasets/reader.ts -> pipelines/clean.ts: imports a higher stage',
      'eval/replay/replay.ts -> datasets/demo/random.ts: the demo brand is not library code',
      'eval/replay/replay.ts -> tests/helpers/x.ts: not a production module',
      'errors.ts -> datasets/reader.ts: imports a higher stage',
      'datasets/text/clean.ts -> datasets/reader.ts: imports a higher stage',
      'bin/commands/demo.ts -> datasets/demo/location.ts: the demo brand is not library code',
    ]);
  });

  it('finds cycles, a module importing itself included, and nothing in a chain', () => {
    const arrows: Arrow[] = [
      { from: 'eval/a.ts', to: 'eval/b.ts' },
      { from: 'eval/b.ts', to: 'eval/c.ts' },
      { from: 'eval/c.ts', to: 'eval/a.ts' },
      { from: 'eval/d.ts', to: 'eval/d.ts' },
      { from: 'eval/e.ts', to: 'eval/a.ts' },
    ];
    expect(cycles(arrows)).toEqual([['eval/a.ts', 'eval/b.ts', 'eval/c.ts'], ['eval/d.ts']]);
    expect(cycles(arrows.slice(0, 2))).toEqual([]);
  });

  it('finds commands and their helpers reaching past the barrel, or into another command', () => {
    const arrows: Arrow[] = [
      { from: 'bin/commands/search.ts', to: 'pipelines/search-tables.ts' },
      { from: 'bin/commands/search.ts', to: 'index.ts' },
      { from: 'bin/commands/search.ts', to: 'errors.ts' },
      { from: 'bin/commands/search.ts', to: 'package.json' },
      { from: 'bin/commands/search.ts', to: 'bin/_cli.ts' },
      { from: 'bin/commands/search.ts', to: 'bin/commands/_flags.ts' },
      { from: 'bin/commands/_summary.ts', to: 'reports/_format.ts' },
      { from: 'bin/commands/_summary.ts', to: 'index.ts' },
      { from: 'bin/commands/label.ts', to: 'datasets/demo/location.ts' },
      { from: 'bin/commands/ci.ts', to: 'bin/commands/compare.ts' },
    ];
    expect(commandInternals(arrows)).toEqual(['bin/commands/search.ts -> pipelines/search-tables.ts', 'bin/commands/_summary.ts -> reports/_format.ts', 'bin/commands/label.ts -> datasets/demo/location.ts']);
    expect(commandToCommand(arrows)).toEqual(['bin/commands/ci.ts -> bin/commands/compare.ts']);
  });

  it('has no upward arrow, no demo import in library code and no import outside production', async () => {
    const { arrows, files } = await productionArrows();
    expect(ruleBreaks(arrows, files)).toEqual([]);
  });

  it('has no cycle', async () => {
    const { arrows } = await productionArrows();
    expect(cycles(arrows)).toEqual([]);
  });

  it('has commands importing no other command', async () => {
    const { arrows } = await productionArrows();
    expect(commandToCommand(arrows)).toEqual([]);
  });

  it('has commands and their helpers reaching the library only through the barrel', async () => {
    const { arrows } = await productionArrows();
    expect(commandInternals(arrows), 'import it through the barrel (index.ts), exporting it there if needed').toEqual([]);
  });

  it('reads the real tree, not an empty folder', async () => {
    const { arrows, files } = await productionArrows();
    expect(files.size).toBeGreaterThan(100);
    expect(arrows.length).toBeGreaterThan(500);
  });
});
