import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { problemLine, problemsError, ShadowdeskError, type ProblemAt } from '../../errors.ts';
import { fixHint } from './hints.ts';

/**
 * Config files (candidates, pricing, rules) are YAML or JSON checked against one zod schema. Every
 * problem is an issue of the error (file, line, key path, what is wrong, how to fix it), written
 * `file:line: key.path: what is wrong` in its message, so a user finds it in an editor.
 */

type Path = ReadonlyArray<PropertyKey>;

function keyPath(path: Path): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || '(top level)';
}

/** The deepest YAML node the path reaches, so the line points at the offending key or value. */
function nodeAt(root: Node | null, path: Path): Node | null {
  let node = root;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      node = item;
    } else break;
  }
  return node;
}

export interface ConfigFileOptions {
  /** What the file is, as errors name it, e.g. `rules file`. @default 'config' */
  what?: string;
}

/**
 * Parses YAML or JSON text (JSON is YAML) and validates it; `file` names it in errors. Checks a
 * schema makes in `superRefine` (a regular expression that does not compile, an unknown template
 * variable) are located the same way, by the issue's path.
 */
export function parseConfig<Schema extends z.ZodType>(text: string, file: string, schema: Schema, options: ConfigFileOptions = {}): z.infer<Schema> {
  const { document, lines } = _parsed(text, file);
  const content: unknown = document.toJS() ?? {};
  const result = schema.safeParse(content);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    // A typo'd key is reported at the key itself, one line each.
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    const message = issue.code === 'unrecognized_keys' ? 'unknown key (a typo?)' : issue.message;
    return paths.map((path): ProblemAt => {
      const node = nodeAt(document.contents, path);
      const hint = fixHint(schema, issue, path, content);
      return { file, line: node?.range ? lines.linePos(node.range[0]).line : 1, key: keyPath(path), message, ...(hint && { hint }) };
    });
  });
  throw problemsError('SD_INPUT_INVALID', `invalid ${options.what ?? 'config'}:`, problems);
}

/** YAML or JSON text read as it is, unchecked (a column mapping); a syntax error is a problem at its line. */
export function parseDataText(text: string, file: string): unknown {
  return _parsed(text, file).document.toJS();
}

/** The YAML document of a text (JSON is YAML), with its line counter; refused at the first syntax error. */
function _parsed(text: string, file: string): { document: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = document.errors[0];
  if (syntax) {
    const problem = { file, line: lines.linePos(syntax.pos[0]).line, message: `not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${syntax.message.split('\n')[0]}` };
    throw new ShadowdeskError('SD_INPUT_INVALID', problemLine(problem), { issues: [problem] });
  }
  return { document, lines };
}

export async function readConfig<Schema extends z.ZodType>(file: string, schema: Schema, options: ConfigFileOptions = {}): Promise<z.infer<Schema>> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `cannot read ${options.what ?? 'config'} ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  return parseConfig(text, file, schema, options);
}
