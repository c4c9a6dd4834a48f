import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { fitBuiltinModel } from '../../../pipelines/embed/builtin-model.ts';
import { loadEmbedder } from '../../../pipelines/embed/embedder.ts';
import { writeModelFolder } from '../../../pipelines/embed/model-folder.ts';
import { corpusTexts, ensureBuiltinModel, fittedInTime } from '../../../pipelines/embed/workspace-model.ts';
import { importSources } from '../../../pipelines/import.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

function ticket(id: number, text: string): Ticket {
  return {
    id: String(id),
    source: 'test',
    createdAt: '2025-01-01T00:00:00.000Z',
    channel: 'email',
    subject: 'Question',
    customer: {},
    tags: [],
    messages: [{ role: 'customer', sentAt: '2025-01-01T00:00:00.000Z', text }],
  };
}

async function importTickets(dir: string, workspace: string, texts: string[]): Promise<void> {
  const file = await writeTemp(dir, `tickets-${texts.length}.jsonl`, texts.map((text, index) => JSON.stringify(ticket(index + 1, text))).join('\n'));
  await importSources([{ path: file }], { workspace });
}

const TEXTS = Array.from({ length: 60 }, (_, index) =>
  index % 2 === 0 ? `où est mon colis numéro ${index} livraison suivi` : `je voudrais un remboursement pour la commande ${index} retour`,
);

describe('ensureBuiltinModel', () => {
  it('fits once, keeps the model for an unchanged or slightly grown corpus, refits past the threshold', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    await importTickets(dir, workspace, TEXTS);

    const first = await ensureBuiltinModel(workspace, { dimensions: 8 });
    expect(first).toMatchObject({ refitted: true, documents: 60 });
    const written = (await stat(join(first.dir, 'onnx', 'model.onnx'))).mtimeMs;
    const embedder = await loadEmbedder(first.dir);
    expect(embedder.dimensions).toBe(8);
    await embedder.dispose();

    const unchanged = await ensureBuiltinModel(workspace, { dimensions: 8 });
    expect(unchanged).toMatchObject({ refitted: false, fitHash: first.fitHash });
    expect((await stat(join(first.dir, 'onnx', 'model.onnx'))).mtimeMs).toBe(written);

    // Six more tickets (10 %): the model is kept, so vectors of the old corpus stay valid.
    const grown = [...TEXTS, ...TEXTS.slice(0, 6).map((text) => `${text} encore`)];
    await importTickets(dir, workspace, grown);
    const slightly = await ensureBuiltinModel(workspace, { dimensions: 8 });
    expect(slightly).toMatchObject({ refitted: false, fitHash: first.fitHash, documents: 66, drift: 0.1 });

    await importTickets(dir, workspace, [...grown, ...TEXTS.map((text) => `${text} bis`)]);
    const doubled = await ensureBuiltinModel(workspace, { dimensions: 8 });
    expect(doubled.refitted).toBe(true);
    expect(doubled.fitHash).not.toBe(first.fitHash);

    expect((await ensureBuiltinModel(workspace, { dimensions: 6 })).refitted).toBe(true);
  });

  it('fits on the texts its hashing pass kept, the same model as a fit reading the corpus again (French and English)', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    await importTickets(dir, workspace, [...TEXTS, ...TEXTS.map((text, index) => (index % 2 === 0 ? `where is my parcel ${index} tracking` : `I want a refund for order ${index}`))]);
    const fitted = await ensureBuiltinModel(workspace, { dimensions: 8 });
    const reread = join(dir, 'reread');
    await writeModelFolder(reread, await fitBuiltinModel(corpusTexts(workspace), { dimensions: 8 }));
    const model = (folder: string) => readFile(join(folder, 'onnx', 'model.onnx'));
    expect((await model(fitted.dir)).equals(await model(reread))).toBe(true);
  });
});

/** A two-message ticket: the question when created, the agent's reply (and close) `replyDays` later. */
function dated(id: string, createdAt: string, question: string, reply: string, replyDays = 0): Ticket {
  const replied = new Date(Date.parse(createdAt) + replyDays * 86_400_000 + 3_600_000).toISOString();
  return {
    id,
    source: 'test',
    createdAt,
    closedAt: replied,
    channel: 'email',
    subject: 'Question',
    customer: {},
    tags: [],
    messages: [
      { role: 'customer', sentAt: createdAt, text: question },
      { role: 'agent', sentAt: replied, text: reply },
    ],
  };
}

const CUTOFF = '2025-03-01T00:00:00.000Z';
const day = (month: number, date: number) => new Date(Date.UTC(2025, month - 1, date, 9)).toISOString();

/**
 * Sixty past tickets, then what a replay starting at CUTOFF must not learn from, each with a word
 * said twice (so that a fit that read it would give it a token): tickets created after the cut-off
 * in French and English, a ticket asked before it but answered after, and an article's later version.
 */
