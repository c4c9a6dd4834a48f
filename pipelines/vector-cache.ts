import { createHash } from 'node:crypto';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder } from './embed/embedder.ts';
import { embeddingText } from './passages.ts';

/**
 * The vector cache of the index builder: each text's vector kept on disk under a hash of the model
 * and the text, so a rebuild after a new export embeds only the texts it has not seen.
 */

export function textKey(modelKey: string, text: string): Buffer {
  return createHash('sha1').update(modelKey).update('\u0000').update(text).digest();
}

const KEY_BYTES = 20;

export const NOT_CACHED = 0xffff_ffff;

/**
 * The distinct texts of a build, as their 20-byte keys numbered in order of first use, each with
 * the record of its vector in the previous cache file (or NOT_CACHED). Flat arrays and open
 * addressing: 32 bytes a text (64 MB at two million), where a Map of hex keys took ~130.
 */
export class TextKeys {
  private keys = Buffer.alloc(KEY_BYTES * 1024);
  /** Key number + 1 by hash slot; 0 is an empty slot. */
  private slots = new Uint32Array(2048);
  cachedAt = new Uint32Array(1024);
  size = 0;

  /** The key's number, given it now if it is new. */
  add(key: Buffer): number {
    const slot = this.slotOf(key);
    if (this.slots[slot]) return this.slots[slot]! - 1;
    if (this.size === this.cachedAt.length) this.grow();
    key.copy(this.keys, this.size * KEY_BYTES);
    this.cachedAt[this.size] = NOT_CACHED;
    this.slots[slot] = ++this.size;
    if (this.size * 2 > this.slots.length) this.rehash();
    return this.size - 1;
  }

  get(key: Buffer): number | undefined {
    const entry = this.slots[this.slotOf(key)]!;
    return entry ? entry - 1 : undefined;
  }

  key(number: number): Buffer {
    return this.keys.subarray(number * KEY_BYTES, (number + 1) * KEY_BYTES);
  }

  /** SHA-1 bytes are uniform: the first four are the hash. */
  private slotOf(key: Buffer, slots = this.slots, compare = true): number {
    const mask = slots.length - 1;
    for (let slot = key.readUInt32LE(0) & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (!entry || (compare && key.compare(this.keys, (entry - 1) * KEY_BYTES, entry * KEY_BYTES) === 0)) return slot;
    }
  }

  private grow(): void {
    const keys = Buffer.alloc(this.keys.length * 2);
    this.keys.copy(keys);
    this.keys = keys;
    const cachedAt = new Uint32Array(this.cachedAt.length * 2);
    cachedAt.set(this.cachedAt);
    this.cachedAt = cachedAt;
  }

  private rehash(): void {
    const slots = new Uint32Array(this.slots.length * 2);
    for (let number = 0; number < this.size; number++) slots[this.slotOf(this.key(number), slots, false)] = number + 1;
    this.slots = slots;
  }
}

/**
 * Vectors by (model, text hash), kept in the index folder, so re-indexing embeds only new text:
 * a 4-byte dimension count, then records of a 20-byte key and the vector. Never loaded whole
 * (2 GB at two million texts): vectors are read by record as rows need them.
 */
const HEADER_BYTES = 4;

/** Neighbouring records are read in one call when at most this many records apart, and up to this many at once. */
const READ_GAP_RECORDS = 16;

const READ_RUN_RECORDS = 1024;

export function cachePath(dir: string, modelKey: string): string {
  return join(dir, `embeddings-${createHash('sha1').update(modelKey).digest('hex').slice(0, 16)}.bin`);
}

function recordBytes(dimensions: number): number {
  return KEY_BYTES + dimensions * 4;
}

/** Notes which texts the previous cache file holds a vector for, reading its keys in one sequential pass. */
export async function findCached(path: string, texts: TextKeys, dimensions: number): Promise<FileHandle | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  const header = Buffer.alloc(HEADER_BYTES);
  const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
  // Another dimension count means other vectors: the file is of no use.
  if (bytesRead < HEADER_BYTES || header.readUInt32LE(0) !== dimensions) {
    await handle.close();
    return undefined;
  }
  const size = recordBytes(dimensions);
  const block = Buffer.alloc(size * READ_RUN_RECORDS);
  for (let record = 0; ; ) {
    const { bytesRead: read } = await handle.read(block, 0, block.length, HEADER_BYTES + record * size);
    const whole = Math.floor(read / size);
    for (let index = 0; index < whole; index++, record++) {
      const number = texts.get(block.subarray(index * size, index * size + KEY_BYTES));
      if (number !== undefined) texts.cachedAt[number] = record;
    }
    if (read < block.length) return handle;
  }
}

/**
 * The new cache file, written while the rows stream past: text number N is record N, appended
 * when the text is first used, its vector taken from the previous file or embedded. A text used
 * again later (templated messages are common) is read back from here.
 */
