import { createRequire } from 'node:module';

/**
 * transformers.js, loaded through `require` (its CommonJS build, the same code). From a git
 * checkout the CLI runs under tsx's import hooks, which rewrite the dynamic imports of the 1.3 MB
 * ES module bundle on every start: 2–9 s a command on this machine, under 1 s through `require`.
 * Tests reach the instance the embedder configures (`env`) through here too; a module of its own,
 * so the library's published types never name transformers.js' own (they fail a strict project).
 */
export function transformers(): typeof import('@huggingface/transformers') {
  return createRequire(import.meta.url)('@huggingface/transformers') as typeof import('@huggingface/transformers');
}

