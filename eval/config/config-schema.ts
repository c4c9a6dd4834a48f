import { z } from 'zod';
import { ShadowdeskError } from '../../errors.ts';
import { candidateSchemaOf, SimulationConfigSchema, simulationConfigSchemaOf } from './config.ts';
import { jsonSchemaAt, type JsonSchemaNode } from './hints.ts';
import { RESPONDERS, type ResponderMap } from '../responders/index.ts';

/** The file `init` writes next to the config; configs point at it by this relative path, which works offline. */
export const SCHEMA_FILE = 'shadowdesk.schema.json';

/**
 * The JSON Schema of `shadowdesk.yaml`, generated from the zod schema the loader validates with,
 * so editor completion can never disagree with `shadowdesk config check`. `io: 'input'` describes
 * what a person writes: keys with defaults stay optional. Its candidates are those of `map`.
 */
export function configJsonSchema(map: ResponderMap = RESPONDERS): Record<string, unknown> {
  const schema = z.toJSONSchema(simulationConfigSchemaOf(candidateSchemaOf(map)), { io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'shadowdesk simulation config',
    description: 'Candidates to replay past tickets against, which tickets they answer, and an optional LLM judge.',
  };
}

/**
 * One key of the config as its JSON Schema says it, e.g. `selection.holdoutDays`: the help, type
 * and bounds a command-line flag standing for the key takes over, so the two cannot drift apart.
 */
export function configKeySchema(key: string): JsonSchemaNode {
  const [node] = jsonSchemaAt(SimulationConfigSchema, key.split('.'));
  if (!node) throw new Error(`the config has no key ${key}`);
  return node;
}

/**
 * A number given by a flag that stands for a config key, accepted exactly when the config would
 * accept it under that key: `--concurrency 300` is refused as `concurrency: 300` is.
 */
export function configFlagValue(key: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = value.trim() === '' ? Number.NaN : Number(value);
  // A config holding only this key: the key's own problems are the flag's, the rest (no candidates) are not.
  const config = key.split('.').reduceRight<unknown>((inner, part) => ({ [part]: inner }), number);
  const refused = SimulationConfigSchema.safeParse(config).error?.issues.some((issue) => issue.path.join('.') === key);
  if (refused) throw new ShadowdeskError('SD_INPUT_INVALID', `${flag} ${value}: expected ${_expected(configKeySchema(key))}`);
  return number;
}

const _SAFE = Number.MAX_SAFE_INTEGER;

/** "a whole number above 0, at most 256", from the schema's type and bounds. */
function _expected(node: JsonSchemaNode): string {
  const bounds = [
    node.exclusiveMinimum !== undefined && `above ${node.exclusiveMinimum}`,
    node.minimum !== undefined && node.minimum > -_SAFE && `at least ${node.minimum}`,
    node.maximum !== undefined && node.maximum < _SAFE && `at most ${node.maximum}`,
  ].filter(Boolean);
  return `${node.type === 'integer' ? 'a whole number' : 'a number'}${bounds.length > 0 ? ` ${bounds.join(', ')}` : ''}`;
}
