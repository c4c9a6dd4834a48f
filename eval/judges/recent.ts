/**
 * Judging a run reads the same texts again and again: the agent's reply once per candidate, an
 * answer two candidates share (a composite sends one of its parts), a cited source once per answer
 * citing it, the customer's message once per judge. What a pure function reads in a text is kept
 * for the latest texts; past `limit` the oldest is dropped, so memory stays bounded on any run.
 *
 * A reading that depends on more than the text (the catalogue, the language) is kept under a
 * `scope`: the text itself is the key, never a longer string built from it, so a text is hashed
 * once (V8 keeps a string's hash) rather than copied and hashed again at every look-up.
 */
export function recentResults<T>(limit: number): (text: string, compute: () => T, scope?: string) => T {
  const byScope = new Map<string, Map<string, T>>();
  // The kept texts in the order they came, in a ring: the slot written next holds the oldest.
  const ring: Array<{ scope: string; text: string } | undefined> = new Array(limit);
  let next = 0;
  return (text, compute, scope = '') => {
    const kept = byScope.get(scope);
    const found = kept?.get(text);
    if (found !== undefined || kept?.has(text)) return found as T;
    const result = compute();
    const oldest = ring[next];
    if (oldest) forget(byScope, oldest.scope, oldest.text);
    ring[next] = { scope, text };
    next = (next + 1) % limit;
    // Looked up again: `compute` may have read other texts into this scope, or dropped its last one.
    const scoped = byScope.get(scope) ?? new Map<string, T>();
    byScope.set(scope, scoped.set(text, result));
    return result;
  };
}

function forget<T>(byScope: Map<string, Map<string, T>>, scope: string, text: string): void {
  const kept = byScope.get(scope);
  kept?.delete(text);
  if (kept?.size === 0) byScope.delete(scope);
}

/** How many texts each reader keeps: a run's distinct texts (answers, replies, questions, sources) up to a few thousand. */
export const RECENT_TEXTS = 4096;

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
