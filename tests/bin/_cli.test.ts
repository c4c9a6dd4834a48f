import { describe, expect, it } from 'vitest';
import { isShare, maxErrorRateFlag, numberFlag } from '../../bin/_cli.ts';

describe('numberFlag: one reader for every number and percentage flag', () => {
  it('reads a share or a percentage, with or without a space before %', () => {
    expect(['0.05', '5%', ' 2.5 % ', '0', '.5', '100%'].map((text) => maxErrorRateFlag(text))).toEqual([0.05, 0.05, 0.025, 0, 0.5, 1]);
    expect(numberFlag('-2%', '--growth', (number) => number > -1, 'a monthly share above -100%')).toBe(-0.02);
    expect(numberFlag('4.5', '--human-cost', (number) => number >= 0, 'an amount ≥ 0')).toBe(4.5);
    expect(maxErrorRateFlag(undefined)).toBeUndefined();
  });

  it('refuses English words, French decimal commas and what a person would not type, naming the flag', () => {
    for (const text of ['five', 'cinq', '2,5 %', '5', '150%', '-1', '', ' ', '0.05.1', '1e-2', '0x1', '%']) {
      expect(() => maxErrorRateFlag(text), text).toThrow(`--max-error-rate ${text}: expected a share of answers such as 0.05, or a percentage such as 5%`);
    }
  });

  it('checks bounds after reading the percentage', () => {
    expect(() => numberFlag('-100%', '--growth', (number) => number > -1, 'a monthly share above -100%')).toThrow('--growth -100%: expected a monthly share above -100%');
    expect(isShare(1)).toBe(true);
    expect(isShare(1.01)).toBe(false);
  });
});
