import { createReadStream } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import * as ort from 'onnxruntime-node';
import { generateDemo } from '../datasets/demo/generate.ts';
import type { KnowledgeDoc, Ticket } from '../datasets/records.ts';
import { loadEmbedder, modelCacheDir } from '../pipelines/embed/embedder.ts';
import { transformers } from '../pipelines/embed/transformers.ts';
import { corpusTexts, ensureBuiltinModel } from '../pipelines/embed/workspace-model.ts';
import { importSources } from '../pipelines/import.ts';
import { buildIndex } from '../pipelines/search-index.ts';
import { readRecords } from '../pipelines/workspace.ts';
import { selectTickets } from '../eval/replay/replay.ts';
import * as lancedb from '@lancedb/lancedb';
import { openSearcher, NPROBES, PAST_ANSWERS, REFINE_FACTOR, timeTravelFilter, type SearchMode } from '../pipelines/search-tables.ts';
import { embeddingText } from '../pipelines/passages.ts';
import { readManifest, tablesLocation } from '../pipelines/index-manifest.ts';

/**
 * Embedding and retrieval: the harness against raw onnxruntime-node on the same model, texts and
 * batch (measured in one run, alternating); the built-in model's fit and embedding speed; search
 * latency with the time-travel filter; and retrieval quality, vector vs full-text vs hybrid, on
 * the demo's policy questions and on public datasets, with the built-in model and with each model
 * downloaded into the local cache (or the one `--model` names).
 */

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/index.json', import.meta.url)) },
    /** A hub id in the local cache or a model folder, measured next to the built-in model instead of every cached one. */
    model: { type: 'string' },
  },
});
/** `--sizes none` (or an empty list): retrieval quality only. */
const SIZES = values.sizes === 'none' ? [] : values.sizes.split(',').filter(Boolean).map(Number);
const DATASETS = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-index-bench-'));
const log = (message: string) => process.stderr.write(`${message}\n`);

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function demoWorkspace(tickets: number): Promise<string> {
  const data = join(scratch, `demo-${tickets}`);
  await generateDemo({ outDir: data, tickets, seed: 11 });
  const workspace = join(scratch, `ws-${tickets}`);
  await importSources([{ path: data }], { workspace });
  await rm(data, { recursive: true, force: true });
  return workspace;
}

/** Same texts, same batches (the embedder's: texts of about the same length together), same model file: transformers.js pipeline vs tokenizer + session.run. */
async function harnessVsRaw(workspace: string, modelDir: string): Promise<{ harness: number; raw: number; ratio: number }> {
  const texts: string[] = [];
  for await (const text of corpusTexts(workspace)) {
    texts.push(text);
    if (texts.length >= 4000) break;
  }
  const batch = 64;
  const embedder = await loadEmbedder(modelDir, { batchSize: batch });
  const { AutoTokenizer } = transformers();
  // loadEmbedder pointed transformers.js at the models folder; the model is named by its folder.
  const tokenizer = await AutoTokenizer.from_pretrained(basename(modelDir));
  const session = await ort.InferenceSession.create(join(modelDir, 'onnx', 'model.onnx'));
  const byLength = [...texts].sort((a, b) => a.length - b.length);
  const raw = async () => {
    for (let start = 0; start < byLength.length; start += batch) {
      const encoded = tokenizer(byLength.slice(start, start + batch), { padding: true, truncation: true });
      const output = await session.run({
        input_ids: new ort.Tensor('int64', encoded.input_ids.data as BigInt64Array, encoded.input_ids.dims),
        attention_mask: new ort.Tensor('int64', encoded.attention_mask.data as BigInt64Array, encoded.attention_mask.dims),
      });
      const data = output.last_hidden_state!.data as Float32Array;
      const [rows, dimensions] = output.last_hidden_state!.dims as [number, number];
      for (let row = 0; row < rows; row++) {
        let norm = 0;
        for (let d = 0; d < dimensions; d++) norm += data[row * dimensions + d]! ** 2;
        norm = Math.sqrt(norm);
        for (let d = 0; d < dimensions; d++) data[row * dimensions + d]! /= norm;
      }
    }
  };
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return texts.length / ((performance.now() - started) / 1000);
  };
  await raw();
  await embedder.embed(texts);
  const rounds = { harness: [] as number[], raw: [] as number[] };
  for (let round = 0; round < 5; round++) {
    rounds.harness.push(await timed(() => embedder.embed(texts)));
    rounds.raw.push(await timed(raw));
  }
  await embedder.dispose();
  await session.release();
  const harness = percentile(rounds.harness, 50);
  const rawRate = percentile(rounds.raw, 50);
  return { harness, raw: rawRate, ratio: harness / rawRate };
}

