import { readFile } from 'node:fs/promises';
import { renderUsage, type ArgDef, type CommandDef } from 'citty';
import { parseArgs } from 'node:util';
import { problemLine, ShadowdeskError, isShadowdeskError } from '../errors.ts';
import { parseDataText } from '../eval/config/config-file.ts';
import { nearest } from '../eval/config/hints.ts';
import type { ImportProgress } from '../pipelines/import.ts';
import type { IndexProgress } from '../pipelines/search-index.ts';

/** Exit codes: 0 done, 1 done but the result is not usable (nothing imported, a CI regression), 2 an error. */
export const EXIT_UNUSABLE = 1;
export const EXIT_ERROR = 2;

/**
 * Runs a command body: an error a user can cause prints its message alone; anything else is our
 * bug and keeps its stack.
 */
export async function guarded(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (isShadowdeskError(error)) {
      process.stderr.write(`shadowdesk: ${error.message}\n`);
    } else {
      process.stderr.write(`shadowdesk: unexpected error (please report it):\n${(error as Error).stack ?? String(error)}\n`);
    }
    process.exitCode = EXIT_ERROR;
  }
}

const EXAMPLES = new WeakMap<CommandDef<any>, string[]>();
const REPEATABLE = new WeakSet<object>();

/** Marks the last positional argument as taking several values (`import a.json b.csv`), read from `args._`. */
export function repeatable<T extends ArgDef>(arg: T): T {
  REPEATABLE.add(arg);
  return arg;
}

/**
 * Attaches examples to a command; `--help` prints them under its usage. A command with
 * subcommands (the root `shadowdesk`, `label`, `config`) also checks the whole command line
 * before anything runs: see `checkCommandLine`.
 */
export function withExamples<T extends CommandDef<any>>(command: T, examples: string[]): T {
  EXAMPLES.set(command, examples);
  if (command.subCommands && !command.setup) command.setup = ({ rawArgs }) => _checkOnce(command, rawArgs);
  return command;
}

/**
 * What is wrong with a command line, said for a newcomer, or undefined when it is fine: an
 * unknown command or option (with the nearest valid one), an option given without its value
 * (`--workspace --run x` once made a workspace named `--run`), a bad choice, a missing or an
 * extra argument. citty lets unknown options and extra arguments through silently, and reports
 * the rest under a page of usage with exit code 1, which CI reads as "worse than the baseline".
 * Node's `util.parseArgs` in strict mode reads the options, declared from the command's `args`;
 * its refusals are said again here with the command's own names and examples. Only a positional
 * argument marked with `repeatable` takes several values.
 */
export async function checkCommandLine(root: CommandDef<any>, rawArgs: string[]): Promise<string | undefined> {
  const reached = await _subcommand(root, rawArgs);
  if (typeof reached === 'string') return reached;
  const { command, name, args } = reached;
  const defs = Object.entries(((await _resolve(command.args)) ?? {}) as Record<string, ArgDef>);
  const line: CommandLine = {
    name,
    command,
    options: defs.filter(([, def]) => def.type !== 'positional'),
    positionals: defs.filter(([, def]) => def.type === 'positional'),
  };
  const options = _parserOptions(line.options);
  const tokens = parseArgs({ args, options, strict: false, allowPositionals: true, allowNegative: true, tokens: true }).tokens;
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: _negativeNumbersInline(args, tokens, options), options, strict: true, allowPositionals: line.positionals.length > 0, allowNegative: true });
  } catch (error) {
    return _refusal(line, error, tokens);
  }
  return _checkValues(line, parsed.values, parsed.positionals);
}

/** A whole number above 0 from a flag, or undefined when the flag is absent. */
export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new ShadowdeskError('SD_INPUT_INVALID', `${flag} ${value}: expected a whole number above 0`);
  return parsed;
}

// Plain decimals only: no exponent, hex or separators a person would not type; bounded, so linear.
const NUMBER_OR_PERCENT = /^\s*(-?(?:\d{1,15}(?:\.\d{1,15})?|\.\d{1,15}))\s*(%?)\s*$/;

/**
 * A number from a flag, `%` reading as a share ("2%" and "2 %" are 0.02); `check` says which
 * values the flag takes and `expected` how to write one, e.g. "a share of answers such as 0.05".
 */
