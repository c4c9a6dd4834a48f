import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitBuiltinModel, preTokenize, tokenWeights, wordPiece } from '../../../pipelines/embed/builtin-model.ts';
import { loadEmbedder } from '../../../pipelines/embed/embedder.ts';
import { transformers } from '../../../pipelines/embed/transformers.ts';
import { writeModelFolder } from '../../../pipelines/embed/model-folder.ts';
import { Random } from '../../../datasets/text/random.ts';
import { useTempDir } from '../../helpers/temp.ts';

const tempDir = useTempDir();

const TOPICS: Record<string, string[]> = {
  shipping: ['colis', 'livraison', 'suivi', 'transporteur', 'parcel', 'tracking', 'delivery', 'shipped', 'expédié', 'arrivé'],
  returns: ['retour', 'renvoyer', 'étiquette', 'return', 'label', 'send', 'back', 'délai', 'jours', 'days'],
  refunds: ['remboursement', 'remboursé', 'banque', 'refund', 'refunded', 'bank', 'argent', 'money', 'compte', 'account'],
  discounts: ['code', 'promo', 'réduction', 'discount', 'coupon', 'checkout', 'panier', 'basket', 'refusé', 'invalid'],
};
const FILLER = ['bonjour', 'merci', 'hello', 'thanks', 'je', 'you', 'my', 'ma', 'commande', 'order', 'please', 'svp'];

/** Short support-like messages on four topics, in two languages, with shared filler words. */
function corpus(size: number, seed: number): Array<{ topic: string; text: string }> {
  const random = new Random(seed);
  const topics = Object.keys(TOPICS);
  return Array.from({ length: size }, () => {
    const topic = random.pick(topics);
    const words = Array.from({ length: 8 }, () => (random.chance(0.6) ? random.pick(TOPICS[topic]!) : random.pick(FILLER)));
    return { topic, text: words.join(' ') };
  });
}

