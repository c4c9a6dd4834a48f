/**
 * Judging a run reads the same texts again and again: the agent's reply once per candidate, an
 * answer two candidates share (a composite sends one of its parts), a cited source once per answer
 * citing it, the customer's message once per judge. What a pure function reads in a text is kept
 * for the latest texts; past `limit` the oldest is dropped, so memory stays bounded on any run.
 */
export function recentResults<T>(limit: number): (key: string, compute: () => T) => T {
  const kept = new Map<string, T>();
  return (key, compute) => {
    if (kept.has(key)) return kept.get(key)!;
    const result = compute();
    kept.set(key, result);
    if (kept.size > limit) kept.delete(kept.keys().next().value!);
    return result;
  };
}

/** How many texts each reader keeps: a run's distinct texts (answers, replies, questions, sources) up to a few thousand. */
export const RECENT_TEXTS = 4096;

const productLists = new WeakMap<readonly string[], number>();
let lastProductList = 0;

/**
 * Part of a key for results that depend on the catalogue and the language: a run passes the same
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