export function numberFlag(value: string, flag: string, check: (number: number) => boolean, expected: string): number;
export function numberFlag(value: string | undefined, flag: string, check: (number: number) => boolean, expected: string): number | undefined;
export function numberFlag(value: string | undefined, flag: string, check: (number: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const match = NUMBER_OR_PERCENT.exec(value);
  const number = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!check(number)) throw new ShadowdeskError('SD_INPUT_INVALID', `${flag} ${value}: expected ${expected}`);
  return number;
}

/** From 0 to 1: a share, or a confidence. */
export const isShare = (number: number) => number >= 0 && number <= 1;

/** `--max-error-rate`, which `simulate` and `ci` take. */
export function maxErrorRateFlag(value: string | undefined): number | undefined {
  return numberFlag(value, '--max-error-rate', isShare, 'a share of answers such as 0.05, or a percentage such as 5%');
}

/** A whole number (a seed) from a flag. */
export function wholeNumber(value: string, flag: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number)) throw new ShadowdeskError('SD_INPUT_INVALID', `${flag} ${value}: expected a whole number`);
  return number;
}

/** citty's usage, followed by the command's examples. */
export async function showUsage(command: CommandDef<any>, parent?: CommandDef<any>): Promise<void> {
  const examples = EXAMPLES.get(command);
  const tail = examples ? `\nExamples:\n${examples.map((line) => `  ${line}`).join('\n')}\n` : '';
  process.stdout.write(`${await renderUsage(command, parent)}\n${tail}`);
}

/**
 * An abort signal that fires on Ctrl-C, so a long import stops cleanly and leaves the workspace
 * as it was instead of dying mid-write.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\n');
    controller.abort(new ShadowdeskError('SD_INTERRUPTED', 'interrupted: the workspace was left as it was'));
  });
  return controller.signal;
}

/** A one-line progress display on a terminal; silent in logs and CI. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: ImportProgress) => void {
  if (!stream.isTTY) return () => {};
  return (progress) => {
    const count = progress.read.toLocaleString('en-US');
    stream.write(`\r\x1b[K${progress.done ? 'read' : 'reading'} ${progress.file} (${progress.format}): ${count} records`);
    if (progress.done) stream.write('\n');
  };
}

/** Index progress on a terminal: stage, count, texts/s and time left while embedding. */
export function indexProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: IndexProgress) => void {
  if (!stream.isTTY) return () => {};
  let embedStarted = 0;
  return (progress) => {
    let line = `${progress.stage}: ${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')}`;
    if (progress.stage === 'embed') {
      embedStarted ||= performance.now();
      const seconds = (performance.now() - embedStarted) / 1000;
      const rate = seconds > 0 ? progress.done / seconds : 0;
      const left = rate > 0 ? (progress.total - progress.done) / rate : 0;
      line += ` texts, ${Math.round(rate).toLocaleString('en-US')} texts/s, ${Math.ceil(left)} s left`;
    }
    stream.write(`\r\x1b[K${line}`);
    if (progress.stage === 'write' && progress.done === progress.total) stream.write('\n');
  };
}

/** Progress of counted work on a terminal (`replay`, `tickets`): done of total, a rate and time left. */
export function countedProgressPrinter(stage: string, unit: string, stream: NodeJS.WriteStream = process.stderr): (progress: { done: number; total: number }) => void {
  if (!stream.isTTY) return () => {};
  const started = performance.now();
  return ({ done, total }) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    stream.write(`\r\x1b[K${stage}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}, ${rate.toFixed(1)} ${unit}/s, ${left} s left`);
    if (done === total) stream.write('\n');
  };
}

/** Reads a JSON or YAML file given on the command line (a column mapping, later a config). */
export async function readDataFile(path: string, flag: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${flag} ${path}: cannot read the file (${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}); \`shadowdesk init\` proposes a mapping for a CSV it does not know`, { cause });
  });
  try {
    return parseDataText(text, path);
  } catch (cause) {
    if (!isShadowdeskError(cause)) throw cause;
    throw new ShadowdeskError('SD_MAPPING_INVALID', `${flag} ${cause.issues.map(problemLine).join('; ')}`, { cause, issues: cause.issues });
  }
}

