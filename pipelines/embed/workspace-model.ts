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
  /** False when the corpus and options were unchanged and the model on disk was kept. */
  refitted: boolean;
  corpusHash: string;
  seconds: number;
}

/** Bumped whenever the fitting or the written model changes, so older models are refitted. */
const MODEL_FORMAT = 2;

async function corpusHash(workspace: string, options: FitOptions): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify({ format: MODEL_FORMAT, options }));
  for await (const text of corpusTexts(workspace)) hash.update(text).update('\u0000');
  return hash.digest('hex');
}

async function storedHash(dir: string): Promise<string | undefined> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { shadowdesk?: { corpusHash?: string } };
    return config.shadowdesk?.corpusHash;
  } catch {
    return undefined;
  }
}

/**
 * Fits the built-in model on the workspace's corpus, or keeps the one on disk when the corpus
 * has not changed. The new model is written beside the old one and swapped in by renames, so
 * a crash mid-fit leaves the previous model usable.
 */
export async function ensureBuiltinModel(workspace: string, options: FitOptions = {}): Promise<BuiltinModelResult> {
  const started = performance.now();
  const dir = join(workspace, 'models', 'builtin');
  const hash = await corpusHash(workspace, options);
  if ((await storedHash(dir)) === hash) {
    return { dir, refitted: false, corpusHash: hash, seconds: (performance.now() - started) / 1000 };
  }
  const model = await fitBuiltinModel(corpusTexts(workspace), options);
  const fresh = `${dir}.new-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  await writeModelFolder(fresh, {
    ...model,
    metadata: { corpusHash: hash, fittedAt: new Date().toISOString(), documents: model.documents, sampled: model.sampled, options },
  });
  await rename(dir, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(fresh, dir);
  await rm(old, { recursive: true, force: true });
  return { dir, refitted: true, corpusHash: hash, seconds: (performance.now() - started) / 1000 };
}
