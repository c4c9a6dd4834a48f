import { ShadowdeskError } from '../errors.ts';

/** A map of definitions keyed by their own names, each key typed as its entry. */
export type ByName<T extends readonly { name: string }[]> = { readonly [D in T[number] as D['name']]: D };

/** The first value given twice, if any. */
export function firstRepeated(values: readonly string[]): string | undefined {
  return values.find((value, index) => values.indexOf(value) !== index);
}

/**
 * A map keyed by each definition's own name, so a key can never disagree with its entry, in the
 * order given; two definitions of one name are refused with `twice(name)`.
 */
export function namedMap<const T extends readonly { name: string }[]>(definitions: T, twice: (name: string) => string): ByName<T> {
  const repeated = firstRepeated(definitions.map((definition) => definition.name));
  if (repeated !== undefined) throw new ShadowdeskError('SD_INPUT_INVALID', twice(repeated));
  return Object.fromEntries(definitions.map((definition) => [definition.name, definition])) as ByName<T>;
}
