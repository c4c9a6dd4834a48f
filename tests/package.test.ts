import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { parseCsvBatches } from '../datasets/io/csv.ts';
import { itemsOf } from '../datasets/io/csv-thread.ts';
import { collect } from './helpers/temp.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const fixtures = join(root, 'tests', 'fixtures');

/**
 * The package as npm users get it: `npm pack` (which builds dist/), unpacked into a consumer
 * project's node_modules, used through its `exports` by plain Node and by a strict TypeScript
 * project. The consumer's dependencies are links to our production tree: the install itself is npm's job.
 */
describe('the packed package', () => {
  let consumer = '';

  afterAll(() => rm(consumer, { recursive: true, force: true }));
  beforeAll(async () => {
    consumer = await mkdtemp(join(tmpdir(), 'shadowdesk-package-'));
    const [packed] = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', consumer], { cwd: root })).stdout) as { filename: string }[];
    const installed = join(consumer, 'node_modules', packageJson.name);
    await mkdir(installed, { recursive: true });
    await run('tar', ['-xzf', join(consumer, packed!.filename), '-C', installed, '--strip-components', '1']);
    // Only the production dependency tree, so a runtime import of a devDependency fails here.
    const production = (await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root })).stdout.split('\n');
    for (const path of production) {
      const name = relative(join(root, 'node_modules'), path);
      if (!path || name.startsWith('..') || name.includes(`${sep}node_modules${sep}`)) continue;
      await mkdir(dirname(join(consumer, 'node_modules', name)), { recursive: true });
      await symlink(path, join(consumer, 'node_modules', name));
    }
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  }, 120_000);

  it('ships the compiled library, the CLI and the files they read, without sources or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', join(consumer, `${packageJson.name}-${packageJson.version}.tgz`)]);
    const files = stdout.split('\n').filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/bin/shadowdesk.js', 'package/dist/eval/pricing/presets.yaml', 'package/dist/reports/html-client.js', 'package/dist/datasets/demo/data/gorgias-tickets.json']));
    expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('package/tests/') || file.startsWith('package/bench/'))).toEqual([]);
    // The page script ships bundled in html-client.js, not as the modules it is bundled from.
    expect(files.filter((file) => file.startsWith('package/dist/reports/client/'))).toEqual([]);
  });

  it('runs its bin from the compiled code', async () => {
    const bin = join(consumer, 'node_modules', packageJson.name, 'bin', 'shadowdesk.js');
    expect((await run('node', [bin, '--version'], { cwd: consumer })).stdout.trim()).toBe(packageJson.version);
    expect((await run('node', [bin, 'formats'], { cwd: consumer })).stdout).toContain('gorgias-json');
  });

  it('imports by its package name in plain Node and does real work offline', async () => {
    const script = join(consumer, 'use.mjs');
    await writeFile(
      script,
      `import { importSources, loadPricing, PRESETS_FILE } from '${packageJson.name}';
const report = await importSources([{ path: ${JSON.stringify(join(fixtures, 'gorgias-tickets.json'))} }], { workspace: ${JSON.stringify(join(consumer, 'workspace'))} });
const pricing = await loadPricing(PRESETS_FILE);
console.log(JSON.stringify({ tickets: report.totals.records.ticket, presets: pricing.models.length }));`,
    );
    const result = JSON.parse((await run('node', [script], { cwd: consumer, env: { ...process.env, LANCEDB_LOG: 'error' } })).stdout) as { tickets: number; presets: number };
    expect(result.tickets).toBeGreaterThan(0);
    expect(result.presets).toBeGreaterThan(0);
  }, 60_000);

  it('starts its CSV-parsing worker thread from the compiled code', async () => {
    const script = join(consumer, 'threads.mjs');
    await writeFile(
      script,
      `import { parseCsvBatchesOnWorker } from ${JSON.stringify(join(consumer, 'node_modules', packageJson.name, 'dist', 'datasets', 'io', 'csv-thread.js'))};
let rows = 0;
for await (const batch of parseCsvBatchesOnWorker({ path: ${JSON.stringify(join(fixtures, 'shopify-orders.csv'))}, encoding: undefined, delimiter: ',' })) rows += batch.lines.length - batch.errorAt.length;
console.log(JSON.stringify({ rows }));`,
    );
    const result = JSON.parse((await run('node', [script], { cwd: consumer })).stdout) as { rows: number };
    const fromSources = (await collect(parseCsvBatches(join(fixtures, 'shopify-orders.csv'), undefined, ','))).flatMap((batch) => [...itemsOf(batch)]).filter((item) => item.type === 'row');
    expect(fromSources.length).toBeGreaterThan(0);
    expect(result.rows).toBe(fromSources.length);
  }, 60_000);

  it("fits the built-in model on its worker threads from the compiled code, as on one thread", async () => {
    const script = join(consumer, 'fit.mjs');
    await writeFile(
      script,
      `import { createHash } from 'node:crypto';
import { fitBuiltinModel } from ${JSON.stringify(join(consumer, 'node_modules', packageJson.name, 'dist', 'pipelines', 'embed', 'builtin-model.js'))};
const words = ['colis', 'livraison', 'remboursement', 'parcel', 'refund', 'return', 'merci', 'thanks'];
const texts = Array.from({ length: 300 }, (_, i) => Array.from({ length: 7 }, (_, j) => words[(i * 7 + j * j) % words.length]).join(' ') + ' ' + i);
const hash = async (threads) => createHash('sha256').update((await fitBuiltinModel(texts, { dimensions: 8 }, { threads })).vectors).digest('hex');
console.log(JSON.stringify({ alone: await hash(1), shared: await hash(2) }));`,
    );
    const result = JSON.parse((await run('node', [script], { cwd: consumer })).stdout) as { alone: string; shared: string };
    expect(result.shared).toBe(result.alone);
  }, 60_000);

  it('judges on its worker thread from the compiled code, as on one thread', async () => {
    const script = join(consumer, 'judge.mjs');
    await writeFile(
      script,
      `import { setTimeout as sleep } from 'node:timers/promises';
import { startJudgingThreads } from ${JSON.stringify(join(consumer, 'node_modules', packageJson.name, 'dist', 'eval', 'judges', 'text-judging.js'))};
const texts = ['Bonjour, votre commande #ML1042 est partie : suivi 6A12345678FR.', 'Hi Sam, you can return it within 14 days of delivery.', 'I have refunded 24,90 € to your card.'];
const cases = Array.from({ length: 300 }, (_, i) => ({ answer: { decision: 'reply', text: texts[i % 3], confidence: 0.8, sources: [], latencyMs: 1 }, said: texts[i % 3], wanted: texts[(i + 1) % 3], question: 'Where is my order?', customer: { name: 'Zoé Petit' }, citedSources: [], brandHandles: [] }));
const alone = await startJudgingThreads(0).judge(cases, [], { threads: 1 }).finish();
const judging = startJudgingThreads(1).judge(cases, [], { threads: 2 });
// Joined a second later: the worker has taken the runs by then.
await sleep(1000);
const shared = await judging.finish();
console.log(JSON.stringify({ cases: alone.length, scored: alone.filter((scores) => scores.some(Boolean)).length, same: JSON.stringify(shared) === JSON.stringify(alone) }));`,
    );
    const result = JSON.parse((await run('node', [script], { cwd: consumer })).stdout) as { cases: number; scored: number; same: boolean };
    expect(result).toEqual({ cases: 300, scored: 300, same: true });
  }, 60_000);

  it('gives a strict TypeScript project the types of the library API, which catch misuse', async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2023', strict: true, noEmit: true, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] }, include: ['*.ts'] }),
    );
    await writeFile(
      join(consumer, 'use.ts'),
      `import { buildIndex, importSources, simulate, judgeRun, priceRun, buildReport, writeReports, decide, withAssumptions, failedAnswers, errorRateExceeded, writeReportPdf, findChromium, pullHelpdesk, computeRepeatability, type Ticket, type RunReport } from '${packageJson.name}';
export async function pipeline(workspace: string, runDir: string): Promise<RunReport> {
  await importSources([{ path: 'exports/' }], { workspace });
  await buildIndex({ workspace });
  const { report } = await simulate({ workspace, runDir, candidates: [] });
  await writeReports(report, runDir, ['html']);
  return report;
}
export const touched: unknown[] = [judgeRun, priceRun, buildReport, pullHelpdesk, computeRepeatability, findChromium];
export async function decideAndShare(report: RunReport, file: string): Promise<string | undefined> {
  const inputs = withAssumptions(report.pricing.decisionInputs, { humanCostPerTicket: 4.5 }, () => 'finance');
  const cheapest = decide(inputs, report.gaps).cheapest?.label;
  await writeReportPdf(report, file);
  return errorRateExceeded(failedAnswers(report), 0.05, 'limit') ?? cheapest;
}
export const firstMessage = (ticket: Ticket): string => ticket.messages[0]?.text ?? '';
`,
    );
    await writeFile(join(consumer, 'misuse.ts'), `import { importSources } from '${packageJson.name}';\nawait importSources('exports/', { workspace: 42 });\n`);
    // One compilation of both files (each tsc spends seconds loading the library's types): use.ts
    // compiles clean exactly when none of the errors is in it.
    const failure = await run(tsc, ['-p', consumer], { cwd: consumer }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    const errors = failure.split('\n').filter((line) => /\berror TS\d+/.test(line));
    expect(errors.filter((line) => !line.startsWith('misuse.ts(')), failure).toEqual([]);
    expect(failure).toMatch(/misuse\.ts\(2,/);
  }, 60_000);
});
