import { existsSync, realpathSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { isShadowdeskError } from '../../errors.ts';
import { readCsv } from '../../datasets/io/csv.ts';
import { genericCsvReader, guessMapping, type ColumnMapping } from '../../datasets/readers/generic-csv.ts';
import { detectReader, looksLikeGorgiasRules, probePath, readerFor, type FormatName } from '../../datasets/readers/index.ts';
import { DEFAULT_MAX_MESSAGE_CHARS, type Probe, type Reader } from '../../datasets/reader.ts';
import type { RecordKind } from '../../datasets/records.ts';
import { aloneItem } from '../../pipelines/join.ts';
import { configJsonSchema, SCHEMA_FILE } from './config-schema.ts';
import { PRESETS_FILE } from '../pricing/load.ts';
import { defaultCandidates, RESPONDERS } from '../responders/index.ts';
import { COMPUTING_CONCURRENCY } from '../replay/concurrency.ts';
import { wrapped } from '../../datasets/text/docs-list.ts';
import { GORGIAS_SETTINGS_FILE } from '../rules/gorgias.ts';

/**
 * `shadowdesk init`: look at a folder of helpdesk exports, say what shadowdesk recognises and
 * what it cannot read, and write a commented starting config so a support lead never has to
 * write YAML from a blank page.
 */

export const CONFIG_FILE = 'shadowdesk.yaml';
export const MAPPING_FILE = 'mapping.yaml';
/** Folders below the given one that are searched; exports are rarely nested deeper. */
const MAX_DEPTH = 3;
/** Records are counted only when it takes well under a second. */
const COUNT_MAX_BYTES = 5 * 1024 * 1024;
/** The same extensions `import` reads from a folder of exports. */
const EXPORT_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson', '.csv', '.tsv']);
const OWN_FILES = new Set([CONFIG_FILE, SCHEMA_FILE, MAPPING_FILE]);
const PREVIEW_ROWS = 3;

export interface InitOptions {
  /** Where the config is written, and the folder searched when `paths` is absent. */
  dir: string;
  /** Export files or folders to look at instead of searching `dir`. */
  paths?: string[];
  /** A workspace other than the default, carried into the suggested commands. */
  workspace?: string;
  /** Overwrite files that already exist. */
  force?: boolean;
  /** The command that runs shadowdesk from `dir`. @default cliCommand(dir) */
  cli?: string;
}

export interface RecognisedSource {
  path: string;
  format: FormatName;
  /**
   * Records read by kind, and records that would be skipped; absent for large files. `messages`
   * counts comments or messages that came apart from their tickets, `waiting` tickets that came
   * without any message: both are joined on import.
   */
  counts?: Partial<Record<RecordKind | 'messages' | 'waiting', number>> & { skipped: number };
}

export interface UnreadableSource {
  path: string;
  reason: string;
}

export interface ProposedMapping {
  /** The CSV file the mapping was guessed from. */
  file: string;
  mapping: ColumnMapping;
  header: string[];
  /** The first rows as the mapping reads them, for a person to check. */
  rows: Record<string, string>[];
}

export interface InitResult {
  dir: string;
  recognised: RecognisedSource[];
  unreadable: UnreadableSource[];
  mappings: ProposedMapping[];
  /** Files written, and files left as they were because they existed. */
  written: string[];
  kept: string[];
  /** The command that runs shadowdesk from `dir` (`npx shadowdesk` where npx finds it). */
  cli: string;
  /** Commands to run next, from `dir`, as they are typed. */
  next: string[];
  /** Gorgias rules exports found: `next` tries them with `shadowdesk rules --gorgias-rules`. */
  rules: string[];
}

interface Found {
  recognised: RecognisedSource[];
  unreadable: UnreadableSource[];
  mappings: ProposedMapping[];
  /** Gorgias rules exports: tried with `shadowdesk rules`, not imported. */
  rules: string[];
}

function reasonOf(error: unknown): string {
  if (!isShadowdeskError(error)) throw error;
  return error.message;
}

async function detect(probe: Probe): Promise<Reader | string> {
  try {
    return detectReader(probe);
  } catch (error) {
    if (!isShadowdeskError(error) || error.code !== 'SD_FORMAT_UNDETECTED') throw error;
    if (probe.csvHeader) {
      // The generic reader names the columns it could not find, which says more than "undetected".
      try {
        for await (const _ of genericCsvReader.read(probe.path, { maxMessageChars: DEFAULT_MAX_MESSAGE_CHARS })) break;
      } catch (csvError) {
        return reasonOf(csvError);
      }
    }
    return probe.isDirectory ? 'a folder with no exports or articles shadowdesk reads' : 'not an export format shadowdesk recognises';
  }
}

async function countRecords(reader: Reader, path: string): Promise<NonNullable<RecognisedSource['counts']>> {
  const counts: NonNullable<RecognisedSource['counts']> = { skipped: 0 };
  for await (const item of reader.read(path, { maxMessageChars: DEFAULT_MAX_MESSAGE_CHARS })) {
    if (item.type === 'skip') counts.skipped++;
    else if (item.type === 'record') counts[item.kind] = (counts[item.kind] ?? 0) + 1;
    // A ticket whose file holds a message counts as a ticket; one without waits for a messages file.
    else if (item.type === 'shell') {
      if (aloneItem(item).type === 'record') counts.ticket = (counts.ticket ?? 0) + 1;
      else counts.waiting = (counts.waiting ?? 0) + 1;
    } else counts.messages = (counts.messages ?? 0) + 1;
  }
  return counts;
}

async function previewRows(path: string): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for await (const item of readCsv(path)) {
    if (item.type === 'row') rows.push(item.row);
    if (rows.length === PREVIEW_ROWS) break;
  }
  return rows;
}