async function latency(workspace: string): Promise<Record<SearchMode, { p50: number; p95: number }>> {
  const searcher = await openSearcher(workspace);
  const queries = ['where is my order', 'je voudrais un remboursement', 'code promo refusé', 'my candle arrived broken', 'changer adresse de livraison'];
  const result = {} as Record<SearchMode, { p50: number; p95: number }>;
  for (const mode of ['vector', 'fts', 'hybrid'] as const) {
    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      const asOf = new Date(Date.UTC(2025, i % 20, 1 + (i % 27))).toISOString();
      const started = performance.now();
      await searcher.search(queries[i % queries.length]!, { table: 'tickets', asOf, excludeTicketId: String(100_000 + i), limit: 5, mode });
      if (i >= 10) samples.push(performance.now() - started);
    }
    result[mode] = { p50: percentile(samples, 50), p95: percentile(samples, 95) };
  }
  await searcher.close();
  return result;
}

/**
 * Recall of the vector index (IVF_RQ) under the time-travel filter, for questions asked at dates
 * across the history: the share of the approximate top 10 at most as far as the exact 10th (the
 * index bypassed). By distance, not id: the demo's templated questions tie in whole groups, and
 * which of the tied the exact scan lists first says nothing about the index.
 */
async function annRecall(workspace: string): Promise<number | null> {
  const manifest = await readManifest(workspace);
  const db = await lancedb.connect(tablesLocation(workspace, manifest));
  const table = await db.openTable('tickets');
  const indices = await table.listIndices();
  const model = await loadEmbedder(manifest.modelPath);
  const queries = ['where is my order', 'je voudrais un remboursement', 'code promo refusé', 'my candle arrived broken', 'changer adresse de livraison'];
  let found = 0;
  let total = 0;
  if (indices.some((index) => index.columns.includes('vector'))) {
    for (let i = 0; i < 40; i++) {
      const vector = Array.from((await model.embed([embeddingText(queries[i % queries.length]!)]))[0]!);
      const filter = timeTravelFilter('tickets', { asOf: new Date(Date.UTC(2025, i % 20, 1 + (i % 27))) });
      const search = async (exact: boolean) => {
        const query = table.query().nearestTo(vector).column('vector').distanceType('cosine').where(filter!).select(['id', '_distance']).limit(10);
        // As the searcher asks: candidates re-ranked on their stored vectors.
        const rows = (await (exact ? query.bypassVectorIndex() : query.nprobes(NPROBES).refineFactor(REFINE_FACTOR)).toArray()) as Array<{ _distance: number }>;
        return rows.map((row) => row._distance);
      };
      const exact = await search(true);
      const tenth = Math.max(...exact) + 1e-6;
      found += Math.min(exact.length, (await search(false)).filter((distance) => distance <= tenth).length);
      total += exact.length;
    }
  }
  await model.dispose();
  table.close();
  db.close();
  return total > 0 ? found / total : null;
}

interface Quality {
  model: string;
  dataset: string;
  queries: number;
  mode: SearchMode;
  recallAt5: number;
  mrr: number;
  /** Share of queries with a relevant hit in the top 3. */
  top3: number;
}

const BUILTIN = 'builtin';