async function importAroundCutoff(dir: string, workspace: string, { undated = true } = {}): Promise<void> {
  const past = TEXTS.map((text, index) => dated(`past-${index}`, day(1, 1 + (index % 28)), text, index % 2 === 0 ? 'Votre colis est en route, voici le suivi.' : 'Your refund has been issued today.'));
  const records = [
    ...past,
    dated('future-fr', day(3, 10), 'Remboursement zorglubien svp, zorglubien encore', 'Le remboursement zorglubien est fait.'),
    dated('future-en', day(4, 2), 'Where is my flarbnik parcel? flarbnik order', 'Your flarbnik parcel ships today.'),
    dated('open-at-cutoff', day(2, 27), 'Ma commande est en retard', 'Nous avons envoyé un quixotrin, un quixotrin de remplacement.', 5),
    { id: 'returns', kind: 'policy', title: 'Returns', body: 'Returns are accepted within 30 days.', updatedAt: day(1, 1) },
    { id: 'returns', kind: 'policy', title: 'Returns', body: 'Returns are accepted within 60 days with a blimvex label, blimvex free.', updatedAt: day(3, 15) },
    ...(undated ? [{ id: 'undated', kind: 'article', title: 'Shipping', body: 'Parcels ship within two days.' }] : []),
  ];
  const file = await writeTemp(dir, 'around-cutoff.jsonl', records.map((record) => JSON.stringify(record)).join('\n'));
  await importSources([{ path: file }], { workspace });
}

async function vocabulary(modelDir: string): Promise<string[]> {
  const tokenizer = JSON.parse(await readFile(join(modelDir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  return Object.keys(tokenizer.model.vocab);
}

const LATER_WORDS = ['zorglubien', 'flarbnik', 'quixotrin', 'blimvex'];

describe('a fit before a cut-off', () => {
  it('never reads a ticket created or answered after the cut-off, nor a later knowledge version (French and English)', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    await importAroundCutoff(dir, workspace);

    const before = (await collect(corpusTexts(workspace, CUTOFF))).join('\n').toLowerCase();
    for (const word of LATER_WORDS) expect(before).not.toContain(word);
    expect(before).toContain('within 30 days');
    expect(before).toContain('parcels ship within two days');
    const whole = (await collect(corpusTexts(workspace))).join('\n').toLowerCase();
    for (const word of LATER_WORDS) expect(whole).toContain(word);

    const fitted = await ensureBuiltinModel(workspace, { dimensions: 8, cutoff: CUTOFF });
    expect(fitted).toMatchObject({ refitted: true, cutoff: CUTOFF, documents: 60 + 2 });
    const words = await vocabulary(fitted.dir);
    expect(words).toContain('remboursement');
    for (const word of LATER_WORDS) expect(words).not.toContain(word);
    // The control: fitted on the whole import (not kept by the drift rule), the same words get tokens of their own.
    const leaky = await ensureBuiltinModel(workspace, { dimensions: 8, refitAbove: 0 });
    for (const word of LATER_WORDS) expect(await vocabulary(leaky.dir)).toContain(word);
  });

  it('never serves a cut-off with a model of the whole import or of a later cut-off; keeps each fit for its corpus', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    await importAroundCutoff(dir, workspace);

    const whole = await ensureBuiltinModel(workspace, { dimensions: 8 });
    expect(whole.cutoff).toBeUndefined();
    // Two documents fewer than the whole import is well under the 20 % drift that keeps a model: refitted anyway.
    const early = await ensureBuiltinModel(workspace, { dimensions: 8, cutoff: CUTOFF });
    expect(early).toMatchObject({ refitted: true, cutoff: CUTOFF });
    expect(early.fitHash).not.toBe(whole.fitHash);

    // By May everything had been written: the whole import's model is that corpus's, kept as it is.
    const later = await ensureBuiltinModel(workspace, { dimensions: 8, cutoff: '2025-05-01T00:00:00.000Z' });
    expect(later).toMatchObject({ refitted: false, fitHash: whole.fitHash, dir: whole.dir, cutoff: '2025-05-01T00:00:00.000Z' });
    // Back to the first cut-off: its folder is still there, nothing is refitted.
    const again = await ensureBuiltinModel(workspace, { dimensions: 8, cutoff: CUTOFF });
    expect(again).toMatchObject({ refitted: false, fitHash: early.fitHash, dir: early.dir, cutoff: CUTOFF });
  });

  it('refuses clearly when nothing was written before the cut-off', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    // An undated article counts at every date: without one, nothing predates the first ticket.
    await importAroundCutoff(dir, workspace, { undated: false });
    await expect(ensureBuiltinModel(workspace, { dimensions: 8, cutoff: '2024-06-01T00:00:00.000Z' })).rejects.toThrow(/nothing was written before 2024-06-01T00:00:00.000Z to fit the built-in model on; replay a later window/);
  });

  it('lets a model serve a date only if it was fitted before it', () => {
    expect(fittedInTime('2025-03-01', '2025-03-01T00:00:00Z')).toBe(true);
    expect(fittedInTime('2025-02-01', '2025-03-01')).toBe(true);
    expect(fittedInTime('2025-03-02', '2025-03-01')).toBe(false);
    expect(fittedInTime(undefined, '2025-03-01')).toBe(false);
    expect(fittedInTime(undefined, undefined)).toBe(true);
    expect(fittedInTime('2025-03-01', undefined)).toBe(true);
  });
});