async function examine(path: string, found: Found): Promise<void> {
  const probe = await probePath(path);
  if (looksLikeGorgiasRules(probe)) {
    found.rules.push(path);
    return;
  }
  // The account settings beside a rules export give its business hours (see eval/rules/gorgias.ts).
  if (basename(path) === GORGIAS_SETTINGS_FILE) return;
  const reader = await detect(probe);
  if (typeof reader === 'string') {
    found.unreadable.push({ path, reason: reader });
    return;
  }
  const format = reader.name as FormatName;
  const source: RecognisedSource = { path, format };
  try {
    if (probe.isDirectory || (await stat(path)).size <= COUNT_MAX_BYTES) source.counts = await countRecords(readerFor(format), path);
  } catch (error) {
    found.unreadable.push({ path, reason: reasonOf(error) });
    return;
  }
  found.recognised.push(source);
  const mapping = format === 'generic-csv' && probe.csvHeader ? guessMapping(probe.csvHeader) : undefined;
  if (mapping && probe.csvHeader) found.mappings.push({ file: path, mapping, header: probe.csvHeader, rows: await previewRows(path) });
}

/**
 * A folder of articles is one source unless it holds export files, as `import` decides: then its
 * files and sub-folders are looked at one by one.
 */
async function isArticlesFolder(folder: string): Promise<boolean> {
  const entries = await readdir(folder, { withFileTypes: true });
  if (entries.some((entry) => entry.isFile() && EXPORT_EXTENSIONS.has(extensionOf(entry.name)))) return false;
  return (await detect(await probePath(folder))) === readerFor('articles-folder');
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

async function search(folder: string, depth: number, found: Found): Promise<void> {
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || (depth === 0 && OWN_FILES.has(entry.name))) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (await isArticlesFolder(path)) await examine(path, found);
      else if (depth < MAX_DEPTH) await search(path, depth + 1, found);
    } else if (entry.isFile()) {
      if (EXPORT_EXTENSIONS.has(extensionOf(entry.name))) await examine(path, found);
      else found.unreadable.push({ path, reason: `not an export file (shadowdesk reads ${[...EXPORT_EXTENSIONS].join(', ')} files and folders of articles)` });
    }
  }
}

