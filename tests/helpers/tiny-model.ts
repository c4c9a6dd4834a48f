import { join } from 'node:path';
import { Random } from '../../datasets/text/random.ts';
import { SPECIAL_TOKENS, writeModelFolder } from '../../pipelines/embed/model-folder.ts';

const WORDS = ['hello', 'world', 'bonjour', 'le', 'monde', 'rembourse', '##ment', 'commande', 'where', 'is', 'my', 'order', 'ou', 'est', 'ma'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** Texts the tiny model knows the words of, and some it does not. */
export const TINY_MODEL_TEXTS = ['Hello world', 'Où est ma commande #ML1042 ?', 'remboursement', 'where is my order', 'zzz qqq', 'order order order, where is my order'];

/** A small model written into `parent`/tiny-model, as a user's own folder would be: nothing is downloaded. */
export async function writeTinyModel(parent: string, poolInGraph = true, dimensions = 8): Promise<{ dir: string; vectors: Float32Array }> {
  const vocabulary = [...SPECIAL_TOKENS, ...WORDS, ...LETTERS, ...LETTERS.map((letter) => `##${letter}`), '#', '?', '0', '1', '2', '4', '##0', '##1', '##2', '##4'];
  const random = new Random(7);
  // Special tokens get zero vectors, as in the built-in model, so [CLS]/[SEP] do not tilt the mean.
  const vectors = Float32Array.from({ length: vocabulary.length * dimensions }, (_, index) => (index < SPECIAL_TOKENS.length * dimensions ? 0 : random.next() * 2 - 1));
  const dir = join(parent, 'tiny-model');
  await writeModelFolder(dir, { vocabulary, vectors, vocabSize: vocabulary.length, dimensions, poolInGraph });
  return { dir, vectors };
}
