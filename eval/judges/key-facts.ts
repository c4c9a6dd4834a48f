/**
 * Key-facts judge: deterministic, no LLM. Extracts the checkable facts (amounts, durations, percentages,
 * dates, order and tracking numbers, URLs, e-mails, product names) from the human agent's reply and from
 * the AI's answer, normalises them across French and English, and compares them.
 *
 * Every regex runs on a folded copy of the text (lowercase, accents stripped, same length) so offsets map
 * back to the original for `Fact.text`; each pattern starts behind a lookbehind so it is tried once per
 * token, keeping matching linear.
 */

import { optionsKey, textReader } from './recent.ts';
import type { JudgeScore } from './types.ts';
import { escapeRegExp } from '../../datasets/text/patterns.ts';
import { mayHoldMatch } from './literals.ts';
import { matchesOf } from './matches.ts';

export type FactSlot = 'amount' | 'duration' | 'percent' | 'date' | 'order' | 'tracking' | 'url' | 'email' | 'product';

export interface Fact {
  slot: FactSlot;
  /** Normalised, comparable value (e.g. "14 days", "29.90 EUR", "2024-03-12"). */
  value: string;
  /** The span as written. */
  text: string;
}

export interface FactOptions {
  /** Catalogue product names, matched case- and accent-insensitively on word boundaries. */
  products?: readonly string[];
  /** Language of the text ("fr", "en-GB"…); decides day/month order of numeric dates. Guessed when absent. */
  language?: string;
}

export interface FactComparison {
  reference: Fact[];
  answer: Fact[];
  matched: Fact[];
  missing: Fact[];
  extra: Fact[];
  conflicts: Array<{ slot: FactSlot; reference: string[]; answer: string[] }>;
  /** Share of reference facts found in the answer; null when the reference has no facts. */
  recall: number | null;
}


/** Slots where a differing value makes the answer wrong, whatever else matches. */
const BLOCKING_SLOTS: ReadonlySet<FactSlot> = new Set(['amount', 'duration', 'percent', 'date', 'order', 'tracking']);

// ---------------------------------------------------------------------------------------------------------
// Folding

/** Each UTF-16 unit's folded unit, worked out the first time it is met (0: not yet). */
const foldedUnits = new Uint16Array(0x10000);

function foldUnit(code: number): number {
  let folded = foldedUnits[code]!;
  if (folded === 0) {
    const ch = String.fromCharCode(code);
    const stripped = ch.toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '');
    // Offsets must survive folding, so anything that does not fold to exactly one unit stays as is.
    folded = stripped.length === 1 ? stripped.charCodeAt(0) : code;
    foldedUnits[code] = folded;
  }
  return folded;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Lowercase, accents stripped, one unit per unit so offsets in the folded text still map. Only capitals
 * and units past ASCII can change, one code point at a time, so a surrogate pair stays whole; a text
 * with nothing to fold is returned as it is. Judging folds every text and every token several times,
 * so this is a loop over units rather than a replace calling back for each capital and accent.
 */
export function fold(text: string): string {
  let folded = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x41 || (code > 0x5a && code < 0x80)) continue;
    if (isHighSurrogate(code) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    const unit = code <= 0x5a ? code + 0x20 : foldUnit(code);
    if (unit === code) continue;
    folded += text.slice(copied, i) + String.fromCharCode(unit);
    copied = i + 1;
  }
  return copied === 0 ? text : folded + text.slice(copied);
}

// ---------------------------------------------------------------------------------------------------------
// Number words

