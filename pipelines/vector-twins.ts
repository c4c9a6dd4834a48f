/**
 * Rows whose vectors are the same to the bit: a question asked word for word by hundreds of
 * customers, or texts alike once their identifiers are masked. They are equally distant from any
 * query, so which of them a vector index returns near the end of its candidates is its own choice;
 * ranking every one of a candidate's twins makes a search's result the nearest rows by distance
 * then row, whichever twins the index chose.
 */

export interface TwinGroups {
  /**
   * `rows` (positions) and their twins, each group once, at most `depth` rows of each: the first
   * by position that `keep` accepts (a search ranks ties by row, so later twins never come first).
   */
  withTwins(rows: ArrayLike<number>, depth: number, keep: (row: number) => boolean): Int32Array;
}

/** How many of a row's words its hash reads: hashing all 256 was most of the grouping's 0.3–0.4 s at 100,000 rows. */
const HASHED_WORDS = 32;

/** The groups of identical rows among `vectors` (row-major, `dimensions` values a row). */
export function twinGroups(vectors: Float32Array, dimensions: number): TwinGroups {
  const count = vectors.length / dimensions;
  // Compared as bits, so 0 and -0 (and NaNs) are told apart as the bytes are.
  const bits = new Uint32Array(vectors.buffer, vectors.byteOffset, vectors.length);
  const sameRows = (a: number, b: number): boolean => {
    for (let index = 0; index < dimensions; index++) if (bits[a * dimensions + index] !== bits[b * dimensions + index]) return false;
    return true;
  };
  const hashStep = Math.max(1, Math.floor(dimensions / HASHED_WORDS));
  const groupOf = new Int32Array(count);
  const firstRows: number[] = [];
  // A hash's groups: its latest, and each group's one before it of the same hash (-1: none).
  const byHash = new Map<number, number>();
  const sameHashBefore: number[] = [];
  for (let row = 0; row < count; row++) {
    // FNV-1a over some of the row's 32-bit words, spread over it, folded to 31 bits: a small integer
    // key. Rows alike in those words alone are told apart by comparing them whole.
    let hash = 0x811c9dc5;
    for (let index = row * dimensions; index < (row + 1) * dimensions; index += hashStep) hash = Math.imul(hash ^ bits[index]!, 0x01000193);
    hash &= 0x7fffffff;
    const latest = byHash.get(hash) ?? -1;
    let group = latest;
    while (group !== -1 && !sameRows(firstRows[group]!, row)) group = sameHashBefore[group]!;
    if (group !== -1) groupOf[row] = group;
    else {
      groupOf[row] = firstRows.length;
      sameHashBefore.push(latest);
      byHash.set(hash, firstRows.length);
      firstRows.push(row);
    }
  }
  // Each group's rows in order of position, one after another.
  const starts = new Int32Array(firstRows.length + 1);
  for (let row = 0; row < count; row++) starts[groupOf[row]! + 1]!++;
  for (let group = 0; group < firstRows.length; group++) starts[group + 1]! += starts[group]!;
  const members = new Int32Array(count);
  const filled = starts.slice(0, firstRows.length);
  for (let row = 0; row < count; row++) members[filled[groupOf[row]!]!++] = row;
  return {
    withTwins(rows, depth, keep) {
      const seen = new Set<number>();
      const found: number[] = [];
      for (let index = 0; index < rows.length; index++) {
        const group = groupOf[rows[index]!]!;
        if (seen.has(group)) continue;
        seen.add(group);
        let taken = 0;
        for (let member = starts[group]!; member < starts[group + 1]! && taken < depth; member++) {
          if (!keep(members[member]!)) continue;
          found.push(members[member]!);
          taken++;
        }
      }
      return Int32Array.from(found);
    },
  };
}