/** The folder of this shadowdesk: a clone, or where npm installed the package (the one whose package.json is ours). */
function packageFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** A path as one shell word. */
function shellWord(text: string): string {
  return /^[\w./@:+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * How to run this shadowdesk from `dir`, as npm resolves \`npx\`: it looks in the nearest folder up
 * holding a package.json or node_modules, so \`npx shadowdesk\` works inside the clone and in a project
 * that installed the package. Anywhere else it would ask the registry, where shadowdesk is not
 * published (and a package of that name may be someone else's): there \`--prefix\` names this one.
 */
export function cliCommand(dir: string, shadowdesk: string = packageFolder()): string {
  let project = resolve(dir);
  while (!existsSync(join(project, 'package.json')) && !existsSync(join(project, 'node_modules')) && dirname(project) !== project) project = dirname(project);
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : path);
  const found = real(project) === real(shadowdesk) || existsSync(join(project, 'node_modules', '.bin', 'shadowdesk'));
  return found ? 'npx shadowdesk' : `npx --prefix ${shellWord(real(shadowdesk))} shadowdesk`;
}

/**
 * The candidates a run replays by default, each under its summary and with the settings it takes
 * by default spelled out (a composite's parts), so the config says what a run without it does.
 */
function defaultCandidatesYaml(): string {
  return defaultCandidates()
    .flatMap((name) => {
      const definition = RESPONDERS[name as keyof typeof RESPONDERS];
      const settings = Object.entries(definition.options.parse({}));
      const summary = `${definition.summary.charAt(0).toUpperCase()}${definition.summary.slice(1)}.`;
      const entry = [['type', name], ...settings].map(([key, value], index) => `${index === 0 ? '  - ' : '    '}${key}: ${stringify(value, { collectionStyle: 'flow' }).trim()}`);
      return [wrapped(summary, '  # ', '  # '), ...entry];
    })
    .join('\n');
}

function configYaml(cli: string): string {
  return `# yaml-language-server: $schema=./${SCHEMA_FILE}
#
# shadowdesk config, written by \`shadowdesk init\`. \`shadowdesk simulate\` reads it from this
# folder; \`shadowdesk config check\` tells you, line by line, what is wrong after an edit.

# CANDIDATES: the AIs that answer your past tickets. Each one gets every selected ticket as the
# customer first wrote it, seeing only what existed on that day (articles, earlier tickets,
# the customer's orders). Below confidence \`minConfidence\` (0 to 1) a candidate hands the ticket
# to a human instead of answering.
candidates:
${defaultCandidatesYaml()}
  # An LLM through any OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, LM Studio).
  # Remove the # in front of these lines to try one; the API key is read from the environment
  # variable named in apiKeyEnv and is never written anywhere.
  # - id: gpt
  #   type: llm
  #   baseUrl: https://api.openai.com/v1
  #   model: gpt-4o-mini
  #   apiKeyEnv: OPENAI_API_KEY
  #   price: { inputPerMillion: 0.15, outputPerMillion: 0.6 }

# SELECTION: which past tickets are replayed. holdoutDays keeps the most recent days of your
# history (older tickets are what the candidates learn from); sample picks that many tickets at
# random, the same ones every time for a given seed.
selection:
  holdoutDays: 90
  # sample: 500
  # seed: 42

# How many tickets are answered at once: ${COMPUTING_CONCURRENCY} when every candidate computes on this machine, four
# times an LLM candidate's own concurrency when one waits on an endpoint.
# concurrency: ${COMPUTING_CONCURRENCY}

# RULES: helpdesk rules (tag, assign, auto-reply…) to try with the candidates. They fire first on
# every ticket, as in your helpdesk; the report measures each one against what your agents did and
# the pricing counts the tickets their auto-replies make billable. \`shadowdesk rules --help\` shows
# the file's shape; \`shadowdesk rules rules.yaml\` tries the rules alone.
# rules: rules.yaml

# PRICING is not set here: the report prices every candidate with the vendor list prices shipped in
#   ${PRESETS_FILE}
# Copy that file, put in the prices you actually pay, and pass it with
#   ${cli} simulate --pricing my-prices.yaml
`;
}

function mappingYaml(proposal: ProposedMapping, dir: string): string {
  return `# Which column of ${relative(dir, proposal.file)} holds what, guessed from its header by \`shadowdesk init\`.
# Check it against the first rows \`init\` printed. ticketId, createdAt and body are required;
# other keys: subject, reply, repliedAt, role, author, sentAt, channel, language, customerId,
# customerEmail, customerName, tags, status, assignee, closedAt, satisfaction.
# Dates like 03/04/2025 are read day first (3 April); set dayFirst: false for US dates.
${stringify(proposal.mapping)}`;
}

/** A path for a command line, relative to the folder the commands run from. */
function shellPath(dir: string, path: string): string {
  return shellWord(relative(dir, path) || '.');
}

/** Looks at the exports, then writes the config, its JSON Schema and a proposed column mapping. */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const dir = resolve(options.dir);
  const cli = options.cli ?? cliCommand(dir);
  const found: Found = { recognised: [], unreadable: [], mappings: [], rules: [] };
  if (options.paths && options.paths.length > 0) {
    for (const path of options.paths) {
      try {
        await examine(resolve(path), found);
      } catch (error) {
        found.unreadable.push({ path: resolve(path), reason: reasonOf(error) });
      }
    }
  } else {
    await search(dir, 0, found);
  }

  const files: Array<[string, string]> = [
    [CONFIG_FILE, configYaml(cli)],
    [SCHEMA_FILE, `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
  ];
  const proposal = found.mappings[0];
  if (proposal) files.push([MAPPING_FILE, mappingYaml(proposal, dir)]);
  const written: string[] = [];
  const kept: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    if (existsSync(path) && !options.force) {
      kept.push(path);
      continue;
    }
    await writeFile(path, text);
    written.push(path);
  }

  const workspace = options.workspace ? ` --workspace ${shellPath(dir, resolve(options.workspace))}` : '';
  const next: string[] = [];
  if (found.recognised.length > 0) {
    const paths = found.recognised.map((source) => shellPath(dir, source.path)).join(' ');
    // `--mapping` reaches every CSV reader and Freshdesk's would take it as overrides; without it the import guesses the same mapping.
    const mapping = proposal && !found.recognised.some((source) => source.format === 'freshdesk-csv') ? ` --mapping ${MAPPING_FILE}` : '';
    next.push(`${cli} import ${paths}${mapping}${workspace}`);
    next.push(`${cli} simulate --config ${CONFIG_FILE}${workspace}`);
  }
  // Rules are replayed on the imported history: after the import.
  for (const rules of found.rules) next.push(`${cli} rules --gorgias-rules ${shellPath(dir, rules)}${workspace}`);
  return { dir, ...found, written, kept, cli, next };
}