const FR_UNITS = ['zero', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze', 'treize', 'quatorze', 'quinze', 'seize', 'dix-sept', 'dix-huit', 'dix-neuf'];
const EN_UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const FR_TENS = ['vingt', 'trente', 'quarante', 'cinquante', 'soixante'];
const EN_TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** Folded number words, hyphen-joined, to their value (1990 spelling reform: spaces or hyphens). */
const NUMBER_WORDS: ReadonlyMap<string, number> = (() => {
  const words = new Map<string, number>();
  FR_UNITS.forEach((word, n) => words.set(word, n));
  EN_UNITS.forEach((word, n) => words.set(word, n));
  words.set('une', 1);
  FR_TENS.forEach((tens, i) => {
    const base = 20 + 10 * i;
    words.set(tens, base);
    words.set(`${tens}-et-un`, base + 1);
    words.set(`${tens}-et-une`, base + 1);
    for (let u = 2; u <= 9; u++) words.set(`${tens}-${FR_UNITS[u]}`, base + u);
  });
  for (let u = 10; u <= 19; u++) words.set(`soixante-${u === 11 ? 'et-onze' : FR_UNITS[u]}`, 60 + u);
  words.set('quatre-vingts', 80);
  words.set('quatre-vingt', 80);
  for (let u = 1; u <= 19; u++) words.set(`quatre-vingt-${FR_UNITS[u]}`, 80 + u);
  words.set('cent', 100);
  EN_TENS.forEach((tens, i) => {
    const base = 20 + 10 * i;
    words.set(tens, base);
    for (let u = 1; u <= 9; u++) words.set(`${tens}-${EN_UNITS[u]}`, base + u);
  });
  words.set('one-hundred', 100);
  words.set('hundred', 100);
  return words;
})();

interface TrieNode {
  /** A whole number word ends here. */
  word: boolean;
  next: Map<string, TrieNode>;
}

/**
 * The number words as a trie-shaped pattern ("quatre(?:[-\s]+vingt(?:…)?)?"): a position is turned down
 * on its first letters instead of against each of the 300 words in turn. Branches start with different
 * characters, so at most one can go on, and an optional branch is tried before the word ending there:
 * the longer word is tried first, as in an alternation sorted longest first; the matches are the same.
 * The words are letters and hyphens only, so none needs escaping.
 */
function trieSource(words: Iterable<string>): string {
  const root: TrieNode = { word: false, next: new Map() };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let child = node.next.get(ch);
      if (!child) {
        child = { word: false, next: new Map() };
        node.next.set(ch, child);
      }
      node = child;
    }
    node.word = true;
  }
  const source = (node: TrieNode): string => {
    const branches = [...node.next].map(([ch, child]) => `${ch === '-' ? '[-\\s]+' : ch}${source(child)}`);
    if (branches.length === 0) return '';
    const either = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
    return node.word ? `(?:${either})?` : either;
  };
  return source(root);
}

const NUMBER_WORDS_RE = trieSource(NUMBER_WORDS.keys());

function numberValue(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  if (token === 'a' || token === 'an') return 1;
  return NUMBER_WORDS.get(token.replace(/[-\s]+/g, '-'));
}

// ---------------------------------------------------------------------------------------------------------
// Patterns (all on folded text)

const NOT_LETTER_BEFORE = '(?<![\\p{L}\\d])';
const NOT_LETTER_AFTER = '(?![\\p{L}\\d])';

const MONTHS: ReadonlyMap<string, number> = new Map([
  ...['janvier', 'janv', 'jan', 'january'].map((m) => [m, 1] as const),
  ...['fevrier', 'fevr', 'fev', 'feb', 'february'].map((m) => [m, 2] as const),
  ...['mars', 'mar', 'march'].map((m) => [m, 3] as const),
  ...['avril', 'avr', 'apr', 'april'].map((m) => [m, 4] as const),
  ...['mai', 'may'].map((m) => [m, 5] as const),
  ...['juin', 'jun', 'june'].map((m) => [m, 6] as const),
  ...['juillet', 'juil', 'jul', 'july'].map((m) => [m, 7] as const),
  ...['aout', 'aug', 'august'].map((m) => [m, 8] as const),
  ...['septembre', 'sept', 'sep', 'september'].map((m) => [m, 9] as const),
  ...['octobre', 'oct', 'october'].map((m) => [m, 10] as const),
  ...['novembre', 'nov', 'november'].map((m) => [m, 11] as const),
  ...['decembre', 'dec', 'december'].map((m) => [m, 12] as const),
]);
const MONTHS_RE = [...MONTHS.keys()].sort((a, b) => b.length - a.length).join('|');

const URL_RE = /(?<![\w@/])(?:https?:\/\/|www\.)[^\s<>"]+/gu;
const EMAIL_RE = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu;

const ISO_DATE_RE = /(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d])/gu;
const NUMERIC_DATE_RE = /(?<![\d/.,])(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d/]|[.,]\d)/gu;
const SHORT_DATE_RE = /(?<![\d/.,])(\d{1,2})\/(\d{1,2})(?![\d/]|[.,]\d)/gu;
/**
 * A tweet thread's counter where the tweet ends ("… 1/2", "^Roopa 2/2", "(1/3)"): which part this is,
 * not a date. A short date there is introduced ("on 3/12", "le 3/12", "date: 3/12") and stays one.
 */
