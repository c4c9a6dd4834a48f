import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitBuiltinModel } from '../../../pipelines/embed/builtin-model.ts';
import { loadEmbedder } from '../../../pipelines/embed/embedder.ts';
import { writeModelFolder } from '../../../pipelines/embed/model-folder.ts';
import { writtenModelInputs } from '../../../pipelines/embed/model-inputs.ts';
import { transformers } from '../../../pipelines/embed/transformers.ts';
import { readRecords } from '../../../pipelines/workspace.ts';
import { importedDemo } from '../../helpers/demo-workspace.ts';
import { useTempDir } from '../../helpers/temp.ts';

const tempDir = useTempDir();

/** Texts a tokenizer gets wrong when it cuts corners: each is compared alone and among others. */
const HOSTILE = [
  '',
  '   \n\t ',
  'Bonjour [CLS] où est [MASK] ma commande [SEP][PAD]',
  'Where is [UNK]? [unk] [ CLS ]',
  '日本語のテキスト、中文字符 et du français',
  'Colis 📦 arrivé 👍🏽 merci 🙏 😀😀',
  // 120 UTF-16 units but 60 characters: WordPiece counts characters against its 100.
  `${'📦'.repeat(60)} ${'📦é'.repeat(30)}`,
  `${'x'.repeat(150)} ${'é'.repeat(101)} court`,
  'İstanbul ΣΊΣΥΦΟΣ Straße ﬁn ǅ Ⅻ ½ ²',
  'co\u200blis\u00ad arri\u0007vé\uFFFD\u200d\u000b\u000c fin',
  'Cafe\u0301 re\u0301ponse de\u0301ja\u0300 (accents written apart)',
  'prix : 12,50 €, « guillemets » — tiret… ¿qué? ¡sí! § ¶ · ©®™ ×÷ ° µ',
  'non\u00a0breaking\u2009thin\u3000ideographic\u2028line\ufeffbom',
  'url https://shop.example/fr/retours?id=42&x=1 mail julie@example.com #ML1042',
  `${'remboursement commande colis '.repeat(250)}end`,
];

describe('model inputs for a tokenizer shadowdesk writes', () => {
  let texts: string[];
  let extractor: { tokenizer: unknown; (texts: string[], options: object): Promise<{ data: Float32Array; dims: number[] }> };
  let modelDir: string;

  beforeAll(async () => {
    const { workspace } = await importedDemo();
    texts = [];
    for await (const ticket of readRecords(workspace, 'ticket')) texts.push(ticket.subject ?? '', ...ticket.messages.map((message) => message.text));
    for await (const doc of readRecords(workspace, 'knowledge')) texts.push(doc.title, doc.body);
    // A vocabulary of the demo's words and word pieces (fitted on 5,000 of its texts, as the built-in model fits one) and of every character above.
    const model = await fitBuiltinModel([...texts.slice(0, 5000), ...HOSTILE], { dimensions: 16 });
    modelDir = join(await mkdtemp(join(tmpdir(), 'shadowdesk-model-inputs-')), 'demo-model');
    await writeModelFolder(modelDir, model);
    await loadEmbedder(modelDir);
    extractor = (await transformers().pipeline('feature-extraction', 'demo-model', { dtype: 'fp32', device: 'cpu' })) as unknown as typeof extractor;
  }, 120_000);
  afterAll(() => rm(join(modelDir, '..'), { recursive: true, force: true }));

  const tokenizerTensors = (batch: string[]) => {
    const call = extractor.tokenizer as (texts: string[], options: object) => Record<'input_ids' | 'attention_mask', { dims: number[]; data: BigInt64Array }>;
    return call(batch, { padding: true, truncation: true });
  };

  it("gives the tokenizer's own tensors for every text of the demo and hostile ones, in batches of mixed lengths and alone (French and English)", () => {
    const inputs = writtenModelInputs(extractor.tokenizer);
    expect(inputs).toBeDefined();
    const all = [...HOSTILE, ...texts];
    // Alone (no padding) the hostile texts and a thousand of the demo's; every text among others.
    const batches = [...all.slice(0, HOSTILE.length + 1000).map((text) => [text]), ...Array.from({ length: Math.ceil(all.length / 32) }, (_, index) => all.slice(index * 32, index * 32 + 32)), HOSTILE];
    for (const batch of batches) {
      const theirs = tokenizerTensors(batch);
      const ours = inputs!(batch);
      for (const key of ['input_ids', 'attention_mask'] as const) {
        expect(ours[key].dims, batch[0]).toEqual(theirs[key].dims);
        expect(Array.from(ours[key].data as BigInt64Array), batch[0]).toEqual(Array.from(theirs[key].data));
      }
    }
    // The long text is cut at the model's 512 tokens, as the tokenizer cuts it; the special tokens' strings are those tokens.
    expect(inputs!([HOSTILE.at(-1)!]).input_ids.dims).toEqual([1, 512]);
    expect(Array.from(inputs!([HOSTILE[2]!]).input_ids.data as BigInt64Array)).toContain(4n);
  }, 120_000);

  it("embeds to the bits of transformers.js' pipeline", async () => {
    const embedder = await loadEmbedder(modelDir);
    try {
      const sample = [...HOSTILE, ...texts.slice(0, 500)];
      const vectors = await embedder.embed(sample);
      for (const [index, text] of sample.entries()) {
        const output = await extractor([text], { pooling: 'none', normalize: false });
        // Made a unit vector as the embedder makes one.
        const norm = Math.sqrt(output.data.reduce((sum, value) => sum + value * value, 0)) || 1;
        expect(Array.from(vectors[index]!), text).toEqual(Array.from(Float32Array.from(output.data, (value) => value / norm)));
      }
    } finally {
      await embedder.dispose();
    }
  }, 120_000);

  it('leaves any other tokenizer to transformers.js: one that keeps capitals is not the one written here', async () => {
    const dir = join(await tempDir(), 'cased-model');
    await writeModelFolder(dir, await fitBuiltinModel(texts.slice(0, 300), { dimensions: 8 }));
    const file = join(dir, 'tokenizer.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as { normalizer: { normalizers: Array<{ lowercase?: boolean }> } };
    json.normalizer.normalizers[1]!.lowercase = false;
    await writeFile(file, JSON.stringify(json));
    await loadEmbedder(dir);
    const cased = (await transformers().pipeline('feature-extraction', 'cased-model', { dtype: 'fp32', device: 'cpu' })) as unknown as typeof extractor;
    expect(writtenModelInputs(cased.tokenizer)).toBeUndefined();
  }, 60_000);
});
