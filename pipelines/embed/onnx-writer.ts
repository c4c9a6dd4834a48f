/**
 * Writes the ONNX file of a static-embedding model: one Gather from a token-vector table, the
 * same output (`last_hidden_state`) a BERT-style encoder gives, so transformers.js pools and
 * normalizes it exactly like a hub model. The protobuf is encoded by hand: the graph needs five
 * message types, and onnx's JS bindings pull in protobufjs 6 for what fits on one screen.
 */

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
const IR_VERSION = 8;
const OPSET = 13;

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

type Field = Uint8Array;

function tag(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

function intField(field: number, value: number): Field {
  return Uint8Array.from([...tag(field, 0), ...varint(value)]);
}

function bytesField(field: number, payload: Uint8Array): Field {
  const head = Uint8Array.from([...tag(field, 2), ...varint(payload.length)]);
  return concat([head, payload]);
}

function stringField(field: number, value: string): Field {
  return bytesField(field, new TextEncoder().encode(value));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
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
}

/** The bytes of model.onnx: `last_hidden_state = Gather(token_vectors, input_ids)`. */
export function staticEmbeddingOnnx(model: StaticEmbeddingModel): Uint8Array {
  if (model.vectors.length !== model.vocabSize * model.dimensions) {
    throw new Error(`token vectors hold ${model.vectors.length} values, expected ${model.vocabSize} × ${model.dimensions}`);
  }
  const weights = concat([
    intField(1, model.vocabSize),
    intField(1, model.dimensions),
    intField(2, ONNX_FLOAT),
    stringField(8, 'token_vectors'),
    bytesField(9, new Uint8Array(model.vectors.buffer, model.vectors.byteOffset, model.vectors.byteLength)),
  ]);
  const gather = concat([stringField(1, 'token_vectors'), stringField(1, 'input_ids'), stringField(2, 'last_hidden_state'), stringField(3, 'lookup'), stringField(4, 'Gather')]);
  const graph = concat([
    bytesField(1, gather),
    stringField(2, 'static_embedding'),
    bytesField(5, weights),
    bytesField(11, tensorValueInfo('input_ids', ONNX_INT64, ['batch_size', 'sequence_length'])),
    bytesField(12, tensorValueInfo('last_hidden_state', ONNX_FLOAT, ['batch_size', 'sequence_length', model.dimensions])),
  ]);
  return concat([
    intField(1, IR_VERSION),
    stringField(2, 'shadowdesk'),
    bytesField(7, graph),
    bytesField(8, concat([stringField(1, ''), intField(2, OPSET)])),
  ]);
}
