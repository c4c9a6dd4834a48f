import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import { parse } from 'yaml';
import { isShadowdeskError, ShadowdeskError } from '../../errors.ts';
import { loadSimulationConfig } from '../../eval/config.ts';
import { configJsonSchema } from '../../eval/config-schema.ts';
import { EXIT_ERROR, editDistance, guarded, withExamples } from '../_cli.ts';

const DEFAULT_CONFIG = 'shadowdesk.yaml';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; oneOf?: JsonSchema[]; enum?: unknown[]; const?: unknown };

/** A schema node and the variants of its union, where keys and allowed values live. */
function variants(node: JsonSchema): JsonSchema[] {
  return [node, ...(node.oneOf ?? [])];
}

/** The schema nodes a key path such as `candidates[1].type` reaches. */
function nodesAt(path: string): JsonSchema[] {
  let nodes = [configJsonSchema() as JsonSchema];
  for (const segment of path.match(/[^.[\]]+/g) ?? []) {
    nodes = nodes.flatMap(variants).flatMap((node) => (/^\d+$/.test(segment) ? node.items ?? [] : node.properties?.[segment] ?? []));
  }
  return nodes;
}

function closest(word: string, options: string[]): string | undefined {
  return [...options].sort((x, y) => editDistance(word, x) - editDistance(word, y))[0];
}

/** A fix for one `file:line: key: message` problem: the nearest valid key, or the allowed values. */
export function fixHint(key: string, message: string, value?: string): string | undefined {
  const dot = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
  const parent = dot < 0 ? '' : key.slice(0, dot);
  const name = key.slice(dot + 1).replace(/]$/, '');
  if (message.startsWith('unknown key')) {
    const keys = [...new Set(nodesAt(parent).flatMap(variants).flatMap((node) => Object.keys(node.properties ?? {})))];
    const best = closest(name, keys);
    return best ? `did you mean "${best}"?` : undefined;
  }
  const allowed = [...new Set(nodesAt(key).flatMap(variants).flatMap((node) => node.enum ?? (node.const === undefined ? [] : [node.const])))].map(String);
  if (allowed.length === 0) return undefined;
  const best = value === undefined ? undefined : closest(value, allowed);
  return `${best ? `did you mean "${best}"? ` : ''}allowed values: ${allowed.join(', ')}`;
}

/** The value a key path holds in the parsed file, when it is text. */
function valueAt(document: unknown, key: string): string | undefined {
  let node = document;
  for (const segment of key.match(/[^.[\]]+/g) ?? []) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  return typeof node === 'string' ? node : undefined;
}

const PROBLEM = /^(.*):(\d+): (.+?): (.*)$/;

const check = withExamples(
  defineCommand({
    meta: { name: 'check', description: 'Check a config file and say, line by line, what to fix.' },
    args: { file: { type: 'positional', description: `Config in YAML or JSON (default: ./${DEFAULT_CONFIG})`, required: false } },
    run: ({ args }) =>
      guarded(async () => {
        const file = args.file ?? DEFAULT_CONFIG;
        if (!existsSync(file)) {
          throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${file}: no such config file; \`shadowdesk init <exports folder>\` writes a commented one (or name yours: \`shadowdesk config check path/to/config.yaml\`)`);
        }
        try {
          const config = await loadSimulationConfig(file);
          const ids = config.candidates.map((candidate) => candidate.id ?? candidate.type);
          const selection = config.selection?.holdoutDays ? `the last ${config.selection.holdoutDays} days` : 'every ticket';
          const sample = config.selection?.sample ? `, a sample of ${config.selection.sample}` : '';
          process.stdout.write(`ok: ${file}: ${ids.length} candidates (${ids.join(', ')}), replaying ${selection}${sample}${config.judge ? ', with an LLM judge' : ''}\n`);
        } catch (error) {
          if (!isShadowdeskError(error) || error.code !== 'SD_INPUT_INVALID' || !error.message.startsWith('invalid config:')) throw error;
          const document: unknown = parse(await readFile(file, 'utf8'));
          const problems = error.message.split('\n').slice(1).map((line) => line.trim());
          const text = problems.map((problem) => {
            const match = PROBLEM.exec(problem);
            if (!match) return `  ${problem}`;
            const [, where, line, key, message] = match as unknown as [string, string, string, string, string];
            const hint = fixHint(key, message, valueAt(document, key));
            return `  ${where}:${line}: ${key}: ${message}${hint ? `\n    fix: ${hint}` : ''}`;
          });
          process.stderr.write(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${text.join('\n')}\n`);
          process.exitCode = EXIT_ERROR;
        }
      }),
  }),
  ['shadowdesk config check', 'shadowdesk config check configs/nightly.yaml'],
);

export default withExamples(
  defineCommand({
    meta: { name: 'config', description: 'Work with the simulation config (shadowdesk.yaml).' },
    subCommands: { check },
  }),
  ['shadowdesk config check', 'shadowdesk init && shadowdesk config check'],
);
