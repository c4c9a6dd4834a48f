import fc from 'fast-check';
import type { Sample } from './_samples.ts';

/**
 * The mutations and run counts of the reader fuzzing, shared by fuzz.test.ts (the readers) and
 * fuzz-import.test.ts (the import of what they read), two files so they run side by side.
 */

export const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** Importing writes a workspace per run, so it gets a fraction of the runs. */
export const IMPORT_RUNS = Math.max(5, Math.ceil(RUNS / 5));
export const SEED = Number(process.env.FUZZ_SEED ?? 20_250_803);
/** A reader stuck on some input is a failure too, not a hung CI job. */
export const RUN_TIMEOUT_MS = 5_000;
/** Room for the runs plus fast-check's shrinking of a failure, above vitest's 30 s default. */
export const TEST_TIMEOUT_MS = 60_000 + RUNS * 100;

/**
 * Every sample of every registered format (see _samples.ts): a new reader is fuzzed without an edit
 * here. A reader with a known bug is left out until it is fixed (the contract test marks the bug).
 */

// ---------------------------------------------------------------------------------------------
// Mutations: plain data, so a shrunk counterexample reads as a recipe rather than a blob.

const SPECIAL = ['\0', '\uFEFF', '\uD800', '\uDFFF', '\r\n', '\r', '\n', '"', "'", '\\', '{', '}', '[', ']', ',', ';', '\t', '---\n', '\u2028', '\uFFFD', '𝄞'];
const STRUCTURAL = ['"', "'", '{', '}', '[', ']', ',', ';', ':', '\n', '-', '#'];

const text = fc.oneof(
  fc.constantFrom(...SPECIAL),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...SPECIAL), maxLength: 6 }),
);
const scalar = fc.oneof(
  text,
  fc.double(),
  fc.integer(),
  fc.constantFrom('', '0', '-1', '1e309', 'NaN', '2025-13-45T99:99:99Z', '9999999999999999999999'),
);

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicateLine'; line: number }
  | { op: 'deleteLine'; line: number }
  | { op: 'truncateLine'; line: number; at: number }
  | { op: 'swap'; from: string; to: string; nth: number }
  | { op: 'lineEndings'; to: '\r\n' | '\r' }
  | { op: 'bom' }
  | { op: 'longLine'; line: number; length: number }
  | { op: 'replaceToken'; nth: number; with: string | number }
  | { op: 'replaceField'; line: number; field: number; with: string | number }
  | { op: 'retypeJson'; nth: number; value: unknown };

const position = fc.nat({ max: 1_000_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: position, text }),
  fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({ op: fc.constant('duplicateLine' as const), line: position }),
  fc.record({ op: fc.constant('deleteLine' as const), line: position }),
  fc.record({ op: fc.constant('truncateLine' as const), line: position, at: position }),
  fc.record({ op: fc.constant('swap' as const), from: fc.constantFrom(...STRUCTURAL), to: fc.constantFrom(...STRUCTURAL, ''), nth: position }),
  fc.record({ op: fc.constant('lineEndings' as const), to: fc.constantFrom('\r\n' as const, '\r' as const) }),
  fc.record({ op: fc.constant('bom' as const) }),
  fc.record({ op: fc.constant('longLine' as const), line: position, length: fc.constantFrom(70_000, 200_000) }),
  fc.record({ op: fc.constant('replaceToken' as const), nth: position, with: scalar }),
  fc.record({ op: fc.constant('replaceField' as const), line: position, field: fc.nat({ max: 80 }), with: scalar }),
  fc.record({ op: fc.constant('retypeJson' as const), nth: position, value: fc.jsonValue({ maxDepth: 2 }) }),
);

/** Raw bytes spliced in after the text is encoded: invalid UTF-8 and stray bytes the text cannot hold. */
interface ByteSplice {
  at: number;
  bytes: number[];
}
const byteSplice: fc.Arbitrary<ByteSplice> = fc.record({
  at: position,
  bytes: fc.array(fc.oneof(fc.constantFrom(0x00, 0x80, 0xc3, 0xe9, 0xef, 0xfe, 0xff), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
});

export const mutations = fc.record({
  text: fc.array(mutation, { minLength: 1, maxLength: 5 }),
  bytes: fc.array(byteSplice, { maxLength: 2 }),
});
type Mutations = { text: Mutation[]; bytes: ByteSplice[] };

/** Splits into lines keeping each line's terminator, so joining gives the text back. */
function linesOf(content: string): string[] {
  return content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function atLine(content: string, line: number, change: (lines: string[], index: number) => void): string {
  const lines = linesOf(content);
  if (lines.length === 0) return content;
  change(lines, line % lines.length);
  return lines.join('');
}

/** Every path to a value inside a parsed JSON value, the root included. */
function jsonPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const inner = Array.isArray(value)
    ? value.flatMap((item, index) => jsonPaths(item, [...path, index]))
    : value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, item]) => jsonPaths(item, [...path, key]))
      : [];
  return [path, ...inner];
}