// --- internal ---

let _checked = false;

/** Runs once, from the outermost command's setup, before citty parses the subcommand's arguments. */
async function _checkOnce(root: CommandDef<any>, rawArgs: string[]): Promise<void> {
  if (_checked) return;
  _checked = true;
  const problem = await checkCommandLine(root, rawArgs);
  if (!problem) return;
  process.stderr.write(`${problem}\n`);
  process.exit(EXIT_ERROR);
}

async function _resolve<T>(value: T | (() => T | Promise<T>) | Promise<T>): Promise<T> {
  return typeof value === 'function' ? (value as () => T | Promise<T>)() : value;
}

/** The command a line names and the words after its name, or what is wrong with the names. */
async function _subcommand(root: CommandDef<any>, rawArgs: string[]): Promise<{ command: CommandDef<any>; name: string; args: string[] } | string> {
  let command = root;
  let name = (await _resolve(root.meta))?.name ?? 'shadowdesk';
  let args = rawArgs;
  for (;;) {
    const subCommands = (await _resolve(command.subCommands)) as Record<string, unknown> | undefined;
    if (!subCommands) return { command, name, args };
    const names = Object.keys(subCommands);
    if (args.findIndex((arg) => !arg.startsWith('-')) !== 0) {
      const option = args[0];
      const named = args.find((arg) => names.includes(arg));
      if (option !== undefined && named) return `${name}: ${option} before the command; put options after it, e.g. \`${name} ${named} ${option} …\``;
      if (option !== undefined) return `${name}: unknown option ${option}; name a command first: ${names.join(', ')} (\`${name} --help\`)`;
      return `${name}: which command? ${names.join(', ')} (\`${name} --help\` says what each does)`;
    }
    const sub = args[0]!;
    if (!(sub in subCommands)) {
      const near = nearest(sub, names);
      return `${name}: unknown command "${sub}"; ${near ? `did you mean \`${name} ${near}\`? Commands` : 'commands'}: ${names.join(', ')} (\`${name} --help\`)`;
    }
    command = (await _resolve(subCommands[sub])) as CommandDef<any>;
    name = `${name} ${sub}`;
    args = args.slice(1);
  }
}

/** One command's line as the checks read it. */
interface CommandLine {
  /** As typed, e.g. `shadowdesk label export`. */
  name: string;
  command: CommandDef<any>;
  options: Array<[string, ArgDef]>;
  positionals: Array<[string, ArgDef]>;
}

type ParserOptions = Record<string, { type: 'string' | 'boolean' }>;
type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];
type OptionToken = Extract<Token, { kind: 'option' }>;

/** Each option under its name and its camelCase, as citty reads both; a choice is a string. */
function _parserOptions(options: CommandLine['options']): ParserOptions {
  return Object.fromEntries(
    options.flatMap(([key, def]) => {
      const type = def.type === 'boolean' ? 'boolean' : 'string';
      return [...new Set([key, _camel(key)])].map((name) => [name, { type }]);
    }),
  );
}

// A minus, then a digit: bounded, so linear.
const NEGATIVE_NUMBER = /^-\.?\d/;

/**
 * `--growth -2%` and `--limit -3` give a negative number, which strict mode would take for a
 * missing value before another option; written `--growth=-2%` it is a value, and the flag's
 * reader then says whether it is in range.
 */
function _negativeNumbersInline(args: string[], tokens: Token[], options: ParserOptions): string[] {
  const joined = new Map<number, string>();
  for (const token of tokens) {
    if (token.kind === 'option' && options[token.name]?.type === 'string' && token.inlineValue === false && NEGATIVE_NUMBER.test(token.value ?? '')) {
      joined.set(token.index, `${token.rawName}=${token.value}`);
    }
  }
  return args.flatMap((arg, index) => (joined.has(index) ? [joined.get(index)!] : joined.has(index - 1) ? [] : [arg]));
}

