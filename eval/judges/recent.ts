/**
 * Judging a run reads the same texts again and again: the agent's reply once per candidate, an
 * answer two candidates share (a composite sends one of its parts), a cited source once per answer
 * citing it, the customer's message once per judge, a macro or an article answering many tickets.
 * What a pure function reads in a text is kept for the texts read lately, in two generations of
 * `limit / 2` texts: a text read again is carried into the newer one, and when that is full the
 * older one is dropped whole. A text read over and over stays; memory stays bounded on any run (at
 * most `limit` texts); and no text is deleted one by one nor wrapped in an object, as a ring of the
 * latest texts did at every new text.
 *
 * A reading that depends on more than the text (the catalogue, the language) is kept under a
 * `scope`: the text itself is the key, never a longer string built from it, so a text is hashed
 * once (V8 keeps a string's hash) rather than copied and hashed again at every look-up.
 */
export function recentResults<T>(limit: number): (text: string, compute: () => T, scope?: string) => T {
  const generation = Math.max(1, Math.ceil(limit / 2));
  let newer = new Map<string, Map<string, Kept<T>>>();
  let older = newer;
  let newerSize = 0;
  return (text, compute, scope = '') => {
    const found = newer.get(scope)?.get(text);
    if (found !== undefined) return found === NOTHING ? (undefined as T) : (found as T);
    const carried = older.get(scope)?.get(text);
    const result: Kept<T> = carried !== undefined ? carried : keepable(compute());
    // Counted and stored after `compute`, which may have read other texts into this memo.
    if (newerSize === generation) {
      older = newer;
      newer = new Map();
      newerSize = 0;
    }
    const scoped = newer.get(scope);
    if (scoped) scoped.set(text, result);
    else newer.set(scope, new Map([[text, result]]));
    newerSize++;
    return result === NOTHING ? (undefined as T) : (result as T);
  };
}

/** A result that is undefined (no injection attempt in the message), kept as something a look-up can tell from no result. */
const NOTHING = Symbol('nothing');
type Kept<T> = T | typeof NOTHING;

function keepable<T>(result: T): Kept<T> {
  return result === undefined ? NOTHING : result;
}

/**
 * How many texts each reader keeps at most. A 10k run has 8,000 to 69,000 distinct texts per reader
 * (the facts read the cited sources too, under two scopes); 4,096 read a fifth of the facts again.
 * About 350 bytes a text kept (measured at 10k), so at most some 55 MB over the 19 readers.
 */
export const RECENT_TEXTS = 8192;

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
