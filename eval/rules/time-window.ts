/**
 * Business hours in an IANA time zone. Instants are converted to the zone's wall clock with
 * `Intl.DateTimeFormat`, so daylight-saving changes come from the platform's time-zone data and are
 * never computed by hand: 08:30 UTC is 09:30 in Paris in winter (inside 09:00–18:00) and 10:30 in
 * summer.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Business hours as a rules file writes them. */
export interface BusinessHours {
  /** IANA time zone, e.g. `Europe/Paris`. */
  zone: string;
  /** Opening ranges per weekday, `09:00-18:00` or a list of ranges; a day left out is closed. */
  hours: Partial<Record<Weekday, string[]>>;
  /** Local dates (`YYYY-MM-DD`) when the team is off all day. */
  holidays: string[];
}

/** The wall clock of an instant in a zone. */
export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
}

const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** A `HH:MM-HH:MM` range in minutes, or undefined when malformed or empty. */
export function parseRange(range: string): { start: number; end: number } | undefined {
  const match = RANGE.exec(range.replace(/\s+/g, ''));
  if (!match) return undefined;
  const start = Number(match[1]) * 60 + Number(match[2]);
  const end = Number(match[3]) * 60 + Number(match[4]);
  return end > start && end <= 24 * 60 ? { start, end } : undefined;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function localTime(instant: string | Date, zone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of _formatter(zone).formatToParts(typeof instant === 'string' ? new Date(instant) : instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: (parts.weekday ?? 'mon').toLowerCase().slice(0, 3) as Weekday,
    minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute),
  };
}

/** A predicate telling whether an instant falls inside the business hours. */
export function compileBusinessHours(hours: BusinessHours): (instant: string) => boolean {
  const ranges = new Map<Weekday, Array<{ start: number; end: number }>>();
  for (const day of WEEKDAYS) ranges.set(day, (hours.hours[day] ?? []).flatMap((range) => parseRange(range) ?? []));
  const holidays = new Set(hours.holidays);
  return (instant) => {
    const local = localTime(instant, hours.zone);
    if (holidays.has(local.date)) return false;
    return (ranges.get(local.weekday) ?? []).some((range) => local.minutes >= range.start && local.minutes < range.end);
  };
}

// --- internal ---

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function _formatter(zone: string): Intl.DateTimeFormat {
  let formatter = FORMATTERS.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    FORMATTERS.set(zone, formatter);
  }
  return formatter;
}
