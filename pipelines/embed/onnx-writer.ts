/**
 * Writes ONNX graphs: a static-embedding model (token vectors looked up and pooled over the
 * attention mask, under the output name transformers.js reads, `last_hidden_state`) and the
 * matrix product the exact vector scan runs. The protobuf is encoded by hand: the graphs need six
 * message types, and onnx's JS bindings pull in protobufjs 6 for what fits on one screen.
 */

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
const IR_VERSION = 8;
/** 16: ScatterElements adds up what it scatters from there (the built-in model counts its tokens so). */
const OPSET = 16;

function varint(value: number | bigint): number[] {
  let rest = BigInt(value);
  const bytes: number[] = [];
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return bytes;
}

/**
 * A field's bytes as a list of chunks, joined once at the end: joining at every level of nesting
 * copied the 17 MB of token vectors six times (a twentieth of the fit at 10,000 tickets).
 */
type Field = Uint8Array[];

function tag(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

function intField(field: number, value: number): Field {
  return [Uint8Array.from([...tag(field, 0), ...varint(value)])];
}

function byteLength(field: Field): number {
  return field.reduce((length, chunk) => length + chunk.length, 0);
}

function bytesField(field: number, payload: Field): Field {
  return [Uint8Array.from([...tag(field, 2), ...varint(byteLength(payload))]), ...payload];
}

function stringField(field: number, value: string): Field {
  return bytesField(field, [new TextEncoder().encode(value)]);
}

function concat(parts: Field[]): Field {
  return parts.flat();
}

function join(field: Field): Uint8Array {
  const out = new Uint8Array(byteLength(field));
  let offset = 0;
  for (const chunk of field) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** ValueInfoProto for a tensor whose dimensions are named (dynamic) or fixed. */
function tensorValueInfo(name: string, elemType: number, dims: Array<string | number>): Field {
  const shape = concat(dims.map((dim) => bytesField(1, typeof dim === 'string' ? stringField(2, dim) : intField(1, dim))));
  const tensorType = concat([intField(1, elemType), bytesField(2, shape)]);
  return concat([stringField(1, name), bytesField(2, bytesField(1, tensorType))]);
}

export interface StaticEmbeddingModel {
  /** Row i is the vector of token id i; row-major, `vocabSize × dimensions`. */
  vectors: Float32Array;
  vocabSize: number;
  dimensions: number;
  /**
   * Pool inside the graph (one vector per text), each token weighted by 1 + ln(its count) over
   * its count, so a text's vector is the sum of its distinct tokens' vectors with sublinear
   * term frequency, divided by its length. Without it the output is per token, as
   * a BERT-style hub model's is, which tests use to exercise that path. @default true
   */
  poolInGraph?: boolean;
  /** Texts (batches padded to their longest) up to this many tokens count theirs pairwise (see pairwiseMaxLength). @default pairwiseMaxLength(vocabSize) */
  countPairwiseUpTo?: number;
}

function node(opType: string, inputs: string[], output: string, attributes: Field[] = []): Field {
  return concat([...inputs.map((input) => stringField(1, input)), stringField(2, output), stringField(3, output), stringField(4, opType), ...attributes.map((attribute) => bytesField(5, attribute))]);
}

function modelBytes(graph: Field): Uint8Array {
  return join(concat([intField(1, IR_VERSION), stringField(2, 'shadowdesk'), bytesField(7, graph), bytesField(8, concat([stringField(1, ''), intField(2, OPSET)]))]));
}

/** AttributeProto of type INT. */
function intAttribute(name: string, value: number): Field {
  return concat([stringField(1, name), intField(3, value), intField(20, 2)]);
}

/** AttributeProto of type GRAPH (an If node's branch). */
function graphAttribute(name: string, graph: Field): Field {
  return concat([stringField(1, name), bytesField(6, graph), intField(20, 5)]);
}

/** AttributeProto of type STRING. */
function stringAttribute(name: string, value: string): Field {
  return concat([stringField(1, name), stringField(4, value), intField(20, 3)]);
}

function tensor(name: string, dataType: number, dims: number[], raw: Uint8Array): Field {
  return concat([...dims.map((dim) => intField(1, dim)), intField(2, dataType), stringField(8, name), bytesField(9, [raw])]);
}

function int64Tensor(name: string, values: number[]): Field {
  return tensor(name, ONNX_INT64, [values.length], new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer));
}

function int64Scalar(name: string, value: number): Field {
  return tensor(name, ONNX_INT64, [], new Uint8Array(BigInt64Array.of(BigInt(value)).buffer));
}

function floatTensor(name: string, dims: number[], values: Float32Array): Field {
  return tensor(name, ONNX_FLOAT, dims, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/**
 * The longest texts (a batch padded to its longest) whose tokens are counted by comparing every
 * position's id with every other's: quadratic in the length, but nothing to set up. Past it each
 * position adds a 1 into its text's row of counts over the vocabulary, then reads its token's count
 * back: linear in the length, but a batch × vocabulary row of counts to clear at each run. Measured
 * on runs of 32 texts, the two cost the same near 100–128 tokens at 14,936 tokens of vocabulary and
 * near 200 at 60,000: about √(0.7 × vocabulary). At 488 tokens, 7.2–9.9 against 2.4–3.8 ms a run.
 */
export function pairwiseMaxLength(vocabSize: number): number {
  return Math.round(Math.sqrt(0.7 * vocabSize));
}

/**
 * The subgraph counting each position's token in its text (`occurrences`, batch × length floats),
 * reading the outer graph's `input_ids` and constants. Its values are named after the way it counts:
 * a name is given once in a whole model.
 */
function countsGraph(way: 'pairwise' | 'scattered'): Field {
  const name = (value: string) => `${way}_${value}`;
  const nodes =
    way === 'pairwise'
      ? [
          node('Unsqueeze', ['input_ids', 'last_axis'], name('ids_column')),
          node('Unsqueeze', ['input_ids', 'sequence_axis'], name('ids_row')),
          node('Equal', [name('ids_column'), name('ids_row')], name('same_token')),
          node('Cast', [name('same_token')], name('same_token_float'), [intAttribute('to', ONNX_FLOAT)]),
          node('ReduceSum', [name('same_token_float'), 'last_axis'], name('occurrences'), [intAttribute('keepdims', 0)]),
        ]
      : [
          // ConstantOfShape fills with a float 0 unless told otherwise.
          node('ConstantOfShape', ['ids_shape'], name('zero_per_position')),
          node('Add', [name('zero_per_position'), 'one'], name('one_per_position')),
          // The batch (the shape's first entry, as a list of one), then the vocabulary: a row of counts per text.
          node('Gather', ['ids_shape', 'batch_index'], name('batch')),
          node('Concat', [name('batch'), 'vocabulary_size'], name('counts_shape'), [intAttribute('axis', 0)]),
          node('ConstantOfShape', [name('counts_shape')], name('no_counts')),
          node('ScatterElements', [name('no_counts'), 'input_ids', name('one_per_position')], name('counts'), [intAttribute('axis', 1), stringAttribute('reduction', 'add')]),
          node('GatherElements', [name('counts'), 'input_ids'], name('occurrences'), [intAttribute('axis', 1)]),
        ];
  return concat([...nodes.map((entry) => bytesField(1, entry)), stringField(2, name('counts')), bytesField(12, tensorValueInfo(name('occurrences'), ONNX_FLOAT, ['batch_size', 'sequence_length']))]);
}

/**
 * The bytes of model.onnx. Pooling happens inside onnxruntime, so the output is one vector per
 * text (batch × dimensions): handing a batch × length × dimensions tensor to JavaScript and
 * pooling it there cost more than the lookup itself (1,170 against 1,670 texts/s on the demo).
 * Callers therefore use `pooling: 'none'` (see config.json's `shadowdesk.pooling`).
 */
export function staticEmbeddingOnnx(model: StaticEmbeddingModel): Uint8Array {
  if (model.vectors.length !== model.vocabSize * model.dimensions) {
    throw new Error(`token vectors hold ${model.vectors.length} values, expected ${model.vocabSize} × ${model.dimensions}`);
  }
  const pooled = model.poolInGraph ?? true;
  const lookup = node('Gather', ['token_vectors', 'input_ids'], pooled ? 'token_states' : 'last_hidden_state');
  // A token seen c times in a text weighs 1 + ln c in all, as in the matrix the built-in model is
  // fitted on (sublinear TF): each of its c positions gets (1 + ln c) / c. Padding ([PAD], id 0)
  // is counted apart from every real token, and its own weight is masked out. The weighted sum is
  // one MatMul. c is counted one of two ways (`countsGraph`), both to the same whole numbers, so
  // the vectors are the same to the bit either way.
  const pooling = [
    node('Cast', ['attention_mask'], 'mask', [intAttribute('to', ONNX_FLOAT)]),
    node('Shape', ['input_ids'], 'ids_shape'),
    node('Gather', ['ids_shape', 'length_index'], 'length'),
    node('Greater', ['length', 'pairwise_max_length'], 'long_texts'),
    node('If', ['long_texts'], 'occurrences', [graphAttribute('then_branch', countsGraph('scattered')), graphAttribute('else_branch', countsGraph('pairwise'))]),
    node('Log', ['occurrences'], 'log_occurrences'),
    node('Add', ['log_occurrences', 'one'], 'sublinear'),
    node('Div', ['sublinear', 'occurrences'], 'position_weight'),
    node('Mul', ['position_weight', 'mask'], 'kept_weight'),
    node('Unsqueeze', ['kept_weight', 'sequence_axis'], 'weight_row'),
    node('MatMul', ['weight_row', 'token_states'], 'summed_3d'),
    node('Squeeze', ['summed_3d', 'sequence_axis'], 'summed'),
    node('ReduceSum', ['mask', 'sequence_axis'], 'token_count', [intAttribute('keepdims', 1)]),
    node('Max', ['token_count', 'one'], 'safe_count'),
    node('Div', ['summed', 'safe_count'], 'last_hidden_state'),
  ];
  const idsShape = ['batch_size', 'sequence_length'];
  const inputs = [tensorValueInfo('input_ids', ONNX_INT64, idsShape), ...(pooled ? [tensorValueInfo('attention_mask', ONNX_INT64, idsShape)] : [])];
  const output = tensorValueInfo('last_hidden_state', ONNX_FLOAT, pooled ? ['batch_size', model.dimensions] : [...idsShape, model.dimensions]);
  const constants = pooled
    ? [
        int64Tensor('batch_index', [0]),
        int64Tensor('sequence_axis', [1]),
        int64Tensor('last_axis', [2]),
        int64Scalar('length_index', 1),
        int64Scalar('pairwise_max_length', model.countPairwiseUpTo ?? pairwiseMaxLength(model.vocabSize)),
        int64Tensor('vocabulary_size', [model.vocabSize]),
        floatTensor('one', [1], Float32Array.of(1)),
      ]
    : [];
  const graph = concat([
    ...[lookup, ...(pooled ? pooling : [])].map((entry) => bytesField(1, entry)),
    stringField(2, 'static_embedding'),
    ...[floatTensor('token_vectors', [model.vocabSize, model.dimensions], model.vectors), ...constants].map((entry) => bytesField(5, entry)),
    ...inputs.map((entry) => bytesField(11, entry)),
    bytesField(12, output),
  ]);
  return modelBytes(graph);
}

/**
 * The bytes of a graph multiplying a batch of queries (`queries`, batch × dimensions) by every
 * row of `rows` (row-major, count × dimensions): `products`, batch × count. The rows are a
 * constant of the graph, so onnxruntime packs them once for its matrix kernel instead of at
 * every call (0.03 against 0.13–0.19 ms a query at 10,000 rows of 256 dimensions).
 */
export function rowProductsOnnx(rows: Float32Array, dimensions: number): Uint8Array {
  const count = rows.length / dimensions;
  if (!Number.isInteger(count)) throw new Error(`${rows.length} values are not rows of ${dimensions}`);
  const graph = concat([
    bytesField(1, node('Gemm', ['queries', 'rows'], 'products', [intAttribute('transB', 1)])),
    stringField(2, 'row_products'),
    bytesField(5, floatTensor('rows', [count, dimensions], rows)),
    bytesField(11, tensorValueInfo('queries', ONNX_FLOAT, ['batch_size', dimensions])),
    bytesField(12, tensorValueInfo('products', ONNX_FLOAT, ['batch_size', count])),
  ]);
  return modelBytes(graph);
}
