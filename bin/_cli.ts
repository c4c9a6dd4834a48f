import { readFile } from 'node:fs/promises';
import { renderUsage, type ArgDef, type CommandDef } from 'citty';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ShadowdeskError, isShadowdeskError } from '../errors.ts';
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
 * Only a positional argument marked with `repeatable` takes several values.
 */
export async function checkCommandLine(root: CommandDef<any>, rawArgs: string[]): Promise<string | undefined> {
  let command = root;
  let name = (await _resolve(root.meta))?.name ?? 'shadowdesk';
  let tokens = rawArgs;
  for (;;) {
    const subCommands = (await _resolve(command.subCommands)) as Record<string, unknown> | undefined;
    if (!subCommands) break;
    const at = tokens.findIndex((token) => !token.startsWith('-'));
    const names = Object.keys(subCommands);
    if (at !== 0) {
      const option = tokens[0];
      const named = tokens.find((token) => names.includes(token));
      if (option !== undefined && named) return `${name}: ${option} before the command; put options after it, e.g. \`${name} ${named} ${option} …\``;
      if (option !== undefined) return `${name}: unknown option ${option}; name a command first: ${names.join(', ')} (\`${name} --help\`)`;
      return `${name}: which command? ${names.join(', ')} (\`${name} --help\` says what each does)`;
    }
    const sub = tokens[0]!;
    if (!(sub in subCommands)) {
      const near = _closest(sub, names);
      return `${name}: unknown command "${sub}"; ${near ? `did you mean \`${name} ${near}\`? Commands` : 'commands'}: ${names.join(', ')} (\`${name} --help\`)`;
    }
    command = (await _resolve(subCommands[sub])) as CommandDef<any>;
    name = `${name} ${sub}`;
    tokens = tokens.slice(1);
  }
  const defs = Object.entries(((await _resolve(command.args)) ?? {}) as Record<string, ArgDef>);
  const options = defs.filter(([, def]) => def.type !== 'positional');
  const flags = options.map(([key]) => `--${key}`);
  const find = (flag: string) => options.find(([key]) => key === flag || _camel(key) === flag);
  const help = `\`${name} --help\``;
  const positionals: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token === '--') {
      positionals.push(...tokens.slice(index + 1));
      break;
    }
    if (!/^--?[A-Za-z]/.test(token)) {
      positionals.push(token);
      continue;
    }
    const [flag, inline] = _splitOption(token);
    const bare = flag.replace(/^--?/, '');
    // `--no-json` negates a boolean option, as citty reads it; no other option has a `no-` form.
    const negated = find(bare.replace(/^no-/, ''));
    const [key, def] = find(bare) ?? (negated?.[1].type === 'boolean' ? negated : []);
    if (!def) {
      const near = _closest(flag, flags);
      return `${name}: unknown option ${flag}; ${near ? `did you mean ${near}? ` : ''}${flags.length > 0 ? `options: ${flags.join(', ')}` : 'it takes no options'} (${help})`;
    }
    if (def.type === 'boolean') continue;
    const value = inline ?? tokens[index + 1];
    if (inline === undefined) index++;
    const example = _exampleValue(command, key!) ?? (typeof def.default === 'string' ? def.default : undefined);
    if (value === undefined || value === '' || (inline === undefined && /^--?[A-Za-z]/.test(value))) {
      return `${name}: --${key} needs a value${example ? `, e.g. --${key} ${example}` : ''} (${help})`;
    }
    if (def.type === 'enum' && def.options && !def.options.includes(value)) {
      const near = _closest(value, def.options);
      return `${name}: --${key} ${value}: expected one of ${def.options.join(', ')}${near ? `; did you mean ${near}?` : ''}`;
    }
  }
  const positionalDefs = defs.filter(([, def]) => def.type === 'positional');
  for (const [index, [key, def]] of positionalDefs.entries()) {
    if (positionals[index] === undefined && def.required !== false && def.default === undefined) {
      const example = EXAMPLES.get(command)?.[0]?.replace(/\s+\(.*\)$/, '');
      return `${name}: missing ${key.toUpperCase()} (${def.description ?? key})${example ? `; e.g. \`${example}\`` : ''}`;
    }
  }
  const last = positionalDefs.at(-1);
  if (positionals.length > positionalDefs.length && !(last && REPEATABLE.has(last[1]))) {
    const extra = positionals[positionalDefs.length]!;
    const takes = positionalDefs.length === 0 ? 'takes options only' : `takes ${positionalDefs.map(([key]) => key.toUpperCase()).join(' and ')} only; quote a value with spaces, e.g. "${positionals.slice(positionalDefs.length - 1).join(' ')}"`;
    return `${name}: unexpected argument "${extra}"; it ${takes} (${help})`;
  }
  for (const [key, def] of options) {
    if (def.required && def.default === undefined && !tokens.some((token) => [`--${key}`, `--${_camel(key)}`].includes(_splitOption(token)[0]))) {
      const example = EXAMPLES.get(command)?.[0];
      return `${name}: missing --${key} (${def.description ?? key})${example ? `; e.g. \`${example}\`` : ''}`;
    }
  }
  return undefined;
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

/** Replay progress on a terminal: tickets done, tickets/s and time left. */
export function replayProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: { done: number; total: number }) => void {
  if (!stream.isTTY) return () => {};
  const started = performance.now();
  return ({ done, total }) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    stream.write(`\r\x1b[Kreplay: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} tickets, ${rate.toFixed(1)} tickets/s, ${left} s left`);
    if (done === total) stream.write('\n');
  };
}

/** Reads a JSON or YAML file given on the command line (a column mapping, later a config). */
export async function readDataFile(path: string, flag: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${flag} ${path}: cannot read the file (${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}); \`shadowdesk init\` proposes a mapping for a CSV it does not know`, { cause });
  });
  try {
    return extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const reason = (cause as Error).message.split('\n')[0]!.replace(/:$/, '');
    throw new ShadowdeskError('SD_MAPPING_INVALID', `${flag} ${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${reason}`, { cause });
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

function _camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function _splitOption(token: string): [string, string | undefined] {
  const equals = token.indexOf('=');
  return equals < 0 ? [token, undefined] : [token.slice(0, equals), token.slice(equals + 1)];
}

/** The nearest of `options` to a mistyped word, when it is near enough to be what was meant. */
function _closest(word: string, options: readonly string[]): string | undefined {
  const started = options.filter((option) => option.startsWith(word));
  if (started.length === 1) return started[0];
  const [best] = [...options].sort((x, y) => editDistance(word, x) - editDistance(word, y));
  return best !== undefined && editDistance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** The value an example of the command gives a flag (`--workspace .shadowdesk`), or its default. */
function _exampleValue(command: CommandDef<any>, key: string): string | undefined {
  for (const example of EXAMPLES.get(command) ?? []) {
    const match = new RegExp(`--${key}[ =](\\S+)`).exec(example);
    if (match) return match[1];
  }
  return undefined;
}
