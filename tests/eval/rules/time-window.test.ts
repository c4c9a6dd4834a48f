import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../../../eval/rules/simulate.ts';
import { parseRules } from '../../../eval/rules/schema.ts';
import { compileBusinessHours, localTime, WEEKDAYS } from '../../../eval/rules/time-window.ts';
import { ticket } from './_tickets.ts';

const everyDay = (range: string) => Object.fromEntries(WEEKDAYS.map((day) => [day, [range]]));
const paris = { zone: 'Europe/Paris', hours: everyDay('09:00-18:00'), holidays: ['2025-12-25'] };

describe('business hours in a time zone', () => {
  it('converts with the zone rules, across the spring and autumn changes', () => {
    expect(localTime('2025-03-30T00:59:00Z', 'Europe/Paris')).toEqual({ date: '2025-03-30', weekday: 'sun', minutes: 1 * 60 + 59 });
    expect(localTime('2025-03-30T01:00:00Z', 'Europe/Paris')).toEqual({ date: '2025-03-30', weekday: 'sun', minutes: 3 * 60 });
    expect(localTime('2025-10-26T00:30:00Z', 'Europe/Paris')).toMatchObject({ minutes: 2 * 60 + 30 });
    expect(localTime('2025-10-26T01:30:00Z', 'Europe/Paris')).toMatchObject({ minutes: 2 * 60 + 30 });
    expect(localTime('2025-01-06T23:30:00Z', 'America/New_York')).toEqual({ date: '2025-01-06', weekday: 'mon', minutes: 18 * 60 + 30 });
  });

  it('the same UTC time is outside hours before the spring change and inside after it', () => {
    const inside = compileBusinessHours(paris);
    // 07:30 UTC is 08:30 in Paris in winter (UTC+1), 09:30 in summer (UTC+2).
    expect(inside('2025-03-29T07:30:00Z')).toBe(false);
    expect(inside('2025-03-30T07:30:00Z')).toBe(true);
    expect(inside('2025-03-31T07:30:00Z')).toBe(true);
  });

  it('and inside before the autumn change, outside after it', () => {
    const inside = compileBusinessHours(paris);
    expect(inside('2025-10-25T07:30:00Z')).toBe(true);
    expect(inside('2025-10-26T07:30:00Z')).toBe(false);
    expect(inside('2025-10-27T07:30:00Z')).toBe(false);
    // The evening end moves the other way: 16:30 UTC is 18:30 in summer, 17:30 in winter.
    expect(inside('2025-10-25T16:30:00Z')).toBe(false);
    expect(inside('2025-10-27T16:30:00Z')).toBe(true);
  });

  it('is closed on holidays, by the local date', () => {
    const inside = compileBusinessHours({ ...paris, hours: everyDay('00:00-24:00') });
    expect(inside('2025-12-24T22:30:00Z')).toBe(true); // 23:30 on the 24th in Paris
    expect(inside('2025-12-24T23:30:00Z')).toBe(false); // 00:30 on the 25th
    expect(inside('2025-12-25T12:00:00Z')).toBe(false);
    expect(inside('2025-12-25T23:30:00Z')).toBe(true); // 00:30 on the 26th
  });

  it('closed days and several ranges a day', () => {
    const inside = compileBusinessHours({ zone: 'Europe/Paris', hours: { mon: ['09:00-12:00', '14:00-18:00'] }, holidays: [] });
    expect(inside('2025-01-06T09:00:00Z')).toBe(true); // Monday 10:00
    expect(inside('2025-01-06T12:30:00Z')).toBe(false); // Monday 13:30, lunch
    expect(inside('2025-01-07T09:00:00Z')).toBe(false); // Tuesday: closed
  });

  it('drives an out-of-hours rule through the engine on both sides of each change', () => {
    const rules = parseRules(
      [
        'rules:',
        '  - name: out of hours',
        '    trigger: ticket-created',
        '    conditions:',
        '      time:',
        '        zone: Europe/Paris',
        '        hours: { mon: 09:00-18:00, tue: 09:00-18:00, wed: 09:00-18:00, thu: 09:00-18:00, fri: 09:00-18:00, sat: 09:00-18:00, sun: 09:00-18:00 }',
        '        holidays: [2025-12-25]',
        '        during: outside',
        '    actions:',
        '      autoReply: { template: "Bonjour {{ticket.customer.firstname}}" }',
      ].join('\n'),
      'rules.yaml',
    );
    const tickets = [
      ticket('winter', '2025-03-29T07:30:00Z', 'bonjour'),
      ticket('summer', '2025-03-30T07:30:00Z', 'bonjour'),
      ticket('late-summer', '2025-10-25T07:30:00Z', 'bonjour'),
      ticket('late-winter', '2025-10-26T07:30:00Z', 'bonjour'),
      ticket('christmas', '2025-12-25T10:00:00Z', 'bonjour'),
    ];
    const { outcomes } = evaluateRules(tickets, rules);
    const replied = outcomes.filter((outcome) => outcome.autoReplies.length > 0).map((outcome) => outcome.ticketId);
    expect(replied).toEqual(['winter', 'late-winter', 'christmas']);
  });
});
