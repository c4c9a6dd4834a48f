import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import type { Ticket } from '../../datasets/records.ts';
import { passages, passageText } from '../passages.ts';
import { readRecords } from '../workspace.ts';
import { fitBuiltinModel, type FitOptions } from './builtin-model.ts';
import { writeModelFolder } from './model-folder.ts';

/**
 * The texts the built-in model learns from: what customers and agents wrote, and the knowledge
 * passage by passage, as the index searches it rather than as whole articles: on τ²-bench
 * banking (698 articles, 1,460 passages) that raised vector recall@5 from 0.141 to 0.152
 * (measured before the token weights of `tokenWeights`).
 *
 * With a cut-off, only what existed before it: a replay must not be judged with vectors shaped by
 * its own tickets' future. A ticket counts once it is closed (or its last message sent), the moment
 * the index makes it retrievable: a ticket still open at the cut-off has replies from after it.
 * A knowledge version counts from its date (undated versions always).
 */
export async function* corpusTexts(workspace: string, cutoff?: string): AsyncGenerator<string> {
  const before = cutoff === undefined ? undefined : Date.parse(cutoff);
  for await (const ticket of readRecords(workspace, 'ticket')) if (before === undefined || ticketKnownAt(ticket) < before) yield ticketText(ticket);
  for await (const doc of readRecords(workspace, 'knowledge')) {
    if (before !== undefined && doc.updatedAt !== undefined && !(Date.parse(doc.updatedAt) < before)) continue;
    for (const passage of passages(doc.body)) yield passageText(doc, passage);
  }
}

/** When a ticket's whole text existed: the latest of its creation, close and messages (a message may follow a close). */
export function ticketKnownAt(ticket: Ticket): number {
  return Math.max(Date.parse(ticket.createdAt), Date.parse(ticket.closedAt ?? ticket.createdAt), ...ticket.messages.map((message) => Date.parse(message.sentAt)));
}

export function ticketText(ticket: Ticket): string {
  return [ticket.subject, ...ticket.messages.filter((message) => !message.internal).map((message) => message.text)].join('\n');
}

export interface BuiltinModelResult {
  /** The model folder, loadable by `loadEmbedder`. */
  dir: string;
  /** False when a model on disk was used. */
  refitted: boolean;
  /** Identifies the corpus the model in `dir` was fitted on: it changes exactly when the vectors do. */
  fitHash: string;
  /** What the model was fitted on existed before this date; undefined when it was fitted on the whole import. */
  cutoff?: string;
  /** Documents now in the corpus, and when the model was kept although the corpus changed, by how much it had grown or shrunk. */
  documents: number;
  drift?: number;
  seconds: number;
}

export interface EnsureModelOptions extends FitOptions {
  /**
   * Refit when the number of documents moved by more than this share since the last fit.
   * Below it the model is kept, so a month of new tickets embeds only that month. @default 0.2
   */
  refitAbove?: number;
  /**
   * Fit only on what existed before this date (ISO): tickets closed and knowledge versions
   * published before it (see `corpusTexts`). A model fitted with a later cut-off, or on the whole
   * import, is never used. @default the whole import
   */
  cutoff?: string;
}

/** Bumped whenever the fitting or the written model changes, so older models are refitted. */
const MODEL_FORMAT = 4;

/** Model folders kept besides the ones in use, so that replays of a few windows in turn do not refit each time. */
const CACHED_MODELS = 4;

interface FitRecord {
  fitHash: string;
  optionsHash: string;
  documents: number;
  cutoff?: string;
}

/**
 * Characters of corpus text the hashing pass keeps for the fit, which then need not read and
 * parse every ticket again (3.4 s of CPU at 100,000 demo tickets); a larger corpus
 * is read again.
 */
const KEPT_CORPUS_CHARACTERS = 2 ** 26;

/** The corpus's fit record, and its texts when they are few enough to keep (`KEPT_CORPUS_CHARACTERS`). */
async function corpusFacts(workspace: string, optionsHash: string, cutoff: string | undefined): Promise<{ facts: FitRecord; texts?: string[] }> {
  const hash = createHash('sha256').update(optionsHash);
  let documents = 0;
  let texts: string[] | undefined = [];
  let characters = 0;
  for await (const text of corpusTexts(workspace, cutoff)) {
    hash.update(text).update('\u0000');
    documents++;
    characters += text.length;
    if (characters > KEPT_CORPUS_CHARACTERS) texts = undefined;
    texts?.push(text);
  }
  return { facts: { fitHash: hash.digest('hex'), optionsHash, documents, ...(cutoff !== undefined && { cutoff }) }, ...(texts && { texts }) };
}

