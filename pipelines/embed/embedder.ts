import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { POOLING_INCLUDED } from './model-folder.ts';

/** Turns texts into unit vectors; one implementation, through transformers.js on onnxruntime-node. */
export interface Embedder {
  /** The model as named: a hub id or a folder. */
  id: string;
  dimensions: number;
  embed(texts: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface EmbedderOptions {
  /** Texts per ONNX run. @default 32 */
  batchSize?: number;
  /** Fetch a hub model that is not in the local cache. @default false (shadowdesk works offline) */
  allowDownload?: boolean;
  /** Where hub models are cached. @default transformers.js' own cache */
  cacheDir?: string;
}

/**
 * An L2-normalized copy. Done here rather than with the pipeline's `normalize` option, whose
 * generic tensor code made the whole embedding 25% slower.
 */
function unitVector(values: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < values.length; i++) norm += values[i]! * values[i]!;
  norm = Math.sqrt(norm) || 1;
  const unit = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) unit[i] = values[i]! / norm;
  return unit;
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

/** Models written by shadowdesk pool inside their graph; every other model is mean-pooled here. */
async function poolingOf(folder: string): Promise<'mean' | 'none'> {
  try {
    const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')) as { shadowdesk?: { pooling?: string } };
    return config.shadowdesk?.pooling === POOLING_INCLUDED ? 'none' : 'mean';
  } catch {
    return 'mean';
  }
}

/**
 * Loads a model by hub id (from the local cache, or the hub when allowed) or from a local folder
 * in Hugging Face layout, and embeds with mean pooling and L2 normalization.
 */
export async function loadEmbedder(model: string, options: EmbedderOptions = {}): Promise<Embedder> {
  const { env, pipeline } = await import('@huggingface/transformers');
  const local = await isFolder(model);
  env.allowRemoteModels = !local && (options.allowDownload ?? false);
  env.allowLocalModels = true;
  if (options.cacheDir) env.cacheDir = options.cacheDir;
  if (local) env.localModelPath = `${dirname(resolve(model))}/`;
  const modelId = local ? basename(resolve(model)) : model;

  let extractor: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;
  try {
    extractor = await pipeline('feature-extraction', modelId, { dtype: 'fp32', device: 'cpu' });
  } catch (cause) {
    const hint = local
      ? `the folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx`
      : options.allowDownload
        ? 'it is not in the local cache and could not be downloaded'
        : 'it is not in the local cache and downloads are off';
    throw new ShadowdeskError(
      'SD_MODEL_UNAVAILABLE',
      `cannot load embedding model "${model}": ${hint} (${(cause as Error).message.split('\n')[0]}); use the built-in model, which is fitted on your own data offline: --model builtin`,
      { cause },
    );
  }
  const batchSize = options.batchSize ?? 32;
  const pooling = local ? await poolingOf(model) : 'mean';
  const probe = await extractor(['dimension probe'], { pooling, normalize: false });
  const dimensions = probe.dims[1]!;
  return {
    id: model,
    dimensions,
    async embed(texts) {
      // Batches of texts of about the same length: padding every text to its batch's longest was
      // a third of the work (16,000 demo messages: 5,332 → 8,136 texts/s, the same vectors).
      const order = texts.map((_, index) => index).sort((a, b) => texts[a]!.length - texts[b]!.length);
      const vectors = new Array<Float32Array>(texts.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const batch = order.slice(start, start + batchSize);
        const output = await extractor(batch.map((index) => texts[index]!), { pooling, normalize: false });
        const data = output.data as Float32Array;
        batch.forEach((index, row) => (vectors[index] = unitVector(data.subarray(row * dimensions, (row + 1) * dimensions))));
      }
      return vectors;
    },
    dispose: () => extractor.dispose(),
  };
}