export class CacheWriter {
  private written = 0;
  private readonly scratch: Buffer;
  embedded = 0;
  embedSeconds = 0;

  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    private readonly previous: FileHandle | undefined,
    private readonly texts: TextKeys,
    private readonly embedder: Embedder,
    private readonly embedBatch: number,
    private readonly onEmbedded: (done: number) => void,
  ) {
    this.scratch = Buffer.alloc(READ_RUN_RECORDS * recordBytes(embedder.dimensions));
  }

  /** Written beside the previous file (`previous` reads it), which it replaces on `commit`. */
  static async create(path: string, previous: FileHandle | undefined, texts: TextKeys, embedder: Embedder, embedBatch: number, onEmbedded: (done: number) => void): Promise<CacheWriter> {
    const handle = await open(`${path}.tmp`, 'w+');
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(embedder.dimensions, 0);
    await handle.write(header, 0, HEADER_BYTES, 0);
    return new CacheWriter(path, handle, previous, texts, embedder, embedBatch, onEmbedded);
  }

  /** The vector of each text number; `textOf` gives the raw text of a number's use at that index. */
  async vectors(numbers: readonly number[], textOf: (index: number) => string): Promise<Map<number, Float32Array>> {
    const dimensions = this.embedder.dimensions;
    // One block for the batch's vectors: views into read buffers kept whole runs of records alive.
    const block = new Float32Array(new Set(numbers).size * dimensions);
    const found = new Map<number, Float32Array>();
    const again: Array<[number, Float32Array]> = [];
    /** Texts first used now, ascending, with the index of that use. */
    const fresh = new Map<number, number>();
    numbers.forEach((number, index) => {
      if (found.has(number)) return;
      const vector = block.subarray(found.size * dimensions, (found.size + 1) * dimensions);
      found.set(number, vector);
      if (number < this.written) again.push([number, vector]);
      else fresh.set(number, index);
    });
    await this.read(this.handle, again);
    const cached: Array<[number, Float32Array]> = [];
    const missing: Array<[number, number]> = [];
    for (const [number, index] of fresh) {
      const record = this.texts.cachedAt[number]!;
      if (record === NOT_CACHED) missing.push([number, index]);
      else cached.push([record, found.get(number)!]);
    }
    if (this.previous) await this.read(this.previous, cached);
    for (let start = 0; start < missing.length; start += this.embedBatch) {
      const slice = missing.slice(start, start + this.embedBatch);
      const started = performance.now();
      const vectors = await this.embedder.embed(slice.map(([, index]) => embeddingText(textOf(index))));
      this.embedSeconds += (performance.now() - started) / 1000;
      slice.forEach(([number], index) => found.get(number)!.set(vectors[index]!));
      this.embedded += slice.length;
      this.onEmbedded(this.embedded);
    }
    await this.append([...fresh.keys()], found);
    return found;
  }

  /** Copies the vectors at [record, target] pairs out of a cache file, reading neighbouring records in one call. */
  private async read(handle: FileHandle, wanted: Array<[number, Float32Array]>): Promise<void> {
    const size = recordBytes(this.embedder.dimensions);
    wanted.sort((a, b) => a[0] - b[0]);
    for (let first = 0; first < wanted.length; ) {
      const start = wanted[first]![0];
      let last = first;
      while (last + 1 < wanted.length && wanted[last + 1]![0] - wanted[last]![0] <= READ_GAP_RECORDS && wanted[last + 1]![0] - start < READ_RUN_RECORDS) last++;
      const length = (wanted[last]![0] - start + 1) * size;
      const { bytesRead } = await handle.read(this.scratch, 0, length, HEADER_BYTES + start * size);
      if (bytesRead < length) throw new Error(`embedding cache ended early, before record ${wanted[last]![0]}`);
      for (const [record, target] of wanted.slice(first, last + 1)) target.set(new Float32Array(this.scratch.buffer, this.scratch.byteOffset + (record - start) * size + KEY_BYTES, target.length));
      first = last + 1;
    }
  }

  /** Appends the texts first used now: their numbers run on from the last record written. */
  private async append(numbers: readonly number[], vectors: Map<number, Float32Array>): Promise<void> {
    if (numbers.length === 0) return;
    const size = recordBytes(this.embedder.dimensions);
    const bytes = Buffer.alloc(numbers.length * size);
    numbers.forEach((number, index) => {
      const vector = vectors.get(number)!;
      this.texts.key(number).copy(bytes, index * size);
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(bytes, index * size + KEY_BYTES);
    });
    await this.handle.write(bytes, 0, bytes.length, HEADER_BYTES + this.written * size);
    this.written += numbers.length;
  }

  /** Once every text is in: only this build's texts are in the file, the others drop out. */
  async commit(): Promise<void> {
    await this.close();
    await rename(`${this.path}.tmp`, this.path);
  }

  /** Closing twice is harmless: a failed build closes what a commit may have closed. */
  async close(): Promise<void> {
    await this.handle.close();
    await this.previous?.close();
  }
}
