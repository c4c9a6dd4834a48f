import { createHash } from 'node:crypto';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KnowledgeDoc, Ticket } from '../../datasets/records.ts';
import { readRecords } from '../workspace.ts';
import { fitBuiltinModel, type FitOptions } from './builtin-model.ts';
import { writeModelFolder } from './model-folder.ts';

/** The texts the built-in model learns from: what customers and agents wrote, and the knowledge. */
export async function* corpusTexts(workspace: string): AsyncGenerator<string> {
  for await (const ticket of readRecords(workspace, 'ticket')) yield ticketText(ticket);
  for await (const doc of readRecords(workspace, 'knowledge')) yield knowledgeText(doc);
}

export function ticketText(ticket: Ticket): string {
  return [ticket.subject, ...ticket.messages.filter((message) => !message.internal).map((message) => message.text)].join('\n');
}

export function knowledgeText(doc: KnowledgeDoc): string {
  return `${doc.title}\n${doc.body}`;
}

export interface BuiltinModelResult {
  /** The model folder, loadable by `loadEmbedder`. */
  dir: string;
  /** False when the model on disk was kept. */
  refitted: boolean;
  /** Identifies the corpus the model in `dir` was fitted on: it changes exactly when the vectors do. */
  fitHash: string;
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
}

/** Bumped whenever the fitting or the written model changes, so older models are refitted. */
const MODEL_FORMAT = 2;

interface FitRecord {
  fitHash: string;
  optionsHash: string;
  documents: number;
}

async function corpusFacts(workspace: string, optionsHash: string): Promise<FitRecord> {
  const hash = createHash('sha256').update(optionsHash);
  let documents = 0;
  for await (const text of corpusTexts(workspace)) {
    hash.update(text).update('\u0000');
    documents++;
  }
  return { fitHash: hash.digest('hex'), optionsHash, documents };
}

async function storedFit(dir: string): Promise<FitRecord | undefined> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { shadowdesk?: Partial<FitRecord> };
    const { fitHash, optionsHash, documents } = config.shadowdesk ?? {};
    return fitHash && optionsHash && documents !== undefined ? { fitHash, optionsHash, documents } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fits the built-in model on the workspace's corpus, or keeps the one on disk while the corpus is
 * unchanged or has moved by less than `refitAbove`. A new model is written beside the old one and
 * swapped in by renames, so a crash mid-fit leaves the previous model usable.
 */
export async function ensureBuiltinModel(workspace: string, options: EnsureModelOptions = {}): Promise<BuiltinModelResult> {
  const started = performance.now();
  const { refitAbove = 0.2, ...fitOptions } = options;
  const dir = join(workspace, 'models', 'builtin');
  const optionsHash = createHash('sha256').update(JSON.stringify({ format: MODEL_FORMAT, fitOptions })).digest('hex');
  const now = await corpusFacts(workspace, optionsHash);
  const stored = await storedFit(dir);
  const seconds = () => (performance.now() - started) / 1000;
  if (stored && stored.optionsHash === optionsHash) {
    const drift = Math.abs(now.documents - stored.documents) / Math.max(1, stored.documents);
    if (stored.fitHash === now.fitHash) return { dir, refitted: false, fitHash: stored.fitHash, documents: now.documents, seconds: seconds() };
    if (drift <= refitAbove) return { dir, refitted: false, fitHash: stored.fitHash, documents: now.documents, drift, seconds: seconds() };
  }
  const model = await fitBuiltinModel(corpusTexts(workspace), fitOptions);
  const fresh = `${dir}.new-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  await writeModelFolder(fresh, {
    ...model,
    metadata: { ...now, fittedAt: new Date().toISOString(), sampled: model.sampled, options: fitOptions },
  });
  await rename(dir, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(fresh, dir);
  await rm(old, { recursive: true, force: true });
  return { dir, refitted: true, fitHash: now.fitHash, documents: now.documents, seconds: seconds() };
}
