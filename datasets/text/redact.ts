/**
 * Removes personal data from ticket text before it leaves the machine for a remote LLM.
 *
 * Every pattern is anchored by a lookbehind that only lets a match start at the beginning of a
 * run of the characters it consumes, and every repetition is either bounded or delimited, so
 * each pass is linear in the input length. Numbers that support replies need (orders, tracking,
 * amounts, dates) are kept by requiring phone-, card- or IBAN-shaped grouping plus the Luhn and
 * mod-97 checksums where the format has one.
 */

export type PiiKind = 'email' | 'phone' | 'card' | 'iban' | 'address';

export interface Redaction {
  text: string;
  counts: Record<PiiKind, number>;
}

const ALL_KINDS: readonly PiiKind[] = ['email', 'iban', 'card', 'phone', 'address'];

const PLACEHOLDER: Record<PiiKind, string> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  card: '[CARD]',
  iban: '[IBAN]',
  address: '[ADDRESS]',
};

/**
 * Local parts take what RFC 5322 allows (o'brien, +tags, &, !, #…) and RFC 6531's accented
 * letters, as do domains, so no piece of a name is left beside the placeholder. "/", "=" and "?"
 * are left out though allowed: they delimit links ("?email=kim@…") and real addresses hardly
 * use them. The typographic apostrophe is not allowed but is what word processors type.
 */
const EMAIL_CHAR = "\\p{L}\\p{M}\\p{N}_'’!#$%&*+^`{|}~\\-";
const EMAIL = new RegExp(
  `(?<![${EMAIL_CHAR}.])[${EMAIL_CHAR}.]+@(?:[\\p{L}\\p{M}\\p{N}-]+\\.)+[\\p{L}\\p{M}]{2,}(?![\\p{L}\\p{M}\\p{N}_-])`,
  'gu',
);

/** Quotes, dots or markdown before the name are the sentence's punctuation, kept: 'ann@x.fr' stays quoted. */
const LEADING_PUNCTUATION = /^[^\p{L}\p{M}\p{N}]*/u;

/**
 * Phones, most specific shape first: French national and +33/0033, then +/00 international
 * with mandatory separators (or a bare run of 8–15 digits), North American 3-3-4 and UK national.
 */
const PHONE = new RegExp(
  '(?<![\\w@/])(?<!\\d[ .,:-])(?:' +
    [
      '0[1-9](?<fr>[ .-]?)\\d{2}(?:\\k<fr>\\d{2}){3}',
      '(?:\\+|00)33[ .-]?(?:\\(0\\)[ .-]?)?[1-9](?<intl>[ .-]?)\\d{2}(?:\\k<intl>\\d{2}){3}',
      '(?:\\+|00)[1-9]\\d{0,2}(?:[ .-]?\\(\\d{1,4}\\))?(?:[ .-]\\d{1,8}){1,5}',
      '\\+[1-9]\\d{7,14}',
      '(?:1[ .-])?(?:\\([2-9]\\d{2}\\)[ .-]?|[2-9]\\d{2}[ .-])\\d{3}[ .-]\\d{4}',
      '0\\d{2,4} \\d{3,4} ?\\d{3,4}',
    ].join('|') +
    ')(?!\\w)(?![ .,:/-]\\d)',
  'g',
);

/** Card-shaped digit runs; the callback applies grouping, issuer-prefix and Luhn checks. */
const CARD = /(?<![\w.,/-])[2-6]\d(?:[ -]?\d){11,17}(?!\w)(?![.,]\d)/g;

const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/gi;

/** ISO 13616 registry lengths; an unknown country is never treated as an IBAN. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27,
  MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24,
  SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

/** Street-type words must match in any case while names must stay capitalised, and JS has no inline flags. */
function anyCase(words: readonly string[]): string {
  return words
    .map((word) =>
      [...word]
        .map((ch) => (ch.toLowerCase() === ch.toUpperCase() ? ch.replace('.', '\\.') : `[${ch.toLowerCase()}${ch.toUpperCase()}]`))
        .join(''),
    )
    .join('|');
}

const WORD = "\\p{L}[\\p{L}'’]*(?:-\\p{L}[\\p{L}'’]*)*";
const CAP_WORD = "\\p{Lu}[\\p{L}'’]*(?:-\\p{L}[\\p{L}'’]*)*";
const FR_LINK = `(?:(?:${anyCase(['de', 'du', 'des', 'la', 'le', 'les', 'au', 'aux', 'sur', 'en'])})[ \\t]+|[dlDL]['’])`;
const FR_TYPES = anyCase([
  'rue', 'avenue', 'av.', 'av', 'boulevard', 'bd', 'chemin', 'allée', 'allee', 'impasse', 'quai',
  'sentier', 'rond-point', 'faubourg',
]);
/** Also everyday words ("2 place settings", "3 cours de yoga"): only with a linked or capitalised name. */
const FR_WEAK_TYPES = anyCase(['place', 'route', 'cours', 'square', 'passage', 'voie']);
const EN_TYPES = anyCase([
  'street', 'st', 'road', 'rd', 'lane', 'ln', 'drive', 'dr', 'avenue', 'ave', 'boulevard', 'blvd',
  'way', 'court', 'ct', 'place', 'pl', 'terrace', 'close', 'crescent', 'square', 'sq', 'highway',
  'hwy', 'parkway', 'pkwy', 'circle', 'loop', 'row', 'mews', 'grove', 'gardens',
]);
const POSTCODE_GAP = '(?:,[ \\t]*(?:\\r?\\n[ \\t]*)?|[ \\t]+|[ \\t]*\\r?\\n[ \\t]*)';
const CITY = `${CAP_WORD}(?:[ \\t]+${CAP_WORD}){0,2}`;
const UK_POSTCODE = '[A-Z]{1,2}\\d[A-Z\\d]?[ \\t]?\\d[A-Z]{2}';
const ADDRESS_TAIL =
  `(?:${POSTCODE_GAP}(?:` +
  [
    `(?:F-)?\\d{5}[ \\t]+${CITY}(?:[ \\t]+(?:CEDEX|Cedex)(?:[ \\t]+\\d{1,2})?)?`,
    `${UK_POSTCODE}(?:,?[ \\t]+${CITY})?`,
    `${CITY},?[ \\t]+${UK_POSTCODE}`,
    `${CITY},[ \\t]*[A-Z]{2}[ \\t]+\\d{5}(?:-\\d{4})?`,
  ].join('|') +
  '))?';

