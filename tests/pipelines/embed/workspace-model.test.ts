import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { loadEmbedder } from '../../../pipelines/embed/embedder.ts';
import { ensureBuiltinModel } from '../../../pipelines/embed/workspace-model.ts';
import { importSources } from '../../../pipelines/import.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

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
});