const THREAD_COUNTER_RE = /(?<![\p{L}\d/.,:])(?<!(?:(?<![\p{L}])(?:on|by|until|before|after|from|since|le|du|au|avant|apres|depuis|jusqu'au|des)|:)\s{0,3})\(?(\d{1,2})\/(\d{1,2})\)?\s{0,10}$/gu;
const DAY_MONTH_RE = new RegExp(`${NOT_LETTER_BEFORE}(\\d{1,2})(?:er|st|nd|rd|th)?\\s+(?:of\\s+)?(${MONTHS_RE})(?![\\p{L}])(?:\\.?,?\\s+(\\d{4})(?!\\d))?`, 'gu');
const MONTH_DAY_RE = new RegExp(`${NOT_LETTER_BEFORE}(${MONTHS_RE})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?![\\p{L}\\d])(?:,?\\s+(\\d{4})(?!\\d))?`, 'gu');

/** Spans that look like numbers but are never facts: availability, clock times, phone numbers. Each holds a digit. */
const NOISE_RES = [
  /(?<![\d])(?:24\s?h?\s?\/\s?24|7\s?j?\s?\/\s?7|24\s?\/\s?7)(?![\d])/gu,
  /(?<![\d])\d{1,2}\s?h\s?(?:-|–|a|to)\s?\d{1,2}\s?h(?:\d{2})?(?![\p{L}\d])/gu,
  /(?<![\d])\d{1,2}\s?[h:]\s?\d{2}(?![\d])/gu,
  /(?<![\d])\d{1,2}(?::\d{2})?\s?(?:am|pm)(?![\p{L}])/gu,
  /(?<!\d\s*)(?<![\p{L}])(?:a|avant|apres|vers|des|jusqu'a|at|before|after|by|until)\s+\d{1,2}\s?h(?![\p{L}\d])/gu,
  /(?<![\p{L}\d+])(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?![\p{L}\d])/gu,
  /(?<![\d+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)/gu,
  /(?<!\d)\(\d{3}\)\s?\d{3}-\d{4}(?!\d)/gu,
  // Availability ("24 hours a day, 7 days a week", "5 jours sur 7") says when, not how long.
  /(?<![\p{L}\d])\d{1,2}\s?(?:hours?|hrs?|h|days?|jours?|j)\s{1,3}(?:an?|per|par|sur)\s{1,3}(?:day|week|jour|semaine|7|24)(?![\p{L}\d])/gu,
];
/** Words that name no delay either, read after the noise above; they hold no digit. */
const WORDED_NOISE_RES = [
  // Frequencies: the "a day" of "twice a day" is not a one-day delay.
  /(?<![\p{L}])(?:once|twice|times|fois)\s{1,3}(?:an?|per|par)\s{1,3}(?:day|week|month|year|jour|semaine|mois|an)(?![\p{L}])/gu,
  // French idioms with "jour" that name no delay: "d'un jour à l'autre", "un jour ou l'autre", "à un jour près".
  /(?<![\p{L}])(?:d['’]un\s{1,3}jour\s{1,3}a\s{1,3}l['’]autre|un\s{1,3}jour\s{1,3}ou\s{1,3}l['’]autre|a\s{1,3}un\s{1,3}jour\s{1,3}pres)(?![\p{L}])/gu,
];

const ORDER_HASH_RE = /(?<![\w&])#\s?([a-z0-9][a-z0-9-]*)/gu;
/**
 * "order 1234", "order with the number 1234", "purchase 1234", "numéro de commande 1234", "achat n° 1234";
 * never a sum ("a purchase of 300 dollars" is an amount).
 */
const ORDER_WORD_RE =
  /(?<![\p{L}])(?:(?:commande|order|purchase|achat)(?:\s+(?:with\s+(?:the\s+)?|avec\s+le\s+)?(?:number|numero|num\.?|n°|nº|no\.?|nr\.?|id)(?![\p{L}]))?|(?:n°|nº|numero|number)\s+(?:de\s+)?(?:commande|d'achat))\s*:?\s*#?\s?([a-z0-9][a-z0-9-]*)(?![a-z0-9-])(?!\s?(?:€|\$|£|eur|euros?|usd|dollars?|gbp|pounds?|chf)(?![\p{L}]))/gu;
/** Digits a tracking number holds at least, an order number, and an ISO date ("2024-03-12"), the most. */
const TRACKING_DIGITS = 6;
const ORDER_DIGITS = 3;
const ISO_DATE_DIGITS = 8;
/**
 * Not right after an `@`: a tweet's @HELPME62164554 is a handle, not a parcel. A match is a whole run of
 * letters and digits, so the lookahead only lets through the runs holding the digits a tracking number
 * needs, where every long word was matched to be turned down.
 */
const TRACKING_RE = new RegExp(`(?<![a-z0-9@])(?=(?:[a-z]*[0-9]){${TRACKING_DIGITS}})[a-z0-9]{8,30}(?![a-z0-9])`, 'gu');

/** How many ASCII digits (what `\d` reads) the text holds, counted up to `enough`. */
function asciiDigits(text: string, enough: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count < enough; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) count++;
  }
  return count;
}

const DURATION_NUM = `\\d+|${NUMBER_WORDS_RE}|an?`;
/** A number with no article: the only kind that can restate a number in brackets or end a range after the unit. */
const SPELLED_NUM = `\\d+|${NUMBER_WORDS_RE}`;
const DURATION_UNIT = 'jours?|journees?|days?|j|semaines?|weeks?|fortnights?|mois|months?|annees?|ans?|years?|heures?|hours?|hrs?|h|minutes?|mins?';
/**
 * "30 days", "30-day", "thirty (30) days", "3 à 5 jours", "14 jours ouvrés", "30 calendar days" and
 * "a day or two" (a range closed after the unit, unless that number has a unit of its own).
 */
const DURATION_RE = new RegExp(
  `${NOT_LETTER_BEFORE.replace(']', '.,]')}(?<from>${DURATION_NUM})(?:\\s*\\(\\s*(?<restated>${SPELLED_NUM})\\s*\\))?` +
    `(?:\\s*(?:-|–|a|to|ou|or|et|and)\\s*(?<to>${DURATION_NUM}))?\\s{0,3}-?\\s{0,3}(?:(?<business>business|working)\\s+|calendar\\s+)?` +
    `(?<unit>${DURATION_UNIT})(?![\\p{L}'’])(?:\\s+(?<ouvres>ouvres?|ouvrees?|ouvrables?))?` +
    `(?:\\s+(?:ou|or)\\s+(?<upTo>${SPELLED_NUM})(?![\\p{L}\\d])(?!\\s{0,3}-?\\s{0,3}(?:business\\s+|working\\s+)?(?:${DURATION_UNIT})(?![\\p{L}])))?`,
  'gu',
);
const PERCENT_RE = new RegExp(`${NOT_LETTER_BEFORE.replace(']', '.,]')}(\\d+(?:[.,]\\d+)?|${NUMBER_WORDS_RE})\\s*(?:%|pour\\s?cents?|pourcents?|percent|per\\s+cent)`, 'gu');

const AMOUNT_NUM = `\\d{1,3}(?:[ \\u00a0\\u202f.,']\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?`;
const CURRENCY_BEFORE = '€|\\$|£|eur|usd|gbp|chf';
const CURRENCY_AFTER = '€|\\$|£|euros?|eur|usd|gbp|chf|dollars?|pounds?';
const AMOUNT_SPLIT_EURO_RE = /(?<![\d.,])(\d+)\s?€\s?(\d{2})(?!\d)/gu;
const AMOUNT_PREFIX_RE = new RegExp(`(?<![\\p{L}\\d])(${CURRENCY_BEFORE})\\s?(${AMOUNT_NUM})(?!\\d)`, 'gu');
const AMOUNT_SUFFIX_RE = new RegExp(`(?<![\\d.,])(${AMOUNT_NUM})\\s?(${CURRENCY_AFTER})(?![\\p{L}])`, 'gu');

function currencyCode(token: string): string {
  if (token === '$' || token === 'usd' || token.startsWith('dollar')) return 'USD';
  if (token === '£' || token === 'gbp' || token.startsWith('pound')) return 'GBP';
  if (token === 'chf') return 'CHF';
  return 'EUR';
}

/** "1 234,56" → 1234.56; a last separator followed by 1–2 digits is the decimal mark, others group thousands. */
function parseAmount(raw: string): number {
  const compact = raw.replace(/[ \u00a0\u202f']/g, '');
  const match = /[.,](\d{1,2})$/.exec(compact);
  const whole = (match ? compact.slice(0, match.index) : compact).replace(/[.,]/g, '');
  return Number(`${whole}.${match?.[1] ?? '0'}`);
}

// ---------------------------------------------------------------------------------------------------------
// Language

const FR_WORDS = /(?<![\p{L}])(?:le|la|les|vous|votre|vos|nous|est|des|du|pour|avec|sous|jours|commande|bonjour|merci|livraison)(?![\p{L}])/gu;
const EN_WORDS = /(?<![\p{L}])(?:the|you|your|we|is|are|for|with|within|days|order|hello|hi|thanks|thank|delivery)(?![\p{L}])/gu;

function isFrench(folded: string, language: string | undefined): boolean {
  if (language) return language.toLowerCase().startsWith('fr');
  return (folded.match(FR_WORDS)?.length ?? 0) > (folded.match(EN_WORDS)?.length ?? 0);
}

// ---------------------------------------------------------------------------------------------------------
// Extraction

const pad = (n: number) => String(n).padStart(2, '0');

function isoDate(year: number | undefined, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  // Without a year, 29 February stays possible.
  const daysInMonth = new Date(Date.UTC(year ?? 2024, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return year === undefined ? `--${pad(month)}-${pad(day)}` : `${year}-${pad(month)}-${pad(day)}`;
}

function fullYear(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  return raw.length === 2 ? 2000 + Number(raw) : Number(raw);
}

function numericDate(first: number, second: number, year: number | undefined, dayFirst: boolean): string | undefined {
  const [day, month] = dayFirst ? [first, second] : [second, first];
  return isoDate(year, month, day) ?? isoDate(year, day, month);
}

function formatNumber(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function durationValue(from: number, to: number | undefined, unit: string, business: boolean): string {
  let factor = 1;
  let canonical: string;
  if (unit.startsWith('semaine') || unit.startsWith('week')) {
    factor = 7;
    canonical = 'day';
  } else if (unit.startsWith('fortnight')) {
    factor = 14;
    canonical = 'day';
  } else if (unit === 'mois' || unit.startsWith('month')) canonical = 'month';
  else if (unit.startsWith('an') || unit.startsWith('year')) {
    factor = 12;
    canonical = 'month';
  } else if (unit.startsWith('h')) canonical = 'hour';
  else if (unit.startsWith('min')) canonical = 'minute';
  else canonical = 'day';
  let low = from * factor;
  let high = to === undefined ? undefined : to * factor;
  // "48h" and "2 jours" state the same delay; hours only stay hours when they are not whole days.
  if (canonical === 'hour' && !business && low % 24 === 0 && (high === undefined || high % 24 === 0)) {
    low /= 24;
    high = high === undefined ? undefined : high / 24;
    canonical = 'day';
  }
  const amount = high === undefined || high === low ? formatNumber(low) : `${formatNumber(low)}-${formatNumber(high)}`;
  const plural = high !== undefined || low !== 1;
  return `${amount} ${business && canonical === 'day' ? 'business ' : ''}${canonical}${plural ? 's' : ''}`;
}

function normalizeUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw.startsWith('www.') ? `https://${raw}` : raw);
    const path = url.pathname.replace(/\/+$/, '');
    return `${url.protocol}//${url.host}${path}${url.search}${url.hash}`;
  } catch {
    return undefined;
  }
}

interface ProductName {
  /** Its folded words, each of which a mention holds as written. */
  words: string[];
  pattern: RegExp;
}

/**
 * A catalogue name on word boundaries in folded text, compiled once per product: a run extracts facts from
 * thousands of texts against the same catalogue (the entities judge reads products with it too).
 */
const productNames = new Map<string, ProductName>();
function productName(product: string): ProductName {
  let name = productNames.get(product);
  if (!name) {
    const words = fold(product.normalize('NFC')).trim().split(/\s+/);
    // "Diffuseur à bâtonnets thé noir" is the "Diffuseur Thé noir" of the catalogue: up to three words may follow its first.
    const [first = '', ...rest] = words.map(escapeRegExp);
    const source = rest.length === 0 ? first : `${first}\\s+(?:[^\\s]+\\s+){0,3}?${rest.join('\\s+')}`;
    name = { words, pattern: new RegExp(`${NOT_LETTER_BEFORE}${source}${NOT_LETTER_AFTER}`, 'gu') };
    productNames.set(product, name);
  }
  return name;
}

export function productPattern(product: string): RegExp {
  return productName(product).pattern;
}

/**
 * The catalogue names folded text may hold, longest first: those whose every word it holds, which any
 * mention does, so a name's pattern only runs on texts that do. A word several names share ("bougie")
 * is looked for once per text.
 */
export function namesIn(folded: string, products: readonly string[] | undefined): readonly string[] {
  if (products === undefined) return [];
  const { names, words, wordsOf } = catalogueOf(products);
  if (held.length < words.length) held = new Int8Array(words.length);
  else held.fill(UNKNOWN, 0, words.length);
  const found: string[] = [];
  // Plain loops: a callback per name was a closure made per name and per text read (112 MB at 10k tickets).
  for (let n = 0; n < names.length; n++) {
    const nameWords = wordsOf[n]!;
    let holdsAll = true;
    for (let i = 0; holdsAll && i < nameWords.length; i++) {
      const w = nameWords[i]!;
      if (held[w] === UNKNOWN) held[w] = folded.includes(words[w]!) ? HELD : NOT_HELD;
      holdsAll = held[w] === HELD;
    }
    if (holdsAll) found.push(names[n]!);
  }
  return found;
}

const UNKNOWN = 0;
const HELD = 1;
const NOT_HELD = -1;
/** Per word of the catalogue, whether the text being read holds it; reset at each text. */
let held = new Int8Array(0);

interface Span {
  start: number;
  end: number;
  slot: FactSlot | null;
}

interface Found extends Fact {
  start: number;
}

/**
 * Facts in `text`, in reading order, one per distinct slot and value. Slots are extracted from the most
 * specific to the least (URL before tracking, date before duration, duration before amount) and a span is
 * claimed once, so "30 jours" is one duration and "2024-03-12" one date.
 */
export function extractFacts(text: string, options: FactOptions = {}): Fact[] {
  return recentFacts(text, () => factsOf(text, options), optionsKey(options)).slice();
}

/** A run extracts the same texts again and again (an agent's reply once per candidate, a cited source once per judge and per answer citing it). */
const recentFacts = textReader<Fact[]>();

/**
 * Judges read a text with and without the catalogue or the language (grounding's sources, safety's order
 * numbers), which mostly read the same: extraction only depends on the catalogue names the text may hold
 * and, for a numeric date whose day and month could be swapped, on whether it reads as French. So a text
 * is read once per catalogue names, and again per language only when it holds such a date; the language
 * is not guessed for the others.
 */
function factsOf(text: string, options: FactOptions): Fact[] {
  const { original, folded } = foldedText(text);
  const products = namesIn(folded, options.products);
  const catalogue = JSON.stringify(products);
  const anyLanguage = recentReadings(text, () => extract(original, folded, undefined, products), catalogue);
  if (anyLanguage) return anyLanguage;
  const french = isFrench(folded, options.language);
  // Read with the language, a text is never undecided.
  return recentReadings(text, () => extract(original, folded, french, products), `${french}\u0000${catalogue}`)!;
}

const recentReadings = textReader<Fact[] | undefined>();

/** A text in NFC and its folded copy, made once per text however many times and ways it is read (the entities judge reads them too). */
export function foldedText(text: string): { original: string; folded: string } {
  return recentFolds(text, () => {
    const original = text.normalize('NFC');
    return { original, folded: fold(original) };
  });
}

const recentFolds = textReader<{ original: string; folded: string }>();

interface Catalogue {
  /** Its distinct names, longest first. */
  names: readonly string[];
  /** The distinct folded words of its names. */
  words: readonly string[];
  /** Per name, the indexes in `words` of its words. */
  wordsOf: ReadonlyArray<readonly number[]>;
}

/** A catalogue's names and their words, worked out once per catalogue (a run passes the same array for every answer). */
function catalogueOf(products: readonly string[]): Catalogue {
  let catalogue = catalogues.get(products);
  if (catalogue === undefined) {
    const names = [...new Set(products.map((product) => product.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
    const index = new Map<string, number>();
    const wordsOf = names.map((name) =>
      productName(name).words.map((word) => {
        if (!index.has(word)) index.set(word, index.size);
        return index.get(word)!;
      }),
    );
    catalogue = { names, words: [...index.keys()], wordsOf };
    catalogues.set(products, catalogue);
  }
  return catalogue;
}

const catalogues = new WeakMap<readonly string[], Catalogue>();

/**
 * `folded` is `original` folded; `products` the catalogue names it may hold, longest first. Without
 * `french`, undefined when a numeric date reads as two days, which the language decides between.
 */
function extract(original: string, folded: string, french: boolean | undefined, products: readonly string[]): Fact[] | undefined {
  const claimed: Span[] = [];
  const found: Found[] = [];

  // A plain loop: a callback here was a closure made per match read.
  const isFree = (start: number, end: number, ignoreUrls = false) => {
    for (const span of claimed) if (!(span.end <= start || span.start >= end || (ignoreUrls && span.slot === 'url'))) return false;
    return true;
  };
  const claim = (start: number, end: number, slot: FactSlot | null, value?: string) => {
    claimed.push({ start, end, slot });
    if (slot !== null && value !== undefined) found.push({ slot, value, text: original.slice(start, end), start });
  };
  const scan = (re: RegExp, slot: FactSlot | null, toValue: (m: RegExpExecArray) => string | undefined, ignoreUrls = false) => {
    for (const m of matchesOf(re, folded)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!isFree(start, end, ignoreUrls)) continue;
      if (slot === null) {
        claim(start, end, null);
        continue;
      }
      const value = toValue(m);
      if (value !== undefined) claim(start, end, slot, value);
    }
  };

  // Products first: their names may hold digits ("Coffret 3 bougies") that are not facts of their own.
  for (const product of products) scan(productPattern(product), 'product', () => product);

  for (const m of matchesOf(URL_RE, folded)) {
    const raw = m[0].replace(/[.,;:!?)\]}'"»]+$/u, '');
    const value = normalizeUrl(original.slice(m.index, m.index + raw.length));
    if (value !== undefined && isFree(m.index, m.index + raw.length)) claim(m.index, m.index + raw.length, 'url', value);
  }
  // Every e-mail holds "@", which most texts do not: they are not scanned for one (nor for the worded noise below without its words).
  if (mayHoldMatch(EMAIL_RE, folded)) scan(EMAIL_RE, 'email', (m) => m[0]);

  // A text is not scanned with a pattern whose matches, or the facts read from them, hold more digits
  // than it does: a text is read with some 25 patterns, and the tracking one matches every long word.
  const digits = asciiDigits(folded, ISO_DATE_DIGITS);
  // Availability ("24h/24", "7j/7") would otherwise read as dates.
  if (digits > 0) {
    scan(NOISE_RES[0]!, null, () => undefined);
    for (const m of matchesOf(THREAD_COUNTER_RE, folded)) {
      const [part, parts] = [Number(m[1]), Number(m[2])];
      if (part >= 1 && part <= parts) claim(m.index, m.index + m[0].length, null);
    }
  }
  if (digits >= ISO_DATE_DIGITS) scan(ISO_DATE_RE, 'date', (m) => isoDate(Number(m[1]), Number(m[2]), Number(m[3])));
  // Whether a date is read does not depend on the order of day and month (both are tried), only its value does.
  let undecided = false;
  const dateOf = (first: number, second: number, year: number | undefined) => {
    if (french !== undefined) return numericDate(first, second, year, french);
    const dayFirst = numericDate(first, second, year, true);
    undecided ||= dayFirst !== numericDate(first, second, year, false);
    return dayFirst;
  };
  if (digits > 0) {
    scan(NUMERIC_DATE_RE, 'date', (m) => dateOf(Number(m[1]), Number(m[3]), fullYear(m[4])));
    scan(DAY_MONTH_RE, 'date', (m) => isoDate(fullYear(m[3]), MONTHS.get(m[2]!)!, Number(m[1])));
    scan(MONTH_DAY_RE, 'date', (m) => isoDate(fullYear(m[3]), MONTHS.get(m[1]!)!, Number(m[2])));
    scan(SHORT_DATE_RE, 'date', (m) => dateOf(Number(m[1]), Number(m[2]), undefined));
  }
  if (undecided) return undefined;
  if (digits > 0) for (const re of NOISE_RES.slice(1)) scan(re, null, () => undefined);
  for (const re of WORDED_NOISE_RES) if (mayHoldMatch(re, folded)) scan(re, null, () => undefined);

  const orderId = (m: RegExpExecArray) => {
    const id = m[1]!;
    return asciiDigits(id, ORDER_DIGITS) >= ORDER_DIGITS && id.length <= 20 ? id.toUpperCase() : undefined;
  };
  if (digits >= ORDER_DIGITS) {
    scan(ORDER_WORD_RE, 'order', orderId);
    scan(ORDER_HASH_RE, 'order', orderId);
  }
  if (digits >= TRACKING_DIGITS) {
    scan(
      TRACKING_RE,
      'tracking',
      (m) => {
        const token = m[0];
        // Lowercase in the original means a hash or a slug, not a carrier number.
        const asWritten = original.slice(m.index, m.index + token.length);
        return asciiDigits(token, TRACKING_DIGITS) >= TRACKING_DIGITS && /[a-z]/.test(token) && !/[a-z]/.test(asWritten) ? token.toUpperCase() : undefined;
      },
      true,
    );
  }

  scan(DURATION_RE, 'duration', (m) => {
    const { from: fromWord, restated, to: toWord, upTo, unit, business, ouvres } = m.groups!;
    // The article "a" is English; folded, it may be the French "à" of "mise à jour".
    if (/^an?$/.test(fromWord!) && !/^an?$/i.test(original.slice(m.index, m.index + fromWord!.length))) return undefined;
    const from = numberValue(fromWord!);
    if (from === undefined || (restated !== undefined && numberValue(restated) !== from)) return undefined;
    if (toWord !== undefined && /^an?$/.test(fromWord!)) return undefined;
    const rangeEnd = toWord ?? upTo;
    const to = rangeEnd === undefined ? undefined : numberValue(rangeEnd);
    if (rangeEnd !== undefined && (to === undefined || to <= from)) return undefined;
    return durationValue(from, to, unit!, business !== undefined || ouvres !== undefined);
  });
  // Every percentage holds "%" or "cent" (pour cent, percent): most texts skip the number-word scan.
  if (folded.includes('%') || folded.includes('cent')) {
    scan(PERCENT_RE, 'percent', (m) => {
      const raw = m[1]!;
      const n = /^\d/.test(raw) ? Number(raw.replace(',', '.')) : numberValue(raw);
      return n === undefined ? undefined : `${formatNumber(n)}%`;
    });
  }
  if (digits > 0) {
    scan(AMOUNT_SPLIT_EURO_RE, 'amount', (m) => `${parseAmount(`${m[1]},${m[2]}`).toFixed(2)} EUR`);
    scan(AMOUNT_PREFIX_RE, 'amount', (m) => `${parseAmount(m[2]!).toFixed(2)} ${currencyCode(m[1]!)}`);
    scan(AMOUNT_SUFFIX_RE, 'amount', (m) => `${parseAmount(m[1]!).toFixed(2)} ${currencyCode(m[2]!)}`);
  }

  found.sort((a, b) => a.start - b.start);
  const seen = new Set<string>();
  const facts: Fact[] = [];
  for (const { slot, value, text: written } of found) {
    const key = `${slot}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    facts.push({ slot, value, text: written });
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------------------
// Comparison

/** Equal values match; a date written without a year also matches the same day of any year. */
function sameValue(slot: FactSlot, a: string, b: string): boolean {
  if (a === b) return true;
  return slot === 'date' && (a.startsWith('--') || b.startsWith('--')) && a.slice(-5) === b.slice(-5);
}

const hasMatch = (fact: Fact, others: readonly Fact[]) => others.some((o) => o.slot === fact.slot && sameValue(fact.slot, fact.value, o.value));

export function compareFacts(reference: string, answer: string, options: FactOptions = {}): FactComparison {
  const referenceFacts = extractFacts(reference, options);
  const answerFacts = extractFacts(answer, options);
  const matched = referenceFacts.filter((fact) => hasMatch(fact, answerFacts));
  const missing = referenceFacts.filter((fact) => !hasMatch(fact, answerFacts));
  const extra = answerFacts.filter((fact) => !hasMatch(fact, referenceFacts));
  const conflicts: FactComparison['conflicts'] = [];
  for (const slot of new Set(missing.map((fact) => fact.slot))) {
    const answerValues = extra.filter((fact) => fact.slot === slot).map((fact) => fact.value);
    if (answerValues.length === 0) continue;
    conflicts.push({ slot, reference: missing.filter((fact) => fact.slot === slot).map((fact) => fact.value), answer: answerValues });
  }
  return {
    reference: referenceFacts,
    answer: answerFacts,
    matched,
    missing,
    extra,
    conflicts,
    recall: referenceFacts.length === 0 ? null : matched.length / referenceFacts.length,
  };
}

function display(slot: FactSlot, value: string): string {
  if (slot === 'order') return `#${value}`;
  if (slot === 'product') return `"${value}"`;
  return value;
}

function describe(fact: Fact): string {
  const shown = display(fact.slot, fact.value);
  return fact.slot === 'order' || fact.slot === 'tracking' ? `${fact.slot} ${shown}` : shown;
}

function list(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;
}

export function judgeKeyFacts(reference: string, answer: string, options: FactOptions = {}): JudgeScore & { comparison: FactComparison } {
  const comparison = compareFacts(reference, answer, options);
  const judge = 'key-facts';
  if (comparison.recall === null) {
    return { judge, score: null, reason: "cannot judge from facts: the agent's reply states no amount, duration, date, order number or other checkable fact", comparison };
  }
  const blocking = comparison.conflicts.filter((conflict) => BLOCKING_SLOTS.has(conflict.slot));
  if (blocking.length > 0) {
    const reason = blocking
      .map(({ slot, reference: said, answer: says }) => `conflict on ${slot}: the agent said ${list(said.map((v) => display(slot, v)))}, the answer says ${list(says.map((v) => display(slot, v)))}`)
      .join('; ');
    return { judge, score: 0, reason, comparison };
  }
  const { matched, missing, recall } = comparison;
  const total = matched.length + missing.length;
  const reason =
    missing.length === 0
      ? `all ${total} fact${total === 1 ? '' : 's'} match: ${list(matched.map(describe))}`
      : `${matched.length} of ${total} facts match${matched.length > 0 ? ` (${list(matched.map(describe))})` : ''}; missing: ${list(missing.map(describe))}`;
  return { judge, score: recall, reason, comparison };
}
