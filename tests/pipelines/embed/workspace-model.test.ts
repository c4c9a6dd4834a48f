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
  it('fits once, keeps the model while the corpus is unchanged, refits when it changes', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'ws');
    await importTickets(dir, workspace, TEXTS);

    const first = await ensureBuiltinModel(workspace, { dimensions: 8 });
    expect(first.refitted).toBe(true);
    const written = (await stat(join(first.dir, 'onnx', 'model.onnx'))).mtimeMs;
    const embedder = await loadEmbedder(first.dir);
    expect(embedder.dimensions).toBe(8);
    await embedder.dispose();

    const second = await ensureBuiltinModel(workspace, { dimensions: 8 });
    expect(second).toMatchObject({ refitted: false, corpusHash: first.corpusHash });
    expect((await stat(join(first.dir, 'onnx', 'model.onnx'))).mtimeMs).toBe(written);

    await importTickets(dir, workspace, [...TEXTS, 'le code promo est refusé au paiement']);
    const third = await ensureBuiltinModel(workspace, { dimensions: 8 });
    expect(third.refitted).toBe(true);
    expect(third.corpusHash).not.toBe(first.corpusHash);

    const otherOptions = await ensureBuiltinModel(workspace, { dimensions: 6 });
    expect(otherOptions.refitted).toBe(true);
  });
});