async function storedFit(dir: string): Promise<FitRecord | undefined> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { shadowdesk?: Partial<FitRecord> };
    const { fitHash, optionsHash, documents, cutoff } = config.shadowdesk ?? {};
    return fitHash && optionsHash && documents !== undefined ? { fitHash, optionsHash, documents, ...(cutoff !== undefined && { cutoff }) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a model fitted with cut-off `fitted` may serve a request for `wanted`: a model of the
 * whole import serves only the whole import; an earlier cut-off saw less, never more.
 */
export function fittedInTime(fitted: string | undefined, wanted: string | undefined): boolean {
  if (wanted === undefined) return true;
  return fitted !== undefined && Date.parse(fitted) <= Date.parse(wanted);
}

/** Names the model folder in use; a fit is written to a folder of its own and this pointer moved. */
const CURRENT = 'builtin.json';

async function currentModelDir(models: string): Promise<string | undefined> {
  try {
    const { dir } = JSON.parse(await readFile(join(models, CURRENT), 'utf8')) as { dir?: string };
    return dir ? join(models, dir) : undefined;
  } catch {
    return undefined;
  }
}

async function pointAt(models: string, name: string): Promise<void> {
  await writeFile(join(models, `${CURRENT}.tmp`), `${JSON.stringify({ dir: name })}\n`);
  await rename(join(models, `${CURRENT}.tmp`), join(models, CURRENT));
}

function folderName(fitHash: string): string {
  return `builtin-${fitHash.slice(0, 16)}`;
}

/**
 * Fits the built-in model on the workspace's corpus (before `cutoff` when given), or uses one on
 * disk: the model of exactly this corpus if one is kept (`CACHED_MODELS`), else the current one
 * while its cut-off is in time and the corpus has moved by less than `refitAbove`. A new fit goes
 * to a folder of its own (`models/builtin-<fit>`); the folder an index was built with is never
 * touched, so a crash at any point leaves the previous index and its model usable. Unused folders
 * are removed by `removeUnusedModels` once a new index is committed.
 */
export async function ensureBuiltinModel(workspace: string, options: EnsureModelOptions = {}): Promise<BuiltinModelResult> {
  const started = performance.now();
  const { refitAbove = 0.2, cutoff, ...fitOptions } = options;
  const models = join(workspace, 'models');
  const optionsHash = createHash('sha256').update(JSON.stringify({ format: MODEL_FORMAT, fitOptions })).digest('hex');
  const { facts: now, texts } = await corpusFacts(workspace, optionsHash, cutoff);
  const seconds = () => (performance.now() - started) / 1000;
  const kept = (dir: string, stored: FitRecord, drift?: number): BuiltinModelResult => ({
    dir,
    refitted: false,
    fitHash: stored.fitHash,
    ...(stored.cutoff !== undefined && { cutoff: stored.cutoff }),
    documents: now.documents,
    ...(drift !== undefined && { drift }),
    seconds: seconds(),
  });
  const name = folderName(now.fitHash);
  const dir = join(models, name);
  const same = await storedFit(dir);
  if (same?.fitHash === now.fitHash) {
    await pointAt(models, name);
    // The same texts as the corpus before `cutoff`: whatever cut-off it was fitted for, it saw nothing later.
    return kept(dir, { ...same, ...(cutoff !== undefined && { cutoff }) });
  }
  const current = await currentModelDir(models);
  const stored = current && (await storedFit(current));
  if (current && stored && stored.optionsHash === optionsHash && fittedInTime(stored.cutoff, cutoff)) {
    const drift = Math.abs(now.documents - stored.documents) / Math.max(1, stored.documents);
    if (drift <= refitAbove) return kept(current, stored, drift);
  }
  if (now.documents === 0) {
    throw new ShadowdeskError(
      'SD_NOTHING_IMPORTED',
      `${workspace}: nothing was written before ${cutoff ?? 'the end of the import'} to fit the built-in model on; replay a later window (--holdout-days) so that earlier tickets teach it, or index with a downloaded --model`,
    );
  }
  const model = await fitBuiltinModel(texts ?? corpusTexts(workspace, cutoff), fitOptions);
  const fresh = `${dir}.new-${process.pid}`;
  await writeModelFolder(fresh, {
    ...model,
    metadata: { ...now, fittedAt: new Date().toISOString(), sampled: model.sampled, options: fitOptions },
  });
  await rm(dir, { recursive: true, force: true });
  await rename(fresh, dir);
  await pointAt(models, name);
  return { dir, refitted: true, fitHash: now.fitHash, ...(cutoff !== undefined && { cutoff }), documents: now.documents, seconds: seconds() };
}

/**
 * Removes built-in model folders that neither the pointer nor `keep` (the committed index's model)
 * names, but for the `CACHED_MODELS` most recently written.
 */
export async function removeUnusedModels(workspace: string, keep: string): Promise<void> {
  const models = join(workspace, 'models');
  const current = await currentModelDir(models);
  const entries = await readdir(models).catch(() => [] as string[]);
  const unused = entries.map((entry) => join(models, entry)).filter((path) => basename(path).startsWith('builtin-') && path !== current && resolve(path) !== resolve(keep));
  const written = await Promise.all(unused.map(async (path) => ({ path, at: (await stat(path).catch(() => undefined))?.mtimeMs ?? 0 })));
  const stale = written.sort((a, b) => b.at - a.at || (a.path < b.path ? -1 : 1)).slice(CACHED_MODELS);
  for (const { path } of stale) await rm(path, { recursive: true, force: true });
}
