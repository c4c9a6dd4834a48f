import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allowedValuesHint, nearest, unknownKeyHint } from '../../../eval/config/hints.ts';
import { SimulationConfigSchema } from '../../../eval/config/config.ts';

describe('nearest: the word a typo meant, or nothing', () => {
  it('finds the meant word from an English typo, a French accent or a changed case', () => {
    expect(nearest('concurency', ['concurrency', 'candidates'])).toBe('concurrency');
    expect(nearest('vérifié', ['contained', 'verified', 'confirmed'])).toBe('verified');
    expect(nearest('Échantillons', ['echantillon', 'seed'])).toBe('echantillon');
    expect(nearest('holdoutdays', ['holdoutDays', 'sample'])).toBe('holdoutDays');
    expect(nearest('--holdout', ['--holdout-days', '--seed'])).toBe('--holdout-days');
  });

  it('says nothing rather than guess a word far from what was written, in French or English', () => {
    expect(nearest('parallélisme', ['concurrency', 'candidates'])).toBeUndefined();
    expect(nearest('workers', ['concurrency', 'candidates'])).toBeUndefined();
  });
});

describe('fix hints from the schema a file was checked against', () => {
  it('names the nearest key at the place of the typo, through a union of candidate kinds', () => {
    expect(unknownKeyHint(SimulationConfigSchema, ['concurency'])).toBe('did you mean "concurrency"?');
    expect(unknownKeyHint(SimulationConfigSchema, ['candidates', 1, 'minConfidance'])).toBe('did you mean "minConfidence"?');
    expect(unknownKeyHint(SimulationConfigSchema, ['selection', 'échantillon'])).toBeUndefined();
    expect(unknownKeyHint(SimulationConfigSchema, ['decision', 'seuil'])).toBeUndefined();
  });

  it('reaches keys behind a reference of a recursive schema', () => {
    const Node: z.ZodType = z.lazy(() => z.strictObject({ label: z.string(), children: z.array(Node).optional() }));
    expect(unknownKeyHint(z.strictObject({ root: Node }), ['root', 'children', 0, 'lable'])).toBe('did you mean "label"?');
  });

  it('lists the allowed values, the meant one first when the written one is near', () => {
    expect(allowedValuesHint(['contained', 'verified', 'confirmed'], 'vérifié')).toBe('did you mean "verified"? allowed values: contained, verified, confirmed');
    expect(allowedValuesHint(['contained', 'verified', 'confirmed'], 'verifed')).toBe('did you mean "verified"? allowed values: contained, verified, confirmed');
    expect(allowedValuesHint(['contained', 'verified', 'confirmed'], 'lenient')).toBe('allowed values: contained, verified, confirmed');
    expect(allowedValuesHint(['contained', 'verified'], 3)).toBe('allowed values: contained, verified');
  });
});
