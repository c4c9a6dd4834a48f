import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ArgDef } from 'citty';
import simulateCommand, { CONFIG_FLAGS } from '../../../bin/commands/simulate.ts';
import { DECISION_ARGS } from '../../../bin/commands/_report-flags.ts';
import { parseConfig } from '../../../eval/config/config-file.ts';
import { configFlagValue, configJsonSchema, configKeySchema } from '../../../eval/config/config-schema.ts';
import { SimulationConfigSchema } from '../../../eval/config/config.ts';
import { builtinCandidates } from '../../../eval/responders/index.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { runCli } from '../../helpers/cli.ts';

const args = simulateCommand.args as Record<string, ArgDef>;
const tempDir = useTempDir();

/** Whether shadowdesk.yaml takes `value` under `key`, as a user would write it in the file. */
function configAccepts(key: string, value: string): boolean {
  const parts = key.split('.');
  const yaml = parts.map((part, depth) => `${'  '.repeat(depth)}${part}:${depth === parts.length - 1 ? ` ${JSON.stringify(value)}` : ''}`).join('\n');
  const typed = yaml.replace(/"(-?\d+(?:\.\d+)?)"$/, '$1');
  try {
    parseConfig(`candidates: [{type: macro}]\n${typed}\n`, 'shadowdesk.yaml', SimulationConfigSchema);
    return true;
  } catch {
    return false;
  }
}

/** Whether the flag standing for `key` takes `value`. */
function flagAccepts(key: string, value: string): boolean {
  try {
    configFlagValue(key, '--flag', value);
    return true;
  } catch {
    return false;
  }
}

describe('simulate flags that stand for a config key agree with the config schema', () => {
  it('names a key the config has, and takes its help from it', () => {
    for (const [flag, key] of Object.entries(CONFIG_FLAGS)) {
      const described = configKeySchema(key).description;
      expect(described, key).toBeTruthy();
      expect(args[flag]?.description, flag).toBe(described);
    }
    expect(() => configKeySchema('selection.holdout')).toThrow('the config has no key selection.holdout');
  });

  it('takes a value exactly when the file takes it under the key: English and French words, bounds, decimals', () => {
    const values = ['8', '1', '0', '-1', '2.5', '256', '300', 'eight', 'huit', '1,5'];
    for (const key of Object.values(CONFIG_FLAGS)) {
      for (const value of values) expect(flagAccepts(key, value), `${key} ${value}`).toBe(configAccepts(key, value));
    }
    // The file caps concurrency at 256; the flag once took any whole number.
    expect(() => configFlagValue('concurrency', '--concurrency', '300')).toThrow('--concurrency 300: expected a whole number above 0, at most 256');
    expect(() => configFlagValue('selection.holdoutDays', '--holdout-days', 'trente')).toThrow('--holdout-days trente: expected a whole number above 0');
    expect(() => configFlagValue('selection.seed', '--seed', 'abc')).toThrow('--seed abc: expected a whole number');
    expect(configFlagValue('selection.seed', '--seed', '-7')).toBe(-7);
  });

  it('offers as built-in candidates only kinds the config declares, and every one of them', () => {
    const schema = configJsonSchema() as { properties: { candidates: { items: { oneOf: Array<{ properties: { type: { const: string } } }> } } } };
    const kinds = schema.properties.candidates.items.oneOf.map((variant) => variant.properties.type.const);
    const offered = /comma-separated: (.+?) \(default: /.exec(args.candidates!.description!)![1]!.split(', ');
    expect(offered).toEqual(builtinCandidates());
    for (const name of offered) expect(kinds).toContain(name);
  });

  it('lists the decision strictness levels the config takes, and each decision flag has its key', () => {
    expect(configKeySchema('decision.strictness').enum).toEqual(['contained', 'verified', 'confirmed']);
    expect(DECISION_ARGS.strictness.description).toContain((configKeySchema('decision.strictness').enum as string[]).join(', ').replace(/, (\w+)$/, ' or $1'));
    for (const key of ['monthlyTickets', 'humanCostPerTicket', 'growth', 'threshold', 'pricing']) expect(() => configKeySchema(`decision.${key}`), key).not.toThrow();
  });

  it('refuses on the command line what the file refuses, with exit 2 and nothing replayed', async () => {
    const dir = await tempDir();
    const { code, stderr } = await runCli(['simulate', '--candidates', 'past-ticket', '--concurrency', '300', '--workspace', 'ws'], { cwd: dir });
    expect({ code, stderr }).toEqual({ code: 2, stderr: 'shadowdesk: --concurrency 300: expected a whole number above 0, at most 256\n' });
    expect(await readdir(dir)).toEqual([]);
  });
});
