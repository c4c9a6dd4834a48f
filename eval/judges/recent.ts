/**
 * Judging a run reads the same texts again and again: the agent's reply once per candidate, an
 * answer two candidates share (a composite sends one of its parts), a cited source once per answer
 * citing it, the customer's message once per judge, a macro or an article answering many tickets.
 * What a pure function (a reader) reads in a text is kept for the texts read lately, in two
 * generations of `limit / 2` texts: a text read again is carried into the newer one, and when that
 * is full the older one is dropped whole. A text read over and over stays; memory stays bounded on
 * any run (at most `limit` texts); and no text is deleted one by one.
 *
 * Every reader's result for a text is kept in one row, at the reader's place: a case's texts are
 * read by some twenty readers one after another, and each found the text in a map of its own, cold
 * in the processor's caches (a look-up cost 1 µs, 0.6 to 1.1 s of each judging thread at 10k
 * tickets); in one map the readers after the first find the row where the first left it.
 *
 * A reading that depends on more than the text (the catalogue, the language) is kept under a
 * `scope` in the text's row: the text itself is the key, never a longer string built from it, so a
 * text is hashed once (V8 keeps a string's hash) rather than copied and hashed again at every look-up.
 */
export interface RecentReadings {
  /** A reader: `compute` is what it reads in `text`. One given a `scope` is always given one. */
  reader<T>(): (text: string, compute: () => T, scope?: string) => T;
}

export function recentReadings(limit: number): RecentReadings {
  const generation = Math.max(1, Math.ceil(limit / 2));
  let newer = new Map<string, unknown[]>();
  let older = newer;
  let newerSize = 0;
  let readers = 0;
  const rowOf = (text: string): unknown[] => {
    const found = newer.get(text);
    if (found !== undefined) return found;
    const row = older.get(text) ?? [];
    if (newerSize === generation) {
      older = newer;
      newer = new Map();
      newerSize = 0;
    }
    newer.set(text, row);
    newerSize++;
    return row;
  };
  return {
    reader<T>() {
      const place = readers++;
      return (text: string, compute: () => T, scope?: string): T => {
        // Kept in the row as found: `compute` may read other texts, and the row move to the older generation meanwhile.
        const row = rowOf(text);
        let kept: Kept<T> | undefined;
        if (scope === undefined) {
          kept = row[place] as Kept<T> | undefined;
          if (kept === undefined) row[place] = kept = keepable(compute());
        } else {
          kept = (row[place] as Map<string, Kept<T>> | undefined)?.get(scope);
          if (kept === undefined) {
            kept = keepable(compute());
            const scoped = row[place] as Map<string, Kept<T>> | undefined;
            if (scoped) scoped.set(scope, kept);
            else row[place] = new Map([[scope, kept]]);
          }
        }
        return kept === NOTHING ? (undefined as T) : (kept as T);
      };
    },
  };
}

/** A result that is undefined (no injection attempt in the message), kept as something a look-up can tell from no result. */
const NOTHING = Symbol('nothing');
type Kept<T> = T | typeof NOTHING;

function keepable<T>(result: T): Kept<T> {
  return result === undefined ? NOTHING : result;
}

/**
 * How many texts the judges' readings are kept for at most. A 10k run has 8,000 to 69,000 distinct
 * texts per reader (the facts read the cited sources too, under two scopes), 16,384 kept for every
 * reader rather than 8,192 for each as when each had its own map.
 */
export const RECENT_TEXTS = 16_384;

/** The readings of every judge, kept together. */
const judgesReadings = recentReadings(RECENT_TEXTS);

/** A judge's reader of texts, whose results are kept with every other judge's. */
export function textReader<T>(): (text: string, compute: () => T, scope?: string) => T {
  return judgesReadings.reader<T>();
}

const productLists = new WeakMap<readonly string[], number>();
let lastProductList = 0;

/**
 * The scope of results that depend on the catalogue and the language: a run passes the same
 * products array for every answer, so its identity tells catalogues apart without reading them.
 */
export function optionsKey(options: { products?: readonly string[] | undefined; language?: string | undefined }): string {
  let products = 0;
  if (options.products) {
    products = productLists.get(options.products) ?? ++lastProductList;
    productLists.set(options.products, products);
  }
  return `${options.language ?? ''}\u0000${products}\u0000`;
}