/** What strict mode refused, said for the command: the tokens of a lenient read say which word it was. */
function _refusal(line: CommandLine, error: unknown, tokens: Token[]): string {
  const help = `\`${line.name} --help\``;
  const optionOf = (token: OptionToken) => line.options.find(([key]) => key === token.name || _camel(key) === token.name);
  // `--no-json` turns a boolean off, as citty reads it; no other option has a `no-` form.
  const known = (token: OptionToken) => {
    const def = optionOf(token)?.[1];
    return def !== undefined && (def.type === 'boolean' || !token.rawName.startsWith('--no-'));
  };
  const lacksValue = (token: OptionToken) =>
    optionOf(token)?.[1].type === 'boolean' ? token.value !== undefined : token.value === undefined || (!token.inlineValue && token.value.startsWith('-'));
  const options = tokens.filter((token): token is OptionToken => token.kind === 'option');
  const code = (error as NodeJS.ErrnoException).code;
  const unknown = options.find((token) => !known(token));
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const flags = line.options.map(([key]) => `--${key}`);
    const near = nearest(unknown.rawName, flags);
    return `${line.name}: unknown option ${unknown.rawName}; ${near ? `did you mean ${near}? ` : ''}${flags.length > 0 ? `options: ${flags.join(', ')}` : 'it takes no options'} (${help})`;
  }
  const badValue = options.find(lacksValue);
  const option = badValue && optionOf(badValue);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const [key, def] = option;
    if (def.type === 'boolean') return `${line.name}: --${key} takes no value; write --${key}, or --no-${key} to turn it off (${help})`;
    return _needsValue(line, key, def);
  }
  const extra = tokens.find((token) => token.kind === 'positional');
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && extra) return `${line.name}: unexpected argument "${extra.value}"; it takes options only (${help})`;
  throw error;
}

function _needsValue(line: CommandLine, key: string, def: ArgDef): string {
  const example = _exampleValue(line.command, key) ?? (typeof def.default === 'string' ? def.default : undefined);
  return `${line.name}: --${key} needs a value${example ? `, e.g. --${key} ${example}` : ''} (\`${line.name} --help\`)`;
}

/** What the parser does not check: empty values, choices, missing and extra arguments. */
function _checkValues(line: CommandLine, values: Record<string, string | boolean | undefined>, positionals: string[]): string | undefined {
  const valueOf = (key: string) => values[key] ?? values[_camel(key)];
  for (const [key, def] of line.options) {
    const value = valueOf(key);
    if (value === '') return _needsValue(line, key, def);
    if (def.type === 'enum' && def.options && typeof value === 'string' && !def.options.includes(value)) {
      const near = nearest(value, def.options);
      return `${line.name}: --${key} ${value}: expected one of ${def.options.join(', ')}${near ? `; did you mean ${near}?` : ''}`;
    }
  }
  const example = EXAMPLES.get(line.command)?.[0];
  for (const [index, [key, def]] of line.positionals.entries()) {
    if (positionals[index] === undefined && def.required !== false && def.default === undefined) {
      return `${line.name}: missing ${key.toUpperCase()} (${def.description ?? key})${example ? `; e.g. \`${example.replace(/\s+\(.*\)$/, '')}\`` : ''}`;
    }
  }
  const last = line.positionals.at(-1);
  if (positionals.length > line.positionals.length && !(last && REPEATABLE.has(last[1]))) {
    const takes = line.positionals.map(([key]) => key.toUpperCase()).join(' and ');
    const quoted = positionals.slice(line.positionals.length - 1).join(' ');
    return `${line.name}: unexpected argument "${positionals[line.positionals.length]}"; it takes ${takes} only; quote a value with spaces, e.g. "${quoted}" (\`${line.name} --help\`)`;
  }
  for (const [key, def] of line.options) {
    if (def.required && def.default === undefined && valueOf(key) === undefined) {
      return `${line.name}: missing --${key} (${def.description ?? key})${example ? `; e.g. \`${example}\`` : ''}`;
    }
  }
  return undefined;
}

function _camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The value an example of the command gives a flag (`--workspace .shadowdesk`), or its default. */
function _exampleValue(command: CommandDef<any>, key: string): string | undefined {
  for (const example of EXAMPLES.get(command) ?? []) {
    const match = new RegExp(`--${key}[ =](\\S+)`).exec(example);
    if (match) return match[1];
  }
  return undefined;
}