describe('the built-in model', () => {
  it('is the same for the same corpus and seed, and different for another seed', async () => {
    const texts = corpus(400, 1).map((doc) => doc.text);
    const a = await fitBuiltinModel(texts, { dimensions: 16, seed: 5 });
    const b = await fitBuiltinModel(texts, { dimensions: 16, seed: 5 });
    const c = await fitBuiltinModel(texts, { dimensions: 16, seed: 6, maxDocuments: 100 });
    expect(a.vocabulary).toEqual(b.vocabulary);
    expect(Buffer.from(a.vectors.buffer).equals(Buffer.from(b.vectors.buffer))).toBe(true);
    expect(Buffer.from(a.vectors.buffer).equals(Buffer.from(c.vectors.buffer))).toBe(false);
    expect(a).toMatchObject({ documents: 400, sampled: 400, dimensions: 16 });
    expect(c.sampled).toBe(100);
  });

  it('gives finite vectors from a corpus with fewer distinct documents than columns, none beyond its rank (French and English)', async () => {
    const distinct = ['colis livraison suivi', 'remboursement banque compte', 'parcel tracking delivery', 'refund bank account'];
    const model = await fitBuiltinModel(Array.from({ length: 40 }, (_, index) => distinct[index % distinct.length]!), { dimensions: 16 });
    expect(model.dimensions).toBe(16);
    expect(model.vectors.every(Number.isFinite)).toBe(true);
    // Four distinct documents span four components: the other twelve are zero for every token.
    const used = Array.from({ length: 16 }, (_, d) => model.vocabulary.some((_, t) => model.vectors[t * 16 + d] !== 0));
    expect(used.filter(Boolean)).toHaveLength(4);
    const id = (token: string) => model.vocabulary.indexOf(token);
    const vector = (token: string) => model.vectors.subarray(id(token) * 16, id(token) * 16 + 16);
    const cosine = (a: string, b: string) => vector(a).reduce((sum, value, d) => sum + value * vector(b)[d]!, 0) / Math.hypot(...vector(a)) / Math.hypot(...vector(b));
    expect(cosine('colis', 'suivi')).toBeCloseTo(1, 5);
    expect(cosine('refund', 'bank')).toBeCloseTo(1, 5);
    expect(Math.abs(cosine('colis', 'refund'))).toBeLessThan(1e-6);
  });

  it('tokenizes exactly as the tokenizer it is written with', async () => {
    const texts = [...corpus(300, 2).map((doc) => doc.text), 'Remboursements effectués, étiquettes imprimées !', 'REMBOURSÉ ?'];
    const model = await fitBuiltinModel(texts, { dimensions: 8, vocabularySize: 120 });
    const dir = join(await tempDir(), 'fitted');
    await writeModelFolder(dir, model);
    await loadEmbedder(dir);
    const { AutoTokenizer } = transformers();
    const tokenizer = await AutoTokenizer.from_pretrained('fitted');
    const ids = new Map(model.vocabulary.map((token, index) => [token, index]));
    const invisible = 'co\u200blis\u00ad arri\u0007vé\uFFFD\u200d';
    for (const text of ['Remboursements effectués, étiquettes imprimées !', 'REMBOURSÉ ?', 'colis arrivé', 'zzzz unknownword', invisible]) {
      const ours = preTokenize(text).flatMap((word) => wordPiece(word, ids, ids.get('[UNK]')!));
      const theirs = Array.from(tokenizer.encode(text, { add_special_tokens: false }));
      expect(ours, text).toEqual(theirs);
    }
    // Zero-width, soft-hyphen, control and replacement characters are dropped, as BertNormalizer's clean_text does.
    expect(tokenizer.encode(invisible)).toEqual(tokenizer.encode('colis arrivé'));
    expect(preTokenize(invisible)).toEqual(['colis', 'arrive']);
    // The model has no segments: only ids and the mask are made and fed.
    expect(Object.keys(tokenizer(['colis arrivé', 'retour'], { padding: true })).sort()).toEqual(['attention_mask', 'input_ids']);
  });

  it('gives no vector to punctuation, symbols and the single characters unknown words are spelled with', async () => {
    const texts = [...corpus(300, 5).map((doc) => doc.text), "l'étiquette : « retour » ! #42"];
    const model = await fitBuiltinModel(texts, { dimensions: 8 });
    const norm = (token: string) => {
      const id = model.vocabulary.indexOf(token);
      expect(id, token).toBeGreaterThanOrEqual(0);
      return Math.hypot(...model.vectors.subarray(id * 8, id * 8 + 8));
    };
    for (const token of ["'", ':', '«', '!', '#', 'l', '##e', '4', '##2']) expect(norm(token), token).toBe(0);
    for (const token of ['colis', 'retour', 'remboursement']) expect(norm(token), token).toBeGreaterThan(0);
    // A token found in every document says nothing; a rarer one weighs its IDF, without the +1 of the fitted matrix.
    expect(tokenWeights(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'refund'], Float64Array.of(0, 0, 0, 0, 0, 10, 2), 10)).toEqual(
      Float64Array.of(0, 0, 0, 0, 0, 0, Math.log(11 / 3)),
    );
  });

  it('places a message nearer to its own topic than to the others, through the hub-model path', async () => {
    const train = corpus(800, 3);
    const model = await fitBuiltinModel(train.map((doc) => doc.text), { dimensions: 24 });
    const dir = join(await tempDir(), 'fitted');
    await writeModelFolder(dir, model);
    const embedder = await loadEmbedder(dir);
    const topics = Object.keys(TOPICS);
    const centroids = await embedder.embed(topics.map((topic) => TOPICS[topic]!.join(' ')));
    const test = corpus(200, 4);
    const vectors = await embedder.embed(test.map((doc) => doc.text));
    let right = 0;
    vectors.forEach((vector, index) => {
      const scores = centroids.map((centroid) => centroid.reduce((sum, value, d) => sum + value * vector[d]!, 0));
      if (topics[scores.indexOf(Math.max(...scores))] === test[index]!.topic) right++;
    });
    expect(right / test.length).toBeGreaterThan(0.9);
    await embedder.dispose();
  });
});
