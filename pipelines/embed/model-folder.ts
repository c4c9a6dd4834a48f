import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { staticEmbeddingOnnx, type StaticEmbeddingModel } from './onnx-writer.ts';

/**
 * Writes a model in the Hugging Face layout transformers.js loads (config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx), so a model fitted here goes through the very same
 * loading path as one from the hub.
 */

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** Marks a model whose ONNX graph already mean-pools, so it is run with `pooling: 'none'`. */
export const POOLING_INCLUDED = 'included';

export interface ModelFolderOptions extends StaticEmbeddingModel {
  /** Token strings by id; the first five must be SPECIAL_TOKENS, continuation pieces start with `##`. */
  vocabulary: string[];
  /** Extra facts kept in config.json (how and on what the model was fitted). */
  metadata?: Record<string, unknown>;
}

/**
 * What BertNormalizer's clean_text drops: control characters but tab and line breaks, format
 * characters (zero-width spaces, soft hyphens), private-use ones, lone surrogates and U+FFFD.
 * One pattern for JavaScript (flag u) and the Rust tokenizers alike.
 */
export const INVISIBLE_CHARACTERS = '[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\p{Cf}\\p{Co}\\p{Cs}\uFFFD]';

function tokenizerJson(vocabulary: string[]): object {
  const id = (token: string) => vocabulary.indexOf(token);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((token) => ({ id: id(token), content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    // Lower-casing and accent folding: "Remboursé", "rembourse" and "REMBOURSÉ" are one token.
    // BertNormalizer's clean_text tests every character against regexes; one Replace drops the
    // same characters (its mapping of whitespace to spaces is moot before BertPreTokenizer).
    // With the post-processor below and no token_type_ids, the same tokens came 1.4x faster
    // (30,000 texts of a 100k-ticket index: 7,229 → 10,357 texts/s).
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Replace', pattern: { Regex: INVISIBLE_CHARACTERS }, content: '' },
        { type: 'BertNormalizer', clean_text: false, handle_chinese_chars: true, strip_accents: true, lowercase: true },
      ],
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', cls: ['[CLS]', id('[CLS]')], sep: ['[SEP]', id('[SEP]')] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocabulary.map((token, index) => [token, index])),
    },
  };
}

/** The tokenizer.json without its vocabulary: what every tokenizer written here shares. */
function tokenizerShape(json: unknown): string {
  const { model, ...rest } = json as { model?: Record<string, unknown> };
  return JSON.stringify({ ...rest, model: { ...model, vocab: undefined } });
}

/** Whether a loaded tokenizer.json is one written here, whatever its vocabulary (model-inputs.ts relies on its shape). */
export function isWrittenTokenizer(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'model' in json && tokenizerShape(json) === tokenizerShape(tokenizerJson([...SPECIAL_TOKENS]));
}

export async function writeModelFolder(dir: string, options: ModelFolderOptions): Promise<void> {
  const { vocabulary, metadata, ...model } = options;
  if (vocabulary.length !== model.vocabSize) throw new Error(`vocabulary has ${vocabulary.length} tokens, vectors have ${model.vocabSize} rows`);
  SPECIAL_TOKENS.forEach((token, index) => {
    if (vocabulary[index] !== token) throw new Error(`token ${index} must be ${token}`);
  });
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 1)}\n`;
  await writeFile(
    join(dir, 'config.json'),
    json({ model_type: 'bert', architectures: ['BertModel'], hidden_size: model.dimensions, vocab_size: model.vocabSize, shadowdesk: { ...(model.poolInGraph !== false && { pooling: POOLING_INCLUDED }), ...metadata } }),
  );
  await writeFile(join(dir, 'tokenizer.json'), json(tokenizerJson(vocabulary)));
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    json({
      // A BERT WordPiece tokenizer without token_type_ids, which the model has no use for.
      tokenizer_class: 'DistilBertTokenizer',
      do_lower_case: true,
      strip_accents: true,
      model_max_length: 512,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      mask_token: '[MASK]',
    }),
  );
  await writeFile(join(dir, 'onnx', 'model.onnx'), staticEmbeddingOnnx(model));
}