function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
  return root;
}

function tryParse(json: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(json) as unknown };
  } catch {
    return undefined;
  }
}

/** Gives one JSON value, in the whole file or (NDJSON) in one line, another value, usually of another type. */
function retypeJson(content: string, nth: number, value: unknown): string {
  const whole = tryParse(content.replace(/^\uFEFF/, ''));
  if (whole) {
    const paths = jsonPaths(whole.value);
    return JSON.stringify(setAt(whole.value, paths[nth % paths.length]!, value), null, 1);
  }
  const lines = linesOf(content);
  const documents = lines.flatMap((line, index) => {
    const parsed = tryParse(line);
    return parsed ? [{ index, parsed: parsed.value }] : [];
  });
  if (documents.length === 0) return content;
  const document = documents[nth % documents.length]!;
  const paths = jsonPaths(document.parsed);
  lines[document.index] = `${JSON.stringify(setAt(document.parsed, paths[Math.floor(nth / documents.length) % paths.length]!, value))}\n`;
  return lines.join('');
}

const TOKEN = /"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?|\btrue\b|\bfalse\b|\bnull\b/g;

function applyMutation(content: string, m: Mutation): string {
  const at = (n: number) => (content.length === 0 ? 0 : n % (content.length + 1));
  switch (m.op) {
    case 'insert':
      return content.slice(0, at(m.at)) + m.text + content.slice(at(m.at));
    case 'delete':
      return content.slice(0, at(m.at)) + content.slice(at(m.at) + m.length);
    case 'truncate':
      return content.slice(0, at(m.at));
    case 'duplicateLine':
      return atLine(content, m.line, (lines, i) => lines.splice(i, 0, lines[i]!));
    case 'deleteLine':
      return atLine(content, m.line, (lines, i) => lines.splice(i, 1));
    case 'truncateLine':
      return atLine(content, m.line, (lines, i) => {
        lines[i] = lines[i]!.slice(0, m.at % (lines[i]!.length + 1));
      });
    case 'swap': {
      const positions = [...content.matchAll(new RegExp(m.from.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&'), 'g'))].map((match) => match.index);
      if (positions.length === 0) return content;
      const i = positions[m.nth % positions.length]!;
      return content.slice(0, i) + m.to + content.slice(i + m.from.length);
    }
    case 'lineEndings':
      return content.replace(/\r?\n/g, m.to);
    case 'bom':
      return `\uFEFF${content}`;
    case 'longLine':
      return atLine(content, m.line, (lines, i) => lines.splice(i, 0, `${'x'.repeat(m.length)}\n`));
    case 'replaceToken': {
      const tokens = [...content.matchAll(TOKEN)];
      if (tokens.length === 0) return content;
      const token = tokens[m.nth % tokens.length]!;
      const replacement = typeof m.with === 'number' ? String(m.with) : JSON.stringify(m.with);
      return content.slice(0, token.index) + replacement + content.slice(token.index + token[0].length);
    }
    case 'replaceField':
      return atLine(content, m.line, (lines, i) => {
        const line = lines[i]!;
        const delimiter = line.includes(';') && !line.includes(',') ? ';' : ',';
        const fields = line.replace(/\r?\n$/, '').split(delimiter);
        fields[m.field % fields.length] = String(m.with);
        lines[i] = fields.join(delimiter) + line.slice(line.replace(/\r?\n$/, '').length);
      });
    case 'retypeJson':
      return retypeJson(content, m.nth, m.value);
  }
}

export function mutate(original: string, recipe: Mutations): Buffer {
  let bytes = Buffer.from(recipe.text.reduce(applyMutation, original), 'utf8');
  for (const splice of recipe.bytes) {
    const at = splice.at % (bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(splice.bytes), bytes.subarray(at)]);
  }
  return bytes;
}

export const label = (target: Sample) => `${target.format} (${target.fixture ?? target.name})`;
