import { cleanBody, looksLikeHtml } from './text/clean.ts';
import type { Message } from './records.ts';

/** Small, shared conversions every reader needs, so all formats normalize the same way. */

export interface DateOptions {
  /** `03/04/2025` is 3 April (day first, as in France) rather than 4 March. @default true */
  dayFirst?: boolean;
  /** IANA zone for timestamps that carry no offset. @default 'UTC' */
  timeZone?: string;
}

const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$/i;
const SLASHED = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function offsetMinutes(zone: string, utcMillis: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMillis));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - utcMillis) / 60_000);
}

function fromLocal(fields: number[], zone: string): number {
  const [year, month, day, hour = 0, minute = 0, second = 0, millis = 0] = fields as [number, number, number, ...number[]];
  const naive = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (zone === 'UTC') return naive;
  // Two passes settle the offset around daylight-saving changes.
  let utc = naive - offsetMinutes(zone, naive) * 60_000;
  utc = naive - offsetMinutes(zone, utc) * 60_000;
  return utc;
}

const MAX_MILLIS = Date.UTC(2201, 0, 1);

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 1970 && year <= 2200;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** The number in `text` from `start` to `end` when all of it is ASCII digits, else -1. */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let at = start; at < end; at++) {
    const digit = text.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The shapes most exports write, read without the general pattern (a third of an import's date
 * work; Gorgias writes microseconds and an offset, `…15.586000+00:00`):
 * `2025-10-07T09:50:26` or with a space, a fraction of any length, then `Z`, `+02:00`, `-0500`
 * or, in UTC, nothing. Undefined leaves the text to the general pattern, which gives the same
 * result for every text read here.
 */
function commonIsoDate(text: string, zone: string): string | undefined {
  const length = text.length;
  if (length < 19) return undefined;
  const separator = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (separator !== 84 && separator !== 32)) return undefined;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  let fractionEnd = 19;
  if (text.charCodeAt(19) === 46) {
    fractionEnd = 20;
    while (fractionEnd < length && digitsAt(text, fractionEnd, fractionEnd + 1) >= 0) fractionEnd++;
    if (fractionEnd === 20) return undefined;
  }
  const offset = zoneOffsetMinutes(text, fractionEnd);
  if (offset === undefined) return undefined;
  const zulu = offset === 0 && fractionEnd === length - 1;
  if (fractionEnd === length && zone !== 'UTC') return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  const fractionDigits = fractionEnd - 20;
  // As the general pattern reads a fraction, so that the two agree to the millisecond.
  const millis = fractionDigits === 3 ? digitsAt(text, 20, 23) : fractionDigits > 0 ? Math.floor(Number(`0.${text.slice(20, fractionEnd)}`) * 1000) : 0;
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || millis < 0) return undefined;
  if (!validDate(year, month, day)) return undefined;
  // Already the string toISOString would give back: no Date to build.
  if (zulu && fractionDigits === 3 && separator === 84 && hour <= 23 && minute <= 59 && second <= 59 && day <= daysInMonth(year, month)) return text;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000).toISOString();
}

/** The offset ending `text` from `at` in minutes east of UTC: none or `Z` is 0, then `±HH:MM` or `±HHMM`; undefined for anything else. */
function zoneOffsetMinutes(text: string, at: number): number | undefined {
  const rest = text.length - at;
  if (rest === 0) return 0;
  if (rest === 1) return text.charCodeAt(at) === 90 ? 0 : undefined; // Z
  const sign = text.charCodeAt(at) === 43 ? 1 : text.charCodeAt(at) === 45 ? -1 : 0; // + or -
  if (sign === 0 || (rest !== 5 && (rest !== 6 || text.charCodeAt(at + 3) !== 58))) return undefined;
  const hours = digitsAt(text, at + 1, at + 3);
  const minutes = digitsAt(text, text.length - 2, text.length);
  return hours < 0 || minutes < 0 ? undefined : sign * (hours * 60 + minutes);
}

/**
 * Parses the timestamps exports contain (ISO 8601, `2025-10-07 09:50:26 +0200` from Shopify,
 * `24/11/2025 14:30` from Excel, epoch seconds or milliseconds) into an ISO string in UTC.
 * Returns undefined for anything it cannot read with certainty.
 */
