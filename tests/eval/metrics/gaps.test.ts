import { describe, expect, it } from 'vitest';
import { Random } from '../../../datasets/text/random.ts';
import { maxNorm, stackedVectors } from '../../../eval/judges/semantic.ts';
import { findGaps, nearestCentres } from '../../../eval/metrics/find-gaps.ts';
import { questionWords, type GapInput } from '../../../eval/metrics/gaps.ts';
import { openRowProducts } from '../../../pipelines/vector-scan.ts';

/** A unit vector near axis `axis`, a little apart from its neighbours so k-means has something to do. */
function near(axis: number, jitter: number, dimensions = 8): Float32Array {
  const vector = new Float32Array(dimensions);
  vector[axis] = 1;
  vector[(axis + 1) % dimensions] = jitter;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** `count` tickets about one topic, on one axis of the embedding space. */
function topic(prefix: string, axis: number, count: number, text: (index: number) => string): GapInput[] {
  return Array.from({ length: count }, (_, index) => ({ ticketId: `${prefix}-${index}`, question: text(index), vector: near(axis, (index % 5) * 0.02) }));
}

const labelWords = (gaps: Awaited<ReturnType<typeof findGaps>>) => gaps.flatMap((gap) => gap.terms);

describe('knowledge-gap labels: what the customers asked, never how they wrote it', () => {
  it('English: leaves out the greeting to the brand, the handle, the sign-off and the signature', async () => {
    const gaps = await findGaps([
      ...topic('parcel', 0, 10, (index) => `Where is my parcel\nDear Maison Lune,\nmy parcel tracking shows nothing since ${index} days.\nThanks,\nJulie Martin\nSent from my iPhone`),
      ...topic('refund', 3, 10, () => `@MaisonLune refund\nHi @MaisonLune, the candle arrived broken, I want a refund please.\nKind regards,\nTom Durand\ntom@example.com`),
    ]);
    const words = labelWords(gaps);
    expect(words).toEqual(expect.arrayContaining(['parcel', 'refund']));
    for (const word of ['maison', 'lune', 'maisonlune', 'dear', 'julie', 'martin', 'iphone', 'sent', 'tom', 'durand', 'kind', 'regards', 'example']) expect(words).not.toContain(word);
  });

  it('French: leaves out "Bonjour Maison Lune", "Cordialement" and the name under it', async () => {
    const gaps = await findGaps([
      ...topic('colis', 0, 10, () => `Colis non reçu\nBonjour Maison Lune,\nmon colis n'est toujours pas arrivé, le suivi ne bouge plus.\nCordialement,\nJulie Martin\nEnvoyé de mon iPhone`),
      ...topic('remboursement', 3, 10, () => `Remboursement\nChère équipe Maison Lune !\nla bougie est arrivée cassée, je souhaite un remboursement.\nBien à vous,\nAmélie Rousseau`),
    ]);
    const words = labelWords(gaps);
    expect(words).toEqual(expect.arrayContaining(['colis', 'remboursement']));
    for (const word of ['maison', 'lune', 'chere', 'equipe', 'julie', 'martin', 'iphone', 'envoye', 'amelie', 'rousseau']) expect(words).not.toContain(word);
  });

  it('a word common in nearly every group is the house name, even inside a sentence (FR and EN)', async () => {
    const topics = ['parcel delayed', 'refund broken', 'colis retard', 'remboursement cassé', 'size exchange'];
    const inputs = topics.flatMap((words, axis) => topic(words.split(' ')[0]!, axis, 8, () => `${words}\nLumière: ${words}`));
    const gaps = await findGaps(inputs, { maxGaps: 5 });
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(labelWords(gaps)).not.toContain('lumiere');
    expect(labelWords(gaps)).toEqual(expect.arrayContaining(['parcel', 'colis', 'remboursement']));
  });

  it('keeps a question that starts with a greeting but no comma, and a "thanks" that is the question itself', () => {
    expect(questionWords('Subject\nHello where is my parcel?')).toContain('where is my parcel');
    expect(questionWords('Subject\nBonjour je voudrais annuler ma commande')).toContain('je voudrais annuler ma commande');
    expect(questionWords('Merci pour le colis\nIl manque une bougie')).toContain('Merci pour le colis');
    expect(questionWords('Subject\nHello,\nmy order is late\nThanks\nJulie')).not.toContain('Julie');
  });
});

describe('k-means assignment', () => {
  it('gives each member the centre summing every similarity in doubles gives, with onnxruntime’s 32-bit products choosing which to sum', async () => {
    const random = new Random(3);
    const dimensions = 64;
    const unit = (values: Float32Array) => {
      const norm = Math.hypot(...values);
      return values.map((value) => value / norm);
    };
    const noisy = (base: Float32Array, noise: number) => unit(base.map((value) => value + (random.next() - 0.5) * noise));
    const centres = Array.from({ length: 12 }, () => unit(Float32Array.from({ length: dimensions }, () => random.next() - 0.5)));
    // Members near one centre, halfway between two (near-ties a 32-bit sum cannot tell), and copies of centres (exact ties with them).
    const members = [
      ...Array.from({ length: 300 }, (_, index) => noisy(centres[index % 12]!, 0.3)),
      ...Array.from({ length: 300 }, (_, index) => noisy(unit(centres[index % 12]!.map((value, d) => value + centres[(index + 1) % 12]![d]!)), 1e-6)),
      ...centres.slice(0, 6),
      new Float32Array(dimensions),
    ];
    const exactly = new Int32Array(members.length);
    nearestCentres(members, centres, exactly);
    const stacked = stackedVectors(members);
    const products = await openRowProducts(stacked.values, dimensions);
    const rough = { products: await Promise.all(centres.map((centre) => products.of(centre))), longest: maxNorm(stacked) };
    await products.release();
    const picked = new Int32Array(members.length);
    nearestCentres(members, centres, picked, rough);
    expect([...picked]).toEqual([...exactly]);
    expect(new Set(exactly).size).toBe(12);
  });
});
