import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isObject } from '../../datasets/normalize.ts';
import { ShadowdeskError } from '../../errors.ts';
import { POOLING_INCLUDED } from './model-folder.ts';
import { writtenModelInputs } from './model-inputs.ts';
import { transformers } from './transformers.ts';

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
  /** Where hub models are cached. @default modelCacheDir() */
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

/** The given embedder, checked to be the index's model: another model's vectors would be compared with the index's silently. */
export function indexModel(embedder: Embedder, modelPath: string): Embedder {
  if (embedder.id !== modelPath) throw new Error(`an embedder of ${embedder.id} was given for an index of ${modelPath}`);
  return embedder;
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

const BUILTIN_HINT = 'use the built-in model, which is fitted on your own data offline: --model builtin';
const FOLDER_NEEDS = 'the folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx';

type ConfigProblem = (what: string, cause?: unknown) => ShadowdeskError;

/**
 * Models written by shadowdesk pool inside their graph; every other model is mean-pooled here.
 * A config that cannot be read is an error naming it: mean-pooling an already pooled output
 * would fail far from the cause, or give vectors nobody checked.
 */
function poolingIn(config: unknown, problem: ConfigProblem): 'mean' | 'none' {
  if (!isObject(config)) throw problem('is not a JSON object');
  const { shadowdesk } = config;
  if (shadowdesk === undefined) return 'mean';
  if (!isObject(shadowdesk)) throw problem('has a "shadowdesk" entry that is not an object');
  const { pooling } = shadowdesk;
  if (pooling === undefined) return 'mean';
  if (pooling === POOLING_INCLUDED) return 'none';
  throw problem(`has an unknown pooling ${JSON.stringify(pooling)} under "shadowdesk" (expected "${POOLING_INCLUDED}" for a graph that pools, or none at all)`);
}

function configProblem(model: string, path: string): ConfigProblem {
  return (what, cause) => new ShadowdeskError('SD_MODEL_UNAVAILABLE', `cannot load embedding model "${model}": ${path} ${what}; fix the file, or ${BUILTIN_HINT}`, { cause });
}

/** A folder's pooling, read before loading: a byte order mark is skipped, as transformers.js does. */
async function poolingOf(folder: string): Promise<'mean' | 'none'> {
  const path = join(folder, 'config.json');
  const problem = configProblem(folder, path);
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw problem(`cannot be read (${(cause as Error).message}): ${FOLDER_NEEDS}`, cause);
  });
  let config: unknown;
  try {
    config = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw problem(`is not valid JSON (${(cause as Error).message.split('\n')[0]})`, cause);
  }
  return poolingIn(config, problem);
}

/**
 * onnxruntime's pool threads sleep between runs rather than spin, for every session shadowdesk makes
 * (the model's, the row products'): a replay runs them a few queries at a time between other work,
 * and after each run a spinning thread held the other core that LanceDB's queries and the judging
 * need. The model's session alone, the 10k replay of bench:e2e (1,118 tickets, three candidates):
 * 5.3–6.1 → 3.5–3.95 s of CPU, the same vectors (the thread count is unchanged).
 */
export const SLEEPING_THREADS = { extra: { session: { intra_op: { allow_spinning: '0' } } } };

let transformersCache: string | undefined;

/**
 * Where a hub id is looked for (`<cache>/<org>/<name>/`, as transformers.js stores a download):
 * SHADOWDESK_MODEL_CACHE when set, else transformers.js' own cache inside its installed package.
 */
export function modelCacheDir(environment: Readonly<Record<string, string | undefined>> = process.env): string {
  // Read once, before any load points transformers.js elsewhere.
  transformersCache ??= transformers().env.cacheDir ?? '.cache';
  return environment.SHADOWDESK_MODEL_CACHE || transformersCache;
}

/**
 * Loads a model by hub id (from the local cache, or the hub when allowed) or from a local folder
 * in Hugging Face layout, and embeds with mean pooling and L2 normalization.
 */
export async function loadEmbedder(model: string, options: EmbedderOptions = {}): Promise<Embedder> {
  const { env, pipeline } = transformers();
  const local = await isFolder(model);
  const folderPooling = local ? await poolingOf(model) : undefined;
  // Set on every load: transformers.js' settings are global, and one load's cache must not leak
  // into the next. The default is read first, before this load points transformers.js elsewhere.
  const byDefault = modelCacheDir();
  const cacheDir = options.cacheDir ?? byDefault;
  env.allowRemoteModels = !local && (options.allowDownload ?? false);
  env.allowLocalModels = true;
  env.cacheDir = cacheDir;
  if (local) env.localModelPath = `${dirname(resolve(model))}/`;
  const modelId = local ? basename(resolve(model)) : model;

  let extractor: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;
  try {
    extractor = await pipeline('feature-extraction', modelId, { dtype: 'fp32', device: 'cpu', session_options: SLEEPING_THREADS });
  } catch (cause) {
    const hint = local
      ? FOLDER_NEEDS
      : options.allowDownload
        ? 'it is not in the local cache and could not be downloaded'
        : `it is not in the local cache and downloads are off (looked for ${join(cacheDir, model)}; SHADOWDESK_MODEL_CACHE names another cache)`;
    throw new ShadowdeskError(
      'SD_MODEL_UNAVAILABLE',
      `cannot load embedding model "${model}": ${hint} (${(cause as Error).message.split('\n')[0]}); ${BUILTIN_HINT}`,
      { cause },
    );
  }
  // A hub id's config is known once loaded: a model shadowdesk wrote, shared through the cache, pools in its graph too.
  let pooling: 'mean' | 'none';
  try {
    pooling = folderPooling ?? poolingIn(extractor.model.config, configProblem(model, join(cacheDir, model, 'config.json')));
  } catch (problem) {
    await extractor.dispose();
    throw problem;
  }
  const batchSize = options.batchSize ?? 32;
  // A model shadowdesk wrote pools in its graph: its output is the pipeline's with `pooling: 'none'`.
  const inputs = pooling === 'none' ? writtenModelInputs(extractor.tokenizer) : undefined;
  const run = async (texts: string[]) => {
    if (!inputs) return extractor(texts, { pooling, normalize: false });
    const outputs = (await extractor.model(inputs(texts))) as Record<string, typeof probe | undefined>;
    return (outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings)!;
  };
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
        const output = await run(batch.map((index) => texts[index]!));
        const data = output.data as Float32Array;
        batch.forEach((index, row) => (vectors[index] = unitVector(data.subarray(row * dimensions, (row + 1) * dimensions))));
      }
      return vectors;
    },
    dispose: () => extractor.dispose(),
  };
}