export function toIsoDate(value: unknown, options: DateOptions = {}): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    const millis = value < 1e11 ? value * 1000 : value;
    // Epochs past the year 2200 are a corrupt field, not a date (and beyond ±8.64e15 not even a Date).
    return millis < MAX_MILLIS ? new Date(millis).toISOString() : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const zone = options.timeZone ?? 'UTC';
  const common = commonIsoDate(text, zone);
  if (common !== undefined) return common;
  if (/^\d{9,13}$/.test(text)) return toIsoDate(Number(text), options);

  const iso = ISO_LIKE.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, offset] = iso;
    const fields = [y, mo, d, h, mi, s].map((part) => Number(part ?? 0));
    if (!validDate(fields[0]!, fields[1]!, fields[2]!)) return undefined;
    const millis = frac ? Number(`0.${frac}`) * 1000 : 0;
    if (!offset) return new Date(fromLocal([...fields, Math.floor(millis)], zone)).toISOString();
    const naive = Date.UTC(fields[0]!, fields[1]! - 1, fields[2]!, fields[3]!, fields[4]!, fields[5]!, Math.floor(millis));
    const upper = offset.toUpperCase();
    if (upper === 'Z' || upper === 'UTC' || upper === 'GMT') return new Date(naive).toISOString();
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    return new Date(naive - sign * minutes * 60_000).toISOString();
  }

  const slashed = SLASHED.exec(text);
  if (slashed) {
    const [, a, b, y, h, mi, s] = slashed;
    const dayFirst = options.dayFirst ?? true;
    const day = Number(dayFirst ? a : b);
    const month = Number(dayFirst ? b : a);
    if (!validDate(Number(y), month, day)) return undefined;
    return new Date(fromLocal([Number(y), month, day, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)], zone)).toISOString();
  }
  return undefined;
}

/** Splits a tag cell such as `refund, urgent` or `refund;urgent` into clean tags. */
export function splitTags(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value
      .map((tag) => (typeof tag === 'string' ? tag : typeof tag === 'object' && tag && 'name' in tag ? String(tag.name) : ''))
      .map((tag) => tag.trim())
      .filter(Boolean);
  }
  if (typeof value !== 'string') return [];
  // Most cells hold one tag or none: no list to split, map and filter for them.
  if (!value.includes(',') && !value.includes(';') && !value.includes('|')) {
    const tag = value.trim();
    return tag === '' ? [] : [tag];
  }
  return value
    .split(/[,;|]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** A JSON object (not null, not an array): what a record or its fields must be before they are read. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, trimmed, or undefined when empty. */
export function str(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** A number from `12.50`, `12,50` or `€12.50`; undefined when there is none. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = str(value);
  if (!text) return undefined;
  const cleaned = text.replace(/[^\d,.-]/g, '');
  const normalized = /,\d{1,2}$/.test(cleaned) ? cleaned.replace(/\./g, '').replace(',', '.') : cleaned.replace(/,/g, '');
  const parsed = Number(normalized);
  return normalized === '' || Number.isNaN(parsed) ? undefined : parsed;
}

/** Body fields as an export gives them: usually strings, but an export is untrusted input. */
export interface BodyInput {
  html?: unknown;
  text?: unknown;
  /** Text with history and signature already removed by the helpdesk (Gorgias `stripped_text`). */
  stripped?: unknown;
}

/** One body field as text, cut to `maxChars`; undefined when absent, blank or not text (with a warning then). */
function bodyField(raw: unknown, what: string, maxChars: number, warnings: string[]): string | undefined {
  // A number is text an export forgot to quote; an object or array is not a body at all.
  const value = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
  if (raw !== undefined && raw !== null && value === undefined) warnings.push(`${what} is not text (${Array.isArray(raw) ? 'a list' : typeof raw}) and was left out`);
  if (value === undefined || value.trim() === '') return undefined;
  if (value.length <= maxChars) return value;
  warnings.push(`${what} of ${value.length.toLocaleString('en-US')} characters cut to ${maxChars.toLocaleString('en-US')}`);
  return value.slice(0, maxChars);
}

/**
 * Builds the text/html pair of a message: prefers a helpdesk's own stripped text, else cleans the
 * HTML or plain body. Bodies longer than `maxChars` are cut (a pasted attachment, a mail loop)
 * and a warning says so, so the record is kept and the user knows.
 */
export function messageBody(
  input: BodyInput,
  maxChars: number,
  warnings: string[],
): Pick<Message, 'text' | 'html'> {
  const html = bodyField(input.html, 'HTML body', maxChars, warnings);
  const plain = bodyField(input.text, 'message body', maxChars, warnings);
  const stripped = bodyField(input.stripped, 'message body', maxChars, warnings);
  const source = stripped ?? plain ?? html ?? '';
  const text = stripped !== undefined ? cleanBody(stripped) : cleanBody(source);
  const result: Pick<Message, 'text' | 'html'> = { text };
  if (html !== undefined) result.html = html;
  else if (plain !== undefined && looksLikeHtml(plain)) result.html = plain;
  return result;
}