/**
 * French: number (bis/ter), street type, linking words and a name whose later words are
 * capitalised, so "12 rue de la paix et je…" stops at "paix". English: number, capitalised
 * name, then a street suffix. Both may carry a following postcode and city.
 */
const ADDRESS = new RegExp(
  '(?<![\\p{L}\\p{N}_/.,-])(?:' +
    `\\d{1,4}(?:[ \\t]?(?:${anyCase(['bis', 'ter', 'quater'])}|[A-Da-d]))?,?[ \\t]+` +
    `(?:(?:${FR_TYPES})(?![\\p{L}])\\.?[ \\t]+${FR_LINK}{0,3}${WORD}|(?:${FR_WEAK_TYPES})(?![\\p{L}])[ \\t]+(?:${FR_LINK}{1,3}${WORD}|${CAP_WORD}))` +
    `(?:[ \\t]+${FR_LINK}{0,2}${CAP_WORD}){0,4}` +
    '|' +
    `\\d{1,5}[A-Za-z]?[ \\t]+(?:${CAP_WORD}[ \\t]+){1,4}(?:${EN_TYPES})(?![\\p{L}])(?:[ \\t]+(?:NW|NE|SW|SE|N|S|E|W)(?![\\p{L}]))?` +
    `)${ADDRESS_TAIL}`,
  'gu',
);

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616: move the first four characters to the end, letters become 10–35, remainder mod 97 is 1. */
export function ibanValid(compact: string): boolean {
  const iban = compact.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban) || IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  let rest = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rest = (value > 9 ? rest * 100 + value : rest * 10 + value) % 97;
  }
  return rest === 1;
}

/** Real cards are either unbroken or grouped 4-4-4-4(-3) or Amex/Diners 4-6-5 / 4-6-4; SIRET-style 3-3-3-5 is not. */
function cardShaped(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  if (digits.length === 13 && !digits.startsWith('4')) return false;
  const groups = candidate.split(/[ -]/).map((group) => group.length);
  if (groups.length === 1) return true;
  const amex = groups.length === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4);
  const fours = groups.every((length, i) => (i === groups.length - 1 ? length >= 1 && length <= 4 : length === 4));
  return amex || fours;
}

function redactCards(text: string, count: () => void): string {
  return text.replace(CARD, (match) => {
    // The greedy match may have swallowed a trailing number (an expiry, a CVV): try group-boundary prefixes, longest first.
    for (let end = match.length; end > 0; end = match.slice(0, end).search(/[ -]\d*$/)) {
      const candidate = match.slice(0, end);
      if (cardShaped(candidate) && luhnValid(candidate.replace(/\D/g, ''))) {
        count();
        return PLACEHOLDER.card + match.slice(end);
      }
    }
    return match;
  });
}

function redactEmails(text: string, count: () => void): string {
  return text.replace(EMAIL, (match) => {
    count();
    return LEADING_PUNCTUATION.exec(match)![0] + PLACEHOLDER.email;
  });
}

function redactIbans(text: string, count: () => void): string {
  return text.replace(IBAN, (match) => {
    const length = IBAN_LENGTHS[match.slice(0, 2).toUpperCase()];
    if (length === undefined) return match;
    // Map the country's length onto the spaced text; the IBAN must end where a group ends.
    let seen = 0;
    let end = 0;
    while (end < match.length && seen < length) {
      if (match[end] !== ' ') seen++;
      end++;
    }
    if (seen < length || /[A-Za-z0-9]/.test(match[end] ?? '')) return match;
    if (!ibanValid(match.slice(0, end).replace(/ /g, ''))) return match;
    count();
    return PLACEHOLDER.iban + match.slice(end);
  });
}

function redactPattern(text: string, pattern: RegExp, kind: PiiKind, count: () => void, accept: (match: string) => boolean = () => true): string {
  return text.replace(pattern, (match) => {
    if (!accept(match)) return match;
    count();
    return PLACEHOLDER[kind];
  });
}

function phoneDigitsPlausible(match: string): boolean {
  const digits = match.replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15;
}

export function redact(text: string, kinds: readonly PiiKind[] = ALL_KINDS): Redaction {
  const counts: Record<PiiKind, number> = { email: 0, phone: 0, card: 0, iban: 0, address: 0 };
  let out = text;
  // Fixed order whatever the caller passes: e-mails first so their digits are not read as phones,
  // IBANs before cards since an IBAN's digits can pass Luhn, cards before phones for the same reason.
  for (const kind of ALL_KINDS) {
    if (!kinds.includes(kind)) continue;
    const count = (): void => {
      counts[kind]++;
    };
    switch (kind) {
      case 'email':
        out = redactEmails(out, count);
        break;
      case 'iban':
        out = redactIbans(out, count);
        break;
      case 'card':
        out = redactCards(out, count);
        break;
      case 'phone':
        out = redactPattern(out, PHONE, kind, count, phoneDigitsPlausible);
        break;
      case 'address':
        out = redactPattern(out, ADDRESS, kind, count);
        break;
    }
  }
  return { text: out, counts };
}
