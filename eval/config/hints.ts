import { z } from 'zod';
import { foldText } from '../../datasets/text/fold.ts';

/**
 * The "fix:" under each problem `shadowdesk config check` lists: the key that was probably meant,
 * or the values a setting takes. Computed where the problem is found, from the schema the file
 * was checked against, so every config file (simulation, rules, pricing) gets them alike.
 */

type Path = ReadonlyArray<PropertyKey>;

/** The part of a JSON Schema these hints and the command-line flags read. */
export interface JsonSchemaNode {
  description?: string;
  type?: string;
  enum?: unknown[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  $ref?: string;
  $defs?: Record<string, JsonSchemaNode>;
}

/** Edit distance between two words, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The one of `options` a mistyped word most likely meant, when it is near enough to say so.
 * Accents and case do not count: "vérifié" means "verified", "holdoutdays" means "holdoutDays".
 */
export function nearest(word: string, options: readonly string[]): string | undefined {
  const folded = foldText(word);
  const started = options.filter((option) => foldText(option).startsWith(folded));
  if (started.length === 1) return started[0];
  const distance = (option: string) => editDistance(folded, foldText(option));
  const [best] = [...options].sort((x, y) => distance(x) - distance(y));
  return best !== undefined && distance(best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** The fix for one zod issue found at `path` in a file whose parsed content is `document`. */
export function fixHint(schema: z.ZodType, issue: z.core.$ZodIssue, path: Path, document: unknown): string | undefined {
  if (issue.code === 'unrecognized_keys') return unknownKeyHint(schema, path);
  if (issue.code === 'invalid_value') return allowedValuesHint(issue.values, _valueAt(document, path));
  if (issue.code === 'invalid_union' && 'options' in issue && issue.options) return allowedValuesHint(issue.options, _valueAt(document, path));
  return undefined;
}

/** `did you mean "concurrency"?` for a key `path` ends with, which the schema has no place for. */
export function unknownKeyHint(schema: z.ZodType, path: Path): string | undefined {
  const key = path.at(-1);
  if (typeof key !== 'string') return undefined;
  const keys = new Set(jsonSchemaAt(schema, path.slice(0, -1)).flatMap((node) => Object.keys(node.properties ?? {})));
  const best = nearest(key, [...keys]);
  return best ? `did you mean "${best}"?` : undefined;
}

/** The JSON Schema nodes a key path reaches in a zod schema: through references, and every variant of a union. */
export function jsonSchemaAt(schema: z.ZodType, path: Path): JsonSchemaNode[] {
  const root = _jsonSchemaOf(schema);
  let nodes = _variants(root, root);
  for (const key of path) {
    const next = nodes.flatMap((node) => (typeof key === 'number' ? (node.items ?? []) : (node.properties?.[String(key)] ?? [])));
    nodes = next.flatMap((node) => _variants(root, node));
  }
  return nodes;
}

/** The values a setting takes, the nearest to what was written first when one is near. */
export function allowedValuesHint(allowed: readonly unknown[], written: unknown): string {
  const values = allowed.map(String);
  const best = typeof written === 'string' ? nearest(written, values) : undefined;
  return `${best ? `did you mean "${best}"? ` : ''}allowed values: ${values.join(', ')}`;
}

// --- internal ---

const _jsonSchemas = new WeakMap<z.ZodType, JsonSchemaNode>();

/** A file with several typos converts its schema once. */
function _jsonSchemaOf(schema: z.ZodType): JsonSchemaNode {
  let converted = _jsonSchemas.get(schema);
  if (!converted) {
    converted = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
    _jsonSchemas.set(schema, converted);
  }
  return converted;
}

function _valueAt(document: unknown, path: Path): unknown {
  let node = document;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}

function _variants(root: JsonSchemaNode, node: JsonSchemaNode, seen = new Set<JsonSchemaNode>()): JsonSchemaNode[] {
  if (seen.has(node)) return [];
  seen.add(node);
  const referenced = node.$ref?.startsWith('#/$defs/') ? root.$defs?.[node.$ref.slice('#/$defs/'.length)] : node.$ref === '#' ? root : undefined;
  const parts = [...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? []), ...(referenced ? [referenced] : [])];
  return [node, ...parts.flatMap((part) => _variants(root, part, seen))];
}
