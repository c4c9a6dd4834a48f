import { escapeRegExp } from '../../datasets/text/patterns.ts';
import { isWrittenTokenizer } from './model-folder.ts';
import { transformers } from './transformers.ts';

/**
 * The tensors transformers.js' tokenizer makes for a batch (`tokenizer(texts, { padding: true,
 * truncation: true })`), made for the tokenizer model-folder.ts writes without its generic
 * machinery: per text a split on special tokens, a normalizer sequence, a pre-tokenizer, a
 * WordPiece model, a post-processor, then ids padded and converted to BigInt one by one. That was
 * about 70 % of embedding with the built-in model. Each step here is the tokenizer's own where it
 * costs little (its compiled patterns, its accent stripping, its WordPiece for words outside the
 * Basic Multilingual Plane) and skipped where it cannot change the text (no CJK character to space
 * out); a text holding a special token's string goes through the tokenizer itself. Tests compare
 * the tensors with the tokenizer's on every text of the demo and on hostile ones.
 */

type Tensor = InstanceType<ReturnType<typeof transformers>['Tensor']>;

export interface ModelInputs {
  input_ids: Tensor;
  attention_mask: Tensor;
}

/** The parts of transformers.js' tokenizer (4.x) read here; checked on creation. */
interface LoadedTokenizer {
  _tokenizerJSON: unknown;
  _tokenizer: {
    normalizer: { normalizers: [{ pattern: RegExp }, { strip_accents(text: string): string; normalize(text: string): string }] };
    pre_tokenizer: { pre_tokenize_text(text: string): string[] };
    model: { tokens_to_ids: Map<string, number>; unk_token_id: number; max_input_chars_per_word: number; encode(words: string[]): string[] };
    added_tokens_map: Map<string, { id: number }>;
  };
  _encode_plus(text: string): { input_ids: number[] };
  model_max_length: number;
  pad_token_id: number;
  padding_side: string;
  return_token_type_ids: boolean | null;
}

/** What `is_chinese_char` finds in a UTF-16 code unit: its ranges beyond U+FFFF never match one. */
const CJK = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;
/** Words kept between batches: a history repeats its words, and a word's pieces are the WordPiece loop. */
const WORDS_KEPT = 50_000;

/**
 * Makes a batch's model inputs, or undefined when the tokenizer is not one model-folder.ts writes
 * (a hub model's), which then goes through transformers.js' pipeline as it is.
 */
export function writtenModelInputs(loaded: unknown): ((texts: readonly string[]) => ModelInputs) | undefined {
  const tokenizer = loaded as LoadedTokenizer;
  if (!isWrittenTokenizer(tokenizer._tokenizerJSON) || tokenizer.padding_side !== 'right' || tokenizer.return_token_type_ids) return undefined;
  const { normalizer, pre_tokenizer: preTokenizer, model, added_tokens_map: added } = tokenizer._tokenizer;
  const [invisible, bert] = normalizer.normalizers;
  const special = new RegExp([...added.keys()].map(escapeRegExp).join('|'));
  const idOf = (token: string) => added.get(token)?.id ?? model.tokens_to_ids.get(token) ?? model.unk_token_id;
  const cls = idOf('[CLS]');
  const sep = idOf('[SEP]');
  const { Tensor } = transformers();
  const known = new Map<string, readonly number[]>();

  /** WordPiece of one word, as the tokenizer's model: longest piece first, a word it cannot spell is unknown. */
  const piecesOf = (word: string): readonly number[] => {
    let pieces = known.get(word);
    if (pieces) return pieces;
    if (SURROGATE.test(word)) pieces = model.encode([word]).map(idOf);
    else if (word.length > model.max_input_chars_per_word) pieces = [model.unk_token_id];
    else {
      const found: number[] = [];
      for (let start = 0; start < word.length; ) {
        let end = word.length;
        let id: number | undefined;
        for (; start < end; end--) {
          id = model.tokens_to_ids.get(start > 0 ? `##${word.slice(start, end)}` : word.slice(start, end));
          if (id !== undefined) break;
        }
        if (id === undefined) {
          found.length = 0;
          found.push(model.unk_token_id);
          break;
        }
        found.push(id);
        start = end;
      }
      pieces = found;
    }
    if (known.size >= WORDS_KEPT) known.clear();
    known.set(word, pieces);
    return pieces;
  };

  const idsOf = (text: string): number[] => {
    if (special.test(text)) return tokenizer._encode_plus(text).input_ids;
    const visible = text.replaceAll(invisible.pattern, '');
    // BertNormalizer: CJK characters spaced out, then lower case and accents stripped, as it does.
    const normalized = CJK.test(visible) ? bert.normalize(visible) : bert.strip_accents(visible.toLowerCase());
    const ids = [cls];
    for (const word of preTokenizer.pre_tokenize_text(normalized)) for (const id of piecesOf(word)) ids.push(id);
    ids.push(sep);
    return ids;
  };

  return (texts) => {
    const encoded = texts.map(idsOf);
    const length = Math.min(Math.max(...encoded.map((ids) => ids.length)), tokenizer.model_max_length);
    const inputIds = new BigInt64Array(texts.length * length);
    const mask = new BigInt64Array(texts.length * length);
    encoded.forEach((ids, row) => {
      for (let column = 0; column < length; column++) {
        const real = column < ids.length;
        inputIds[row * length + column] = BigInt(real ? ids[column]! : tokenizer.pad_token_id);
        mask[row * length + column] = real ? 1n : 0n;
      }
    });
    return { input_ids: new Tensor('int64', inputIds, [texts.length, length]), attention_mask: new Tensor('int64', mask, [texts.length, length]) };
  };
}
