import { describe, expect, it } from 'vitest';
import { messageBody, num, splitTags, toIsoDate } from '../../datasets/normalize.ts';

describe('toIsoDate', () => {
  it('reads ISO timestamps with offsets and fractions', () => {
    expect(toIsoDate('2025-03-04T10:02:11.123456+00:00')).toBe('2025-03-04T10:02:11.123Z');
    expect(toIsoDate('2025-10-07 09:50:26 +0200')).toBe('2025-10-07T07:50:26.000Z');
    expect(toIsoDate('2025-10-07T09:50:26-05:00')).toBe('2025-10-07T14:50:26.000Z');
    expect(toIsoDate('2025-10-07')).toBe('2025-10-07T00:00:00.000Z');
  });

  it('reads the shapes most exports write as the general pattern does, calendar overflow included', () => {
    expect(toIsoDate('2025-10-07T09:50:26.123Z')).toBe('2025-10-07T09:50:26.123Z');
    expect(toIsoDate('2025-10-07T09:50:26Z')).toBe('2025-10-07T09:50:26.000Z');
    expect(toIsoDate('2025-10-07 09:50:26')).toBe('2025-10-07T09:50:26.000Z');
    expect(toIsoDate('2025-10-07T09:50:26.123')).toBe('2025-10-07T09:50:26.123Z');
    expect(toIsoDate(' 2024-02-29T23:59:59.999Z ')).toBe('2024-02-29T23:59:59.999Z');
    // Out-of-range times and days roll over as Date.UTC rolls them, as before.
    expect(toIsoDate('2025-10-07T24:00:00.000Z')).toBe('2025-10-08T00:00:00.000Z');
    expect(toIsoDate('2025-02-29T10:00:00.000Z')).toBe('2025-03-01T10:00:00.000Z');
    expect(toIsoDate('2025-13-07T09:50:26.123Z')).toBeUndefined();
    expect(toIsoDate('1969-12-31T23:59:59.000Z')).toBeUndefined();
  });

  it('reads fractions of any length and offsets as the general pattern does (Gorgias writes microseconds and +00:00)', () => {
    expect(toIsoDate('2024-11-01T02:08:15.586000+00:00')).toBe('2024-11-01T02:08:15.586Z');
    expect(toIsoDate('2025-10-07T23:50:26.5-02:30')).toBe('2025-10-08T02:20:26.500Z');
    expect(toIsoDate('2025-10-07 09:50:26+0200')).toBe('2025-10-07T07:50:26.000Z');
    // The general pattern also takes a comma before the fraction and a space before the offset,
    // which the shortcut leaves to it: written both ways, every date must read the same.
    let seed = 7;
    const next = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    const two = (value: number) => String(value).padStart(2, '0');
    const zones = ['Z', '+00:00', '-05:00', '+0530', '-1200', '+14:00', ''];
    for (let i = 0; i < 3000; i++) {
      const stamp = `${1970 + next(240)}-${two(next(14))}-${two(next(33))}${next(2) ? 'T' : ' '}${two(next(26))}:${two(next(61))}:${two(next(61))}`;
      const fraction = next(3) === 0 ? '' : String(next(10 ** 9)).padStart(9, '0').slice(0, 1 + next(9));
      const zone = zones[next(zones.length)]!;
      const fast = `${stamp}${fraction && `.${fraction}`}${zone}`;
      const general = `${stamp}${fraction && `,${fraction}`}${zone && ` ${zone}`}`;
      expect(toIsoDate(fast), fast).toBe(toIsoDate(general));
    }
  });

  it('applies the time zone to the common shape without an offset, never to one in UTC', () => {
    expect(toIsoDate('2025-07-15 10:00:00', { timeZone: 'Europe/Paris' })).toBe('2025-07-15T08:00:00.000Z');
    expect(toIsoDate('2025-07-15T10:00:00.000', { timeZone: 'Europe/Paris' })).toBe('2025-07-15T08:00:00.000Z');
    expect(toIsoDate('2025-07-15T10:00:00.000Z', { timeZone: 'Europe/Paris' })).toBe('2025-07-15T10:00:00.000Z');
  });

  it('reads day-first dates as France writes them, month-first on request', () => {
    expect(toIsoDate('03/04/2025 14:30')).toBe('2025-04-03T14:30:00.000Z');
    expect(toIsoDate('03/04/2025 14:30', { dayFirst: false })).toBe('2025-03-04T14:30:00.000Z');
    expect(toIsoDate('31/12/2025')).toBe('2025-12-31T00:00:00.000Z');
  });

  it('applies the time zone to timestamps without an offset, across daylight saving', () => {
    expect(toIsoDate('2025-01-15 10:00', { timeZone: 'Europe/Paris' })).toBe('2025-01-15T09:00:00.000Z');
    expect(toIsoDate('2025-07-15 10:00', { timeZone: 'Europe/Paris' })).toBe('2025-07-15T08:00:00.000Z');
  });

  it('reads epoch seconds and milliseconds', () => {
    expect(toIsoDate(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    expect(toIsoDate('1700000000000')).toBe('2023-11-14T22:13:20.000Z');
  });

  it('refuses what it cannot read with certainty', () => {
    for (const bad of ['', 'yesterday', '2025-13-01', '32/01/2025', null, undefined, {}, -5]) {
      expect(toIsoDate(bad)).toBeUndefined();
    }
  });
});

describe('small conversions', () => {
  it('splits tags from strings and Gorgias tag objects', () => {
    expect(splitTags('refund, urgent;vip')).toEqual(['refund', 'urgent', 'vip']);
    expect(splitTags([{ name: 'return' }, ' vip ', { id: 3 }])).toEqual(['return', 'vip']);
  });

  it('reads amounts in French and English notation', () => {
    expect(num('€12,50')).toBe(12.5);
    expect(num('1,234.50')).toBe(1234.5);
    expect(num('1.234,50')).toBe(1234.5);
    expect(num('n/a')).toBeUndefined();
  });
});

describe('messageBody', () => {
  it('prefers the helpdesk stripped text and keeps the raw HTML', () => {
    const warnings: string[] = [];
    const body = messageBody({ html: '<p>Hello</p><blockquote>old</blockquote>', text: 'Hello\n> old', stripped: 'Hello' }, 1000, warnings);
    expect(body).toEqual({ text: 'Hello', html: '<p>Hello</p><blockquote>old</blockquote>' });
    expect(warnings).toEqual([]);
  });

  it('cuts a huge body and says so', () => {
    const warnings: string[] = [];
    const body = messageBody({ text: 'a'.repeat(10 * 1024 * 1024) }, 100_000, warnings);
    expect(body.text).toHaveLength(100_000);
    expect(warnings).toEqual(['message body of 10,485,760 characters cut to 100,000']);
  });
});

describe('messageBody on untrusted exports', () => {
  it('keeps a number an export forgot to quote and leaves out an object or list, with a warning, instead of throwing', async () => {
    const { messageBody } = await import('../../datasets/normalize.ts');
    const warnings: string[] = [];
    expect(messageBody({ text: 0 }, 1000, warnings)).toEqual({ text: '0' });
    expect(messageBody({ html: {}, text: [0] }, 1000, warnings)).toEqual({ text: '' });
    expect(warnings).toEqual(['HTML body is not text (object) and was left out', 'message body is not text (a list) and was left out']);
  });
});