/** The models downloaded into a cache: hub ids (`org/name` or `name`) whose folder holds onnx/model.onnx. */
async function downloadedModels(cache: string): Promise<string[]> {
  const folders = async (dir: string) => (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const hasModel = (id: string) => access(join(cache, id, 'onnx', 'model.onnx')).then(() => true, () => false);
  const ids: string[] = [];
  for (const top of await folders(cache)) {
    if (await hasModel(top)) ids.push(top);
    for (const name of await folders(join(cache, top))) if (await hasModel(`${top}/${name}`)) ids.push(`${top}/${name}`);
  }
  return ids.sort();
}

/** The built-in model, then the one `--model` names (a folder made absolute: the workspaces are elsewhere) or every downloaded one. */
async function modelsToMeasure(): Promise<string[]> {
  if (values.model) return [BUILTIN, await stat(values.model).then((info) => (info.isDirectory() ? resolve(values.model!) : values.model!), () => values.model!)];
  const cache = modelCacheDir();
  const downloaded = await downloadedModels(cache);
  if (downloaded.length === 0) log(`no downloaded model in ${cache}: only the built-in model is measured`);
  return [BUILTIN, ...downloaded];
}

/** Imports records written as normalized JSONL, indexes them with `model` (the built-in one fitted before `cutoff` when given). */
async function indexRecords(name: string, records: Array<Ticket | KnowledgeDoc>, model: string, cutoff?: string): Promise<string> {
  const file = join(scratch, `${name}.jsonl`);
  await writeFile(file, records.map((record) => JSON.stringify(record)).join('\n'));
  const workspace = join(scratch, `ws-${name}-${model.replace(/[^\w.-]+/g, '_')}`);
  await importSources([{ path: file }], { workspace });
  await buildIndex({ workspace, model, ...(cutoff && { cutoff }) });
  return workspace;
}

async function score(
  model: string,
  dataset: string,
  workspace: string,
  queries: Array<{ text: string; relevant: (id: string) => boolean; relevantCount: number; options: Parameters<Awaited<ReturnType<typeof openSearcher>>['search']>[1] }>,
): Promise<Quality[]> {
  const searcher = await openSearcher(workspace);
  const out: Quality[] = [];
  for (const mode of ['vector', 'fts', 'hybrid'] as const) {
    let recall = 0;
    let reciprocal = 0;
    let inTop3 = 0;
    for (const query of queries) {
      const hits = await searcher.search(query.text, { ...query.options, mode, limit: 10 });
      const ids = hits.map((hit) => hit.id);
      const top5 = ids.slice(0, 5).filter(query.relevant).length;
      recall += top5 / Math.min(5, query.relevantCount);
      const first = ids.findIndex(query.relevant);
      reciprocal += first >= 0 ? 1 / (first + 1) : 0;
      if (first >= 0 && first < 3) inTop3++;
    }
    out.push({ model, dataset, queries: queries.length, mode, recallAt5: recall / queries.length, mrr: reciprocal / queries.length, top3: inTop3 / queries.length });
  }
  await searcher.close();
  return out;
}

/** τ²-bench banking: does retrieval find the task's gold documents among 698? */
async function tauBanking(model: string): Promise<Quality[]> {
  const dir = join(DATASETS, 'tau2_banking_knowledge');
  const docs = (await readFile(join(dir, 'documents.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; title: string; content: string })
    .map((doc): KnowledgeDoc => ({ id: doc.id, kind: doc.title.startsWith('Internal:') ? 'internal' : 'article', title: doc.title, body: doc.content }));
  const tasks = JSON.parse(await readFile(join(dir, 'tasks.json'), 'utf8')) as Array<{ user_scenario: { instructions: string }; required_documents: string[] }>;
  const workspace = await indexRecords('tau2-banking', docs, model);
  return score(
    model,
    'τ²-bench banking (knowledge, 698 docs)',
    workspace,
    tasks.map((task) => {
      const gold = new Set(task.required_documents);
      // Passage ids are `<doc id>@undated#<n>`: a hit is relevant when its document is gold.
      return { text: task.user_scenario.instructions, relevant: (id: string) => gold.has(id.split('@')[0]!), relevantCount: gold.size, options: { table: 'knowledge' } };
    }),
  );
}

/**
 * Bitext: one in five questions is replayed against the others as past tickets; the right past
 * answer shares the intent. Measured twice: with the model fitted on every ticket, the replayed
 * fifth included (as before the cut-off existed), and leak-free, the replayed fifth dated after a
 * cut-off the model is fitted before. Searches have no date, so both indexes hold the same rows.
 * A downloaded model learned nothing from the tickets: measured once.
 */
async function bitext(model: string): Promise<Quality[]> {
  if (model !== BUILTIN) return bitextWith(model, false);
  return [...(await bitextWith(model, false)), ...(await bitextWith(model, true))];
}

async function bitextWith(model: string, leakFree: boolean): Promise<Quality[]> {
  const file = join(DATASETS, 'bitext_customer_support', 'Bitext_Sample_Customer_Support_Training_Dataset.v2023-09-19.csv');
  const rows: Array<{ instruction: string; intent: string; response: string }> = [];
  for await (const row of createReadStream(file).pipe(parse({ columns: true }))) rows.push(row);
  const replayed = (index: number) => index % 5 === 0;
  const cutoff = '2025-01-01T00:00:00.000Z';
  const at = (index: number) => new Date((leakFree && replayed(index) ? Date.parse(cutoff) : Date.UTC(2024, 0, 1)) + index * 3_600_000).toISOString();
  const tickets: Ticket[] = rows.map((row, index) => ({
    id: `b${index}`,
    source: 'bitext',
    createdAt: at(index),
    closedAt: at(index),
    channel: 'chat',
    subject: '',
    customer: {},
    tags: [row.intent],
    messages: [
      { role: 'customer', sentAt: at(index), text: row.instruction },
      { role: 'agent', sentAt: at(index), text: row.response },
    ],
  }));
  const intentOf = new Map(rows.map((row, index) => [`b${index}`, row.intent]));
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.intent, (counts.get(row.intent) ?? 0) + 1);
  const workspace = await indexRecords(leakFree ? 'bitext-leak-free' : 'bitext', tickets, model, leakFree ? cutoff : undefined);
  const queries = rows
    .map((row, index) => ({ row, index }))
    .filter(({ index }) => replayed(index))
    .map(({ row, index }) => ({
      text: row.instruction,
      relevant: (id: string) => intentOf.get(id) === row.intent,
      relevantCount: counts.get(row.intent)! - 1,
      options: { table: 'tickets' as const, excludeTicketId: `b${index}` },
    }));
  const fitted = model !== BUILTIN ? 'model not fitted on them' : `model fitted ${leakFree ? 'without' : 'with'} the replayed fifth`;
  return score(model, `Bitext (past answers, 4,514 tickets, 27 intents; ${fitted})`, workspace, queries);
}

/** The policy articles the demo generator answers each policy question from, by the ticket's intent tag: a shipping question's reply states both shipping articles' facts. */
const DEMO_POLICY_ARTICLES: Readonly<Record<string, readonly string[]>> = { return: ['retours'], 'shipping-policy': ['livraison', 'livraison-internationale'] };

/**
 * The demo's policy questions (return and shipping-policy tickets), each asked as the replay asks
 * it: subject and first message, at the ticket's date, in its language, widened with past answers.
 * A hit counts only if it is the ticket's policy article in its language, in the version in force
 * that day.
 */
async function demoPolicy(model: string): Promise<Quality[]> {
  const workspace = join(scratch, `ws-demo-policy-${model.replace(/[^\w.-]+/g, '_')}`);
  await importSources([{ path: fileURLToPath(new URL('../datasets/demo/data', import.meta.url)) }], { workspace });
  await buildIndex({ workspace, model });
  const versions = new Map<string, string[]>();
  for await (const doc of readRecords(workspace, 'knowledge')) versions.set(doc.id, [...(versions.get(doc.id) ?? []), doc.updatedAt ?? 'undated'].sort());
  const versionAt = (docId: string, at: string) => (versions.get(docId) ?? []).filter((since) => since === 'undated' || since <= at).at(-1);
  const tickets = (await selectTickets(workspace)).filter((ticket) => ticket.tags.some((tag) => tag in DEMO_POLICY_ARTICLES));
  return score(
    model,
    'demo policy questions (their article, as of the ticket)',
    workspace,
    tickets.map((ticket) => {
      const question = ticket.messages.find((message) => message.role === 'customer' && !message.internal)!.text;
      const gold = new Set(ticket.tags.flatMap((tag) => DEMO_POLICY_ARTICLES[tag] ?? []).map((article) => `${article}-${ticket.language}`).map((docId) => `${docId}@${versionAt(docId, ticket.createdAt)}`));
      return {
        text: `${ticket.subject}\n${question}`,
        relevant: (id: string) => gold.has(id.split('#')[0]!),
        relevantCount: gold.size,
        options: { table: 'knowledge' as const, asOf: ticket.createdAt, excludeTicketId: ticket.id, pastAnswers: PAST_ANSWERS, ...(ticket.language && { language: ticket.language }) },
      };
    }),
  );
}

const results: Record<string, unknown> = {};
try {
  const scale: Array<Record<string, unknown>> = [];
  for (const size of SIZES) {
    log(`demo workspace with ${size.toLocaleString('en-US')} tickets…`);
    const workspace = await demoWorkspace(size);
    // The fit on its own first, for its CPU time (the machine is shared, so wall time says little);
    // the index build then finds the model fitted, at the cost of one more read of the corpus.
    log('fitting the built-in model…');
    const cpuBefore = process.cpuUsage();
    const fit = await ensureBuiltinModel(workspace);
    const fitCpu = process.cpuUsage(cpuBefore);
    log('indexing…');
    const summary = await buildIndex({ workspace });
    const speed = await harnessVsRaw(workspace, (await readManifest(workspace)).modelPath);
    log('search latency…');
    scale.push({
      tickets: size,
      fitSeconds: fit.seconds,
      fitCpuSeconds: (fitCpu.user + fitCpu.system) / 1e6,
      indexSeconds: fit.seconds + summary.seconds,
      embedded: summary.embedded,
      embedTextsPerSecond: summary.embedded / summary.embedSeconds,
      harnessTextsPerSecond: speed.harness,
      rawOrtTextsPerSecond: speed.raw,
      harnessOverRaw: speed.ratio,
      latencyMs: await latency(workspace),
      annRecallAt10: await annRecall(workspace),
    });
    await rm(workspace, { recursive: true, force: true });
  }
  results.scale = scale;
  const quality: Quality[] = [];
  for (const model of await modelsToMeasure()) {
    log(`retrieval quality with ${model}…`);
    quality.push(...(await demoPolicy(model)), ...(await tauBanking(model)), ...(await bitext(model)));
  }
  // Each dataset's rows together, the built-in model's first: the models side by side.
  const datasets = [...new Set(quality.map((row) => row.dataset.split(' (')[0]))];
  results.quality = quality.map((row, index) => ({ row, index })).sort((a, b) => datasets.indexOf(a.row.dataset.split(' (')[0]) - datasets.indexOf(b.row.dataset.split(' (')[0]) || a.index - b.index).map(({ row }) => row);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
function print(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  process.stdout.write(`${rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n')}\n\n`);
}
type ScaleRow = { annRecallAt10: number | null; tickets: number; fitSeconds: number; fitCpuSeconds: number; indexSeconds: number; embedTextsPerSecond: number; harnessTextsPerSecond: number; rawOrtTextsPerSecond: number; harnessOverRaw: number; latencyMs: Record<SearchMode, { p50: number; p95: number }> };
print([
  ['tickets', 'fit s', 'fit CPU s', 'index s', 'embed texts/s', 'harness texts/s', 'raw ORT texts/s', 'harness ÷ raw', 'vector p50/p95 ms', 'fts p50/p95 ms', 'hybrid p50/p95 ms', 'IVF recall@10 (filtered)'],
  ...(results.scale as ScaleRow[]).map((row) => [
    fixed(row.tickets),
    fixed(row.fitSeconds, 1),
    fixed(row.fitCpuSeconds, 1),
    fixed(row.indexSeconds, 1),
    fixed(row.embedTextsPerSecond),
    fixed(row.harnessTextsPerSecond),
    fixed(row.rawOrtTextsPerSecond),
    fixed(row.harnessOverRaw, 2),
    ...(['vector', 'fts', 'hybrid'] as const).map((mode) => `${fixed(row.latencyMs[mode].p50, 1)} / ${fixed(row.latencyMs[mode].p95, 1)}`),
    row.annRecallAt10 === null ? 'flat scan' : fixed(row.annRecallAt10, 3),
  ]),
]);
print([['dataset', 'model', 'mode', 'queries', 'top 3', 'recall@5', 'MRR'], ...(results.quality as Quality[]).map((row) => [row.dataset, row.model, row.mode, fixed(row.queries), fixed(row.top3, 3), fixed(row.recallAt5, 3), fixed(row.mrr, 3)])]);

const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, date: new Date().toISOString() };
await mkdir(join(values.out, '..'), { recursive: true });
await writeFile(values.out, `${JSON.stringify({ machine, ...results }, null, 2)}\n`);
process.stdout.write(`written to ${values.out}\n`);
