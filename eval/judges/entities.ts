/**
 * Entity-agreement judge: deterministic, no LLM. An answer about the neighbouring product, another
 * customer, another number of codes, another washing temperature, or that says "we can't" where the agent
 * said "we can", reads fluently and scores well on similarity, yet is wrong. This judge compares what both
 * texts name, slot by slot, and fails the answer when they fill a slot with different values.
 *
 * It favours precision: a false conflict turns a correct answer wrong, so every rule only fires where the
 * wording is unambiguous, and it never makes an answer correct by itself (nothing comparable → null).
 * Every pattern runs on bounded repetitions or on a token scan, so matching stays linear.
 */

import { z } from 'zod';
import { defineJudge, factOptionsOf, scoreOnly } from './define.ts';
import { fold, foldedText, namesIn, productPattern } from './key-facts.ts';
import { mayHoldMatch } from './literals.ts';
import { optionsKey, textReader } from './recent.ts';
import type { JudgeScore } from './types.ts';
import { matchesOf } from './matches.ts';

export interface EntityOptions {
  /** Catalogue product names, as for the key-facts judge. */
  products?: readonly string[];
  /** Language of both texts ("fr", "en-GB"…); decides which polarity wording is read. Both when absent. */
  language?: string;
}

export interface EntityConflict {
  slot: 'product' | 'model' | 'brand' | 'plan' | 'quantity' | 'temperature' | 'polarity' | 'name';
  reference: string[];
  answer: string[];
}

type Slot = EntityConflict['slot'];

/** One thing a text names. Two mentions are compared when they have the same slot and group. */
interface Mention {
  slot: Slot;
  /** What makes two mentions about the same thing: a noun for quantities, a verb for claims, a model family. */
  group: string;
  /** Comparable mentions agree when they share a key. */
  keys: readonly string[];
  /** As written, for the reason. */
  shown: string;
}

/** Order of the slots in a reason. */
const SLOTS: readonly Slot[] = ['name', 'product', 'model', 'brand', 'plan', 'quantity', 'temperature', 'polarity'];

/** Folded (lowercase, no accents, straight apostrophes), same length as the text so offsets still map. */
const foldText = (text: string) => fold(text).replaceAll('’', "'");

/** Which wording rules apply: English and French number words and claims, both when the language is unknown. */
interface Languages {
  english: boolean;
  french: boolean;
}

function readLanguages(language: string | undefined): Languages {
  const lang = language?.toLowerCase();
  return { english: !lang || lang.startsWith('en'), french: !lang || lang.startsWith('fr') };
}

const singular = (word: string) => (word.length > 3 && /[sx]$/.test(word) ? word.slice(0, -1) : word);

// ---------------------------------------------------------------------------------------------------------
// Names: only the customer the reply greets; the agent's signature differs from the AI's by design.

const GREETING_RE =
  /(?<![\p{L}])(?:hello|hi|hey|dear|good\s(?:morning|afternoon|evening)|bonjour|bonsoir|salut|cher|chère|hallo|hola|olá|ola|estimad[oa]|prezad[oa]|querid[oa]|sehr\sgeehrter?)[ \t]{1,3}(?:(?<title>mr|mrs|ms|miss|mx|dr|mme|mlle|m|madame|monsieur|herr|frau|sr|sra|señor|señora|senhor|senhora)\.?[ \t]{1,3}(?=\p{L}))?/iu;
/** Case matters for the name itself: "Hello and welcome" greets nobody. */
const NAME_RE = /^\p{Lu}[\p{Ll}'’]{1,20}(?:[ -]\p{Lu}[\p{Ll}'’]{1,20}){0,2}(?![\p{L}])/u;
/** Words that follow a greeting without being anyone's name. */
const NOT_NAMES = new Set(['there', 'all', 'everyone', 'team', 'customer', 'customers', 'client', 'cliente', 'clients', 'sir', 'madam', 'madame', 'monsieur', 'friend', 'again', 'valued', 'support', 'kunde', 'kundin', 'damen', 'herren', 'equipe', 'tous', 'toutes', 'service']);

function names(text: string): Mention[] {
  const opening = text.slice(0, 300);
  const greeting = GREETING_RE.exec(opening);
  if (!greeting) return [];
  const written = NAME_RE.exec(opening.slice(greeting.index + greeting[0].length))?.[0];
  const tokens = written === undefined ? [] : foldText(written).split(/[ -]/).filter((token) => !NOT_NAMES.has(token));
  if (written === undefined || tokens.length === 0) return [];
  // "Madame Martin" is a surname, "Julie" a first name: only a full name is comparable with both.
  const groups = greeting.groups?.title ? ['surname'] : tokens.length > 1 ? ['given', 'surname'] : ['given'];
  return groups.map((group) => ({ slot: 'name', group, keys: tokens, shown: written }));
}

// ---------------------------------------------------------------------------------------------------------
// Products, models and brands

/**
 * Well-known makers that support text names, and parcel carriers ("Colissimo" where the agent said
 * "Mondial Relay" is another parcel); written with a capital, they are not common words.
 */
const BRANDS: ReadonlyMap<string, string> = new Map(
  [
    'Apple', 'Dell', 'HP', 'Lenovo', 'Microsoft', 'Samsung', 'Canon', 'Epson', 'Adobe', 'Google', 'Xbox', 'PlayStation', 'Spotify',
    'Sony', 'Nintendo', 'Asus', 'ASUS', 'Acer', 'LG', 'Huawei', 'Xiaomi', 'Logitech', 'Intel', 'AMD', 'Nvidia', 'NVIDIA', 'Netflix',
    'Amazon', 'Dropbox', 'Salesforce', 'Oracle', 'SAP', 'Cisco', 'IBM', 'Bose', 'Garmin', 'Fitbit', 'Philips', 'Nikon', 'GoPro',
    'Shopify', 'Atlassian', 'JetBrains', 'Autodesk', 'Mozilla', 'Kaspersky', 'Norton', 'McAfee', 'Xerox', 'Lexmark', 'Motorola',
    'Nokia', 'OnePlus', 'Toshiba', 'Panasonic', 'Razer', 'Netgear', 'Synology', 'Seagate', 'SanDisk', 'Dyson', 'PayPal',
    'Colissimo', 'Chronopost', 'Mondial', 'DHL', 'FedEx', 'GLS', 'DPD', 'USPS',
  ].map((brand) => [brand, brand === 'ASUS' ? 'Asus' : brand === 'NVIDIA' ? 'Nvidia' : brand === 'Mondial' ? 'Mondial Relay' : brand]),
);

/** Product lines whose name says the brand; unambiguous words only ("Envy", "Switch" are also plain words). */
const LINES: ReadonlyMap<string, string> = new Map([
  ...['surface', 'office', 'excel', 'outlook', 'powerpoint', 'onedrive', 'sharepoint'].map((line) => [line, 'Microsoft'] as const),
  ...['iphone', 'ipad', 'macbook', 'imac', 'airpods', 'icloud'].map((line) => [line, 'Apple'] as const),
  ...['xps', 'inspiron', 'latitude', 'alienware', 'vostro'].map((line) => [line, 'Dell'] as const),
  ...['thinkpad', 'ideapad', 'thinkcentre'].map((line) => [line, 'Lenovo'] as const),
  ...['officejet', 'laserjet', 'deskjet', 'elitebook', 'probook'].map((line) => [line, 'HP'] as const),
  ...['pixma', 'imageclass'].map((line) => [line, 'Canon'] as const),
  ...['ecotank', 'workforce'].map((line) => [line, 'Epson'] as const),
  ...['photoshop', 'illustrator', 'lightroom', 'indesign', 'acrobat'].map((line) => [line, 'Adobe'] as const),
  ...['galaxy'].map((line) => [line, 'Samsung'] as const),
  ...['pixel', 'chromebook'].map((line) => [line, 'Google'] as const),
  ...['ps', 'playstation'].map((line) => [line, 'PlayStation'] as const),
  ...['kindle'].map((line) => [line, 'Amazon'] as const),
  ...['zenbook', 'vivobook'].map((line) => [line, 'Asus'] as const),
]);

/** Systems that run on any maker's device: they never name the device, and "Microsoft Windows" names no maker. */
const PLATFORMS = new Set(['windows', 'macos', 'ios', 'ipados', 'android', 'chrome', 'chromeos', 'linux', 'ubuntu', 'account', 'store', 'update', 'updates', 'defender', 'edge', 'play', '365', 'teams']);

/** Capitalised words a number follows without making a model: steps, errors, rooms, orders, dates, specs (EN/FR/DE/ES/PT). */
const NOT_MODELS = new Set(
  [
    'step', 'steps', 'option', 'options', 'error', 'errors', 'code', 'chapter', 'section', 'page', 'version', 'room', 'floor', 'order', 'ticket',
    'case', 'invoice', 'number', 'no', 'nr', 'ref', 'line', 'level', 'tier', 'phase', 'part', 'item', 'point', 'question', 'priority', 'table',
    'figure', 'day', 'week', 'month', 'year', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january',
    'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'port', 'slot', 'account',
    'box', 'unit', 'batch', 'lot', 'group', 'team', 'building', 'suite', 'gate', 'terminal', 'article', 'clause', 'stage', 'round', 'grade',
    'class', 'size', 'volume', 'episode', 'season', 'build', 'release', 'patch', 'covid', 'usb', 'hdmi', 'wi-fi', 'wifi', 'bluetooth', 'tls',
    'ssl', 'http', 'https', 'ipv', 'ddr', 'pcie', 'sata', 'lte', 'cat', 'gen', 'type', 'thunderbolt', 'raid', 'iso', 'soc', 'pci', 'top',
    'etape', 'erreur', 'chapitre', 'commande', 'numero', 'salle', 'etage', 'jour', 'semaine', 'mois', 'annee', 'lundi', 'mardi', 'mercredi',
    'jeudi', 'vendredi', 'samedi', 'dimanche', 'janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'septembre', 'octobre',
    'novembre', 'decembre', 'schritt', 'fehler', 'seite', 'kapitel', 'punkt', 'bestellung', 'rechnung', 'nummer', 'raum', 'stufe', 'abschnitt',
    'paso', 'pagina', 'pedido', 'factura', 'passo', 'erro', 'fatura', 'capitulo', 'sala', 'andar', 'opcion', 'opcao', 'ticketnummer',
  ].map(fold),
);
/** Capitalised words that start a sentence or a phrase before a product name (so do verbs in -ing and -ed). */
const LEADING_WORDS = new Set(
  ['the', 'your', 'our', 'my', 'this', 'that', 'a', 'an', 'for', 'with', 'on', 'in', 'if', 'please', 'dear', 'hello', 'hi', 'le', 'la', 'les', 'l', 'un', 'une', 'votre', 'vos', 'notre', 'mon', 'ma', 'ce', 'cette', 'pour', 'avec', 'sur', 'ihr', 'ihre', 'ihren', 'ihrem', 'ihrer', 'ihres', 'der', 'die', 'das', 'den', 'dem', 'mit', 'el', 'los', 'su', 'sus', 'o', 'os', 'seu', 'sua', 'reset', 'use', 'open', 'update', 'install', 'contact'].map(fold),
);

/** Codes that look like models but are formats, chips in general, quarters, keys or tax forms. */
const NOT_A_MODEL_CODE = /^(?:covid-?\d+|ipv\d|mp[34]|[ab]\d|q[1-4]|h[12]|f\d{1,2}|l[1-3]|v\d+|[a-z]2[a-z]|w-?2|utf-?\d+|sha-?\d+|aes-?\d+|co2|tls\d?|wi-?fi\d?|usb\d?|hdmi\d?|ddr\d|pcie\d?|gen\d|cat\d|kb\d+|wpa\d)$/;

const TOKEN_RE = /[\p{L}\p{N}][\p{L}\p{N}+]*(?:[.-][\p{L}\p{N}+]+)*/gu;

type TokenKind = 'number' | 'code' | 'name' | 'connector' | 'other';

interface Token {
  text: string;
  folded: string;
  start: number;
  end: number;
  kind: TokenKind;
  /** A name that starts a sentence or a line, where any word has a capital (only a name's is read). */
  initial: boolean;
}

const CONNECTORS: ReadonlySet<string> = new Set(['and', 'or', 'et', 'ou', 'to', 'a', 'und', 'oder', 'y', 'e']);

/**
 * The shapes a token is told by, compiled once: tsx (esbuild) writes a literal holding `\p{…}` as
 * `new RegExp(…)`, which inside tokenKind would build a pattern for every token of every text.
 */
const CODE_SHAPE_RE = /^\p{L}[\p{L}\d-]{0,13}$/u;
const CAPITAL_RE = /\p{Lu}/u;
const NAME_SHAPE_RE = /^(?:\p{Lu}|\p{Ll}{1,3}\p{Lu})[\p{L}-]*$/u;
const LETTERS_RE = /^\p{L}+/u;

function tokenKind(text: string, folded: string): TokenKind {
  // Numbers and codes hold a digit; most words hold none, and skip both tests.
  if (/\d/.test(text)) {
    if (/^\d{1,4}(?:\.\d{1,2})?\+?$/.test(text)) return 'number';
    // A model code starts with a letter, holds a digit and a capital, and no run of 5+ digits (that is an order).
    if (CODE_SHAPE_RE.test(text) && CAPITAL_RE.test(text) && !/\d{5}/.test(text) && !NOT_A_MODEL_CODE.test(folded)) return 'code';
  }
  if (NAME_SHAPE_RE.test(text)) return 'name';
  return CONNECTORS.has(folded) ? 'connector' : 'other';
}

/** A code glued to a word is a compound ("M1-Problems", "ISR4331-Router"): the code is the model. */
const COMPOUND_RE = /^(?<code>[\p{L}\d-]*\d[\p{L}\d]*)-\p{Lu}?\p{Ll}{3,}$/u;
/** Discount codes look like models ("LUNE10", "WELCOME15", "LUNE10-DAVID"); they follow these words or are all capitals with a long word. */
const DISCOUNT_BEFORE_RE = /(?:code|coupon|promo|voucher|gutschein|cupon|cupom)[^.\n]{0,30}$/iu;
const DISCOUNT_CODE_RE = /^\p{Lu}{4,}\d|\d-\p{Lu}{3,}$/u;
/** What may stand before a token that opens a sentence or a line, once spaces are skipped. */
const OPENERS = new Set('.!?:;\n•*>#|"«“(–—-');
const SPACES = new Set(' \t\u00a0');

/** Whether the token at `start` opens a sentence or a line: nothing but spaces, or an opener, in the 4 units before it. */
function opensSentence(text: string, start: number): boolean {
  const reach = Math.max(0, start - 4);
  let at = start - 1;
  while (at >= reach && SPACES.has(text[at]!)) at--;
  return at < reach || OPENERS.has(text[at]!);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of matchesOf(TOKEN_RE, text)) {
    // A compound holds a hyphen.
    const written = (m[0].length <= 40 && m[0].includes('-') ? COMPOUND_RE.exec(m[0])?.groups!.code : undefined) ?? m[0];
    const folded = fold(written);
    let kind = tokenKind(written, folded);
    if (kind === 'code' && (DISCOUNT_CODE_RE.test(written) || DISCOUNT_BEFORE_RE.test(text.slice(Math.max(0, m.index - 40), m.index)))) kind = 'other';
    // Only a name's opening is read (a sentence's first word, not a product's).
    tokens.push({ text: written, folded, start: m.index, end: m.index + written.length, kind, initial: kind === 'name' && opensSentence(text, m.index) });
  }
  return tokens;
}

/** "Call", not "XPS" or "iPhone": a word any sentence may start with. */
const isTitleCase = (word: string) => word === word[0] + word.slice(1).toLowerCase();

/** Tokens written one space (or no-break space) apart belong to one name ("Dell XPS 13 9310"). */
const joined = (text: string, a: Token, b: Token) => b.start - a.end === 1 && (text.charCodeAt(a.end) === 0x20 || text.charCodeAt(a.end) === 0xa0);

interface Model {
  family: string;
  keys: string[];
  platform: boolean;
  brand: string | undefined;
  start: number;
  end: number;
}

/**
 * A model is a run of capitalised words ending in a number or a code ("Surface Pro 7", "HP OfficeJet 8015",
 * "PS4", "Windows 10 and 11"), read from the first word that is a name rather than a sentence's opening.
 */
function models(text: string, tokens: readonly Token[]): Model[] {
  const found: Model[] = [];
  let i = 0;
  while (i < tokens.length) {
    const first = i;
    while (i < tokens.length && tokens[i]!.kind === 'name' && (i === first || joined(text, tokens[i - 1]!, tokens[i]!))) i++;
    const digit = tokens[i];
    const continues = digit && (digit.kind === 'number' || digit.kind === 'code') && (i === first || joined(text, tokens[i - 1]!, digit));
    if (!continues) {
      i = Math.max(i, first + 1);
      continue;
    }
    // The words before the number, without a sentence's opening word and without the maker's name.
    let words = tokens.slice(first, i);
    const lead = words.findLastIndex((word, k) => LEADING_WORDS.has(word.folded) || (k === 0 && word.initial && words.length > 1 && /(?:ing|ed)$/.test(word.text)));
    words = words.slice(lead + 1);
    const brands = words.filter((word) => BRANDS.has(word.text)).map((word) => BRANDS.get(word.text)!);
    const family = words.filter((word) => !BRANDS.has(word.text));
    const last = family[family.length - 1];
    const precededBy = text.slice(Math.max(0, digit.start - 3), digit.start);
    if ((last && NOT_MODELS.has(last.folded)) || (!last && NOT_MODELS.has(tokens[first - 1]?.folded ?? '')) || /(?:#|n°|no\.)\s?$/iu.test(precededBy)) {
      i++;
      continue;
    }
    // The numbers of the model: "10 and 11", "13 9310".
    const digits = [digit];
    let end = i + 1;
    while (end < tokens.length) {
      const next = tokens[end]!;
      if ((next.kind === 'number' || next.kind === 'code') && joined(text, tokens[end - 1]!, next)) end++;
      else if (next.kind === 'connector' && tokens[end + 1]?.kind === 'number' && joined(text, tokens[end - 1]!, next) && joined(text, next, tokens[end + 1]!)) end += 2;
      else if (/^\s?[/,]\s?$/.test(text.slice(tokens[end - 1]!.end, next.start)) && next.kind === 'number') end++;
      else break;
      const added = tokens[end - 1]!;
      if (added.kind === 'number' || added.kind === 'code') digits.push(added);
    }
    const familyWords = family.map((word) => word.folded);
    // A bare number needs a family word that is a name, not just the sentence's first word ("Call 911").
    const named = family.some((word) => !word.initial || !isTitleCase(word.text) || LINES.has(word.folded)) || brands.length > 0;
    if (digit.kind === 'number' && !named) {
      i = end;
      continue;
    }
    const familyKey = (familyWords.length > 0 ? familyWords : brands.map(fold)).join(' ');
    const lastWord = familyWords[familyWords.length - 1];
    const keys = new Set<string>();
    for (const d of digits) {
      const value = d.folded.replace(/-/g, '');
      if (d.kind === 'code') keys.add(value);
      else {
        if (familyKey) keys.add(`${familyKey} ${value}`);
        if (lastWord) keys.add(`${lastWord} ${value}`);
        if (/^\d{3,}/.test(value)) keys.add(value);
        // "PlayStation 4" is the PS4.
        if (familyKey === 'playstation') keys.add(`ps${value}`);
      }
    }
    const codeFamily = digit.kind === 'code' ? LETTERS_RE.exec(digit.folded)![0] : '';
    const line = familyWords.find((word) => LINES.has(word)) ?? (LINES.has(codeFamily) ? codeFamily : undefined);
    const start = (words[0] ?? digit).start;
    found.push({
      family: familyKey || codeFamily,
      keys: [...keys],
      platform: PLATFORMS.has(familyWords[0] ?? ''),
      brand: brands[0] ?? (line ? LINES.get(line) : undefined),
      start,
      end: tokens[end - 1]!.end,
    });
    i = end;
  }
  return found;
}

/** Makers named outright, unless only as a platform ("Microsoft Windows"), plus those a product line implies. */
function brands(tokens: readonly Token[], text: string): string[] {
  const found: string[] = [];
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    const platform = next !== undefined && joined(text, token, next) && PLATFORMS.has(next.folded);
    if (BRANDS.has(token.text) && !platform) found.push(BRANDS.get(token.text)!);
    // "PS" alone is a postscript; only "PS4" names the console.
    else if (LINES.has(token.folded) && token.kind === 'name' && token.folded !== 'ps') found.push(LINES.get(token.folded)!);
  });
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Quantities and temperatures (on folded text)

const EN_COUNTS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen', 'twenty', 'thirty', 'fifty', 'hundred'];
const FR_COUNTS = ['deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze', 'quinze', 'vingt', 'trente', 'cinquante', 'cent'];
const COUNT_VALUES: ReadonlyMap<string, number> = new Map([
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 50, 100].map((n, i) => [EN_COUNTS[i]!, n] as const),
  ...[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 50, 100].map((n, i) => [FR_COUNTS[i]!, n] as const),
]);
const EN_WORDS = new Set([...EN_COUNTS, 'a']);
const FR_WORDS = new Set([...FR_COUNTS, 'un', 'une']);
/** "un seul", "a single": the only articles that state a count. */
const COUNT = `\\d{1,4}|un\\s{1,3}seule?|une\\s{1,3}seule|a\\s{1,3}single|${[...COUNT_VALUES.keys()].join('|')}`;
const QUANTITY_RE = new RegExp(
  `(?<![\\p{L}\\d.,:/#+°'€$£-])(?<!\\d\\s)(?<count>${COUNT})(?:(?:\\s{0,3}[-–]\\s{0,3}|\\s{1,3}(?:to|or|a|ou|et|and)\\s{1,3})(?<upTo>${COUNT}))?\\s{1,3}` +
    `(?:(?:more|additional|extra|free|new|other|separate|different|seule?s?|autres?|nouveaux|nouvelles?|supplementaires?|gratuite?s?)\\s{1,3})?(?<noun>\\p{L}{3,24})(?![\\p{L}\\d'-])`,
  'gu',
);
/** Words after a number that name no counted thing: function words, units, currencies, months, the reply's own structure. */
const NOT_COUNTED = new Set(
  [
    'the', 'of', 'and', 'for', 'with', 'from', 'more', 'less', 'than', 'are', 'was', 'were', 'have', 'has', 'will', 'can', 'may', 'per', 'out',
    'des', 'les', 'une', 'pour', 'par', 'sur', 'avec', 'dans', 'sont', 'ont', 'est', 'plus', 'moins', 'que', 'qui', 'aux', 'fois', 'times',
    'day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years', 'hour', 'hours', 'minute', 'minutes', 'second', 'seconds', 'jour', 'jours',
    'semaine', 'semaines', 'mois', 'annee', 'annees', 'ans', 'heure', 'heures', 'seconde', 'secondes', 'business', 'working', 'calendar',
    'stunden', 'tage', 'tagen', 'wochen', 'monate', 'monaten', 'jahre', 'jahren', 'minuten', 'sekunden', 'werktage', 'werktagen',
    'horas', 'dias', 'semanas', 'meses', 'anos', 'minutos', 'segundos', 'habiles', 'uteis',
    'euro', 'euros', 'eur', 'dollar', 'dollars', 'usd', 'pound', 'pounds', 'gbp', 'cent', 'cents', 'centimes', 'percent', 'pourcent',
    'step', 'steps', 'etape', 'etapes', 'way', 'ways', 'option', 'options', 'solution', 'solutions', 'method', 'methods', 'methode', 'methodes',
    'thing', 'things', 'chose', 'choses', 'tip', 'tips', 'conseil', 'conseils', 'point', 'points', 'question', 'questions', 'suggestion',
    'suggestions', 'possibilite', 'possibilites', 'moyen', 'moyens', 'facon', 'facons', 'reason', 'reasons', 'raison', 'raisons', 'minimum', 'maximum',
    ...['january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
    ...['janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'septembre', 'octobre', 'novembre', 'decembre'],
  ].map(singular),
);
/** Words before a number that make it a label, not a count ("room 12", "building 3", "version 2"). */
const LABEL_BEFORE = /(?:^|[^\p{L}])(\p{L}+)\s{1,3}$/u;

function countValue(token: string): number | undefined {
  if (/^\d/.test(token)) return Number(token);
  if (/^(?:une?|a)\s/.test(token)) return 1;
  return COUNT_VALUES.get(token);
}

/** Every whole value of a range (capped), so "1 to 3 licences" agrees with "2 licences". */
function range(from: number, to: number | undefined): string[] {
  const high = to !== undefined && to > from && to - from <= 100 ? to : from;
  return Array.from({ length: high - from + 1 }, (_, k) => String(from + k));
}

function quantities(folded: string, original: string, { english, french }: Languages): Mention[] {
  const found: Mention[] = [];
  // A number word counts in its own language only: the Spanish "Ten lista" is no "ten".
  const foreignWord = (token: string | undefined) => token !== undefined && !/^\d/.test(token) && !((english && EN_WORDS.has(token.split(/\s/)[0]!)) || (french && FR_WORDS.has(token.split(/\s/)[0]!)));
  for (const m of matchesOf(QUANTITY_RE, folded)) {
    const { count, upTo, noun } = m.groups!;
    if (foreignWord(count) || foreignWord(upTo)) continue;
    const label = LABEL_BEFORE.exec(folded.slice(Math.max(0, m.index - 24), m.index))?.[1];
    const thing = singular(noun!);
    const from = countValue(count!);
    if (from === undefined || NOT_COUNTED.has(thing) || (label !== undefined && NOT_MODELS.has(label))) continue;
    const to = upTo === undefined ? undefined : countValue(upTo);
    found.push({ slot: 'quantity', group: thing, keys: range(from, to), shown: original.slice(m.index, m.index + m[0].length) });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Plans: the tier of an account or subscription ("the Platinum account", "l'abonnement Premium")

const TIERS = 'platinum|gold|silver|bronze|premium|pro|freemium|free|gratuit|standard|basic|basique|business|entreprise|enterprise';
const PLAN_RE = new RegExp(
  `(?<![\\p{L}])(?:(?<tier>${TIERS})\\s{1,3}(?:account|profile|plan|membership|subscription|tier|package)s?|(?:compte|abonnement|offre|forfait|formule|profil)s?\\s{1,3}(?<tierFr>${TIERS}))(?![\\p{L}])`,
  'gu',
);
const SAME_TIER: ReadonlyMap<string, string> = new Map([['gratuit', 'free'], ['basique', 'basic'], ['entreprise', 'business'], ['enterprise', 'business']]);

function plans(folded: string, original: string): Mention[] {
  return (mayHoldMatch(PLAN_RE, folded) ? matchesOf(PLAN_RE, folded) : []).map((m) => {
    const tier = (m.groups!.tier ?? m.groups!.tierFr)!;
    return { slot: 'plan', group: '', keys: [SAME_TIER.get(tier) ?? tier], shown: original.slice(m.index, m.index + m[0].length) };
  });
}

const TEMPERATURE_RE =
  /(?<![\p{L}\d.,])(?<from>-?\d{1,3})(?:\s{0,2}(?:-|–|to|a|and|et)\s{0,2}(?<to>-?\d{1,3}))?\s{0,2}(?:°\s{0,2}(?<unit>[cf](?![\p{L}]))?|º\s{0,2}(?<unitAlt>[cf](?![\p{L}]))?|degr(?:ees?|es?)(?:\s{1,3}(?<scale>celsius|fahrenheit|c|f)(?![\p{L}]))?(?![\p{L}]))/gu;

function temperatures(folded: string, original: string): Mention[] {
  const found: Mention[] = [];
  // Every temperature holds "°", "º" or "degr": most texts are not scanned.
  for (const m of mayHoldMatch(TEMPERATURE_RE, folded) ? matchesOf(TEMPERATURE_RE, folded) : []) {
    const { from, to, unit, unitAlt, scale } = m.groups!;
    const fahrenheit = (unit ?? unitAlt ?? scale ?? '').startsWith('f');
    const celsius = (n: number) => Math.round(fahrenheit ? ((n - 32) * 5) / 9 : n);
    found.push({
      slot: 'temperature',
      group: '',
      keys: range(celsius(Number(from)), to === undefined ? undefined : celsius(Number(to))),
      shown: original.slice(m.index, m.index + m[0].length).trim(),
    });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Polarity: "we can exchange it" against "we can't exchange it", claim by claim

interface Word {
  text: string;
  start: number;
  end: number;
}

const SENTENCE_RE = /[^.!?;\n]+(?<end>[.!?;\n]?)/gu;
/** Claims are read in clauses: a sentence cut at commas, so "if you can't find it, you can…" splits in two. */
const CLAUSE_RE = /[^,:()]+/gu;
const WORD_RE = /\p{L}+(?:'\p{L}+)?/gu;
/** French elisions split from their word: "n'est" is "n'" + "est". */
const ELISION_RE = /^(l|d|n|j|m|t|s|c|qu|jusqu|lorsqu|puisqu)'(\p{L}+)$/u;

const EN_MODALS = /^(?:can|could|cannot|can't|couldn't)$/;
const FR_MODALS = /^(?:peux|peut|pouvons|pouvez|peuvent|pourr(?:ai|as|a|ons|ez|ont|ais|ait|ions|iez|aient)|pouv(?:ais|ait|ions|iez|aient|oir)|pu)$/;
const ABLE_RE = /^(?:able|unable)$/;
/** "en mesure de". */
const MEASURE_RE = /^mesure$/;
const POSSIBLE_RE = /^(?:possible|impossible|allowed|permitted|autorisee?s?)$/;
const COVERED_RE = /^(?:covered|couverte?s?|(?:in)?eligibles?)$/;
/** "pris en charge". */
const TAKEN_ON_RE = /^prise?s?$/;
const ACCEPT_RE = /^accept(?!ab)/;
/** The patterns of the words that open a claim. */
const CLAIM_OPENERS: readonly RegExp[] = [EN_MODALS, FR_MODALS, ABLE_RE, MEASURE_RE, POSSIBLE_RE, COVERED_RE, TAKEN_ON_RE, ACCEPT_RE];
/**
 * Whether a text may hold a word opening a claim, by the strings their patterns vouch for (literals.ts),
 * so they cannot drift from them: most clauses hold none, and are not split into words to look for claims.
 */
const mayClaim = (text: string) => CLAIM_OPENERS.some((re) => mayHoldMatch(re, text));
const COPULAS = /^(?:is|are|was|were|be|been|being|it's|that's|isn't|aren't|wasn't|weren't|est|sont|sera|seront|serait|seraient|soit|soient|etait|etaient|ete|etre)$/;
/** Words before a claim that make it a condition, a question or a purpose, not a statement. */
const NOT_STATED = new Set(['if', 'unless', 'whether', 'when', 'whenever', 'how', 'what', 'where', 'which', 'whatever', 'anything', 'everything', 'soon', 'best', 'si', "s'", 'comment', 'quand', 'lorsque', "lorsqu'", 'quoi', 'afin', 'pour']);
const EN_NEGATIONS = new Set(['not', 'never', 'no', 'cannot', 'nor', 'unable']);
const FR_AFTER_NEGATIONS = new Set(['pas', 'jamais', 'guere', 'point', 'aucun', 'aucune', 'nullement']);
/** Words between a modal and its verb: negations, adverbs, pronouns, "to", "be". */
const BETWEEN = new Set([
  'not', 'never', 'no', 'longer', 'to', 'be', 'been', 'it', 'them', 'you', 'him', 'her', 'us', 'also', 'still', 'only', 'always', 'now', 'then',
  'pas', 'plus', 'jamais', 'guere', 'point', 'que', "qu'", 'de', "d'", 'etre', 'le', 'la', 'les', "l'", 'vous', 'nous', 'lui', 'leur', 'y', 'en',
  'me', "m'", 'te', "t'", 'se', "s'", 'aussi', 'egalement', 'toujours', 'deja', 'bien', 'donc', 'alors', 'tout', 'desormais', 'actuellement',
  'sometimes', 'often', 'either', 'indeed', 'even', 'just', 'however', 'therefore', 'parfois', 'souvent', 'soit', 'revanche', 'par', 'contre',
  'toutefois', 'cependant', 'neanmoins',
]);
/** Words that end the phrase a claim's negation is looked for in: "X is feasible and can…", "ce que nous pouvons". */
const PHRASE_BREAKS = new Set(['and', 'or', 'but', 'that', 'which', 'who', 'et', 'ou', 'mais', 'que', "qu'", 'qui']);
/** Verbs too generic to carry a claim ("we can help"). */
const GENERIC_VERBS = new Set(['help', 'assist', 'aider', 'do', 'faire', 'see', 'voir', 'wait', 'imagine', 'understand', 'comprendre', 'thank', 'stress', 'say', 'dire', 'tell']);

/** One key per claim: "exchange" and "exchanged", "échanger" and "échangé" share their first six letters; covered, eligible and accepted are claims of their own. */
function claimKey(word: string): string {
  if (/^accept/.test(word)) return 'accept';
  if (/^(?:covered|couverte?s?)$/.test(word)) return 'covered';
  if (/^(?:in)?eligibles?$/.test(word)) return 'eligible';
  return word.slice(0, 6);
}

function words(clause: string, offset: number): Word[] {
  const out: Word[] = [];
  for (const m of matchesOf(WORD_RE, clause)) {
    // Only a word with an apostrophe can be an elision.
    const split = m[0].includes("'") ? ELISION_RE.exec(m[0]) : null;
    const start = offset + m.index;
    if (split) {
      const head = split[1]!.length + 1;
      out.push({ text: `${split[1]}'`, start, end: start + head }, { text: split[2]!, start: start + head, end: start + m[0].length });
    } else out.push({ text: m[0], start, end: start + m[0].length });
  }
  return out;
}

interface Claim {
  key: string;
  negated: boolean;
  start: number;
  end: number;
}

/** The verb after a modal or "possible to": the first word that is not a negation, an adverb or a pronoun. */
function verbAfter(list: readonly Word[], from: number): Word | undefined {
  for (let j = from; j < list.length && j < from + 5; j++) {
    const text = list[j]!.text;
    if (BETWEEN.has(text) || /(?:ly|ment)$/.test(text)) continue;
    return GENERIC_VERBS.has(text) || text.length < 2 ? undefined : list[j];
  }
  return undefined;
}

function isNegatedEnglish(before: readonly Word[], anchor: string, after: readonly Word[]): boolean {
  if (/^(?:cannot|can't|couldn't|unable|impossible|ineligible)$/.test(anchor)) return true;
  if (after[0] && ['not', 'never', 'no'].includes(after[0].text)) return true;
  return before.some((word) => EN_NEGATIONS.has(word.text) || word.text.endsWith("n't"));
}

function isNegatedFrench(before: readonly Word[], anchor: string, after: readonly Word[]): boolean {
  if (/^(?:impossible|ineligible)/.test(anchor)) return true;
  const ne = before.some((word) => word.text === 'ne' || word.text === "n'");
  const next = after.slice(0, 3);
  if (next.some((word) => FR_AFTER_NEGATIONS.has(word.text))) return true;
  if (ne && next.some((word) => word.text === 'plus')) return true;
  // "ne … que" restricts ("nous ne pouvons que vous conseiller"), it does not deny.
  return ne && next[0]?.text !== 'que' && next[0]?.text !== "qu'";
}

/**
 * A claim read at the word `list[at]`, from the copula or the negation that opens it among the words from
 * `from`. Built outside the word loop, which runs on every word: so are the slices of words around it.
 */
function claimAt(key: string, end: number, withCopula: boolean, list: readonly Word[], from: number, at: number, { english, french }: Languages): Claim {
  const word = list[at]!;
  const before = list.slice(from, at);
  const after = list.slice(at + 1, at + 6);
  const opening = before.find((w) => (withCopula && COPULAS.test(w.text)) || w.text === 'ne' || w.text === "n'" || EN_NEGATIONS.has(w.text) || w.text.endsWith("n't"));
  const negated = (english && isNegatedEnglish(before, word.text, after)) || (french && isNegatedFrench(before, word.text, after));
  return { key, negated, start: opening?.start ?? word.start, end };
}

function claimsIn(list: readonly Word[], folded: string, languages: Languages): Claim[] {
  const { english, french } = languages;
  const claims: Claim[] = [];
  for (let i = 0; i < list.length; i++) {
    const word = list[i]!;
    const text = word.text;
    // Once a clause turns into a condition or a question ("if you can't find it"), nothing after it is stated.
    if (NOT_STATED.has(text)) break;
    let from = Math.max(0, i - 3);
    for (let j = i - 1; j >= from; j--) if (PHRASE_BREAKS.has(list[j]!.text)) from = j + 1;
    let copula = false;
    for (let j = from; j < i && !copula; j++) copula = COPULAS.test(list[j]!.text);
    const next = list[i + 1];
    // Modal verbs: the claim is the verb they govern. An inversion ("can you", "pouvez-vous") asks, it does not state.
    if ((english && EN_MODALS.test(text)) || (french && FR_MODALS.test(text))) {
      if (folded[word.end] === '-' || ['you', 'we', 'i', 'they', 'he', 'she', 'it'].includes(next?.text ?? '')) continue;
      const verb = verbAfter(list, i + 1);
      if (verb && !/^(?:have|avoir)$/.test(verb.text)) claims.push(claimAt(claimKey(verb.text), verb.end, false, list, from, i, languages));
      continue;
    }
    // "(un)able to X", "en mesure de X": the claim is X; "to be able to" states a purpose.
    if ((english && ABLE_RE.test(text) && next?.text === 'to' && !(list[i - 1]?.text === 'be' && list[i - 2]?.text === 'to')) || (french && MEASURE_RE.test(text) && list[i - 1]?.text === 'en' && ['de', "d'"].includes(next?.text ?? ''))) {
      const verb = verbAfter(list, i + 1);
      if (verb) claims.push(claimAt(claimKey(verb.text), verb.end, true, list, from, i, languages));
      continue;
    }
    // "it is (not) possible (to X)", "c'est possible", "is (not) allowed": only after a verb "to be", never "as soon as possible".
    if (copula && POSSIBLE_RE.test(text) && next?.text !== 'que' && next?.text !== 'that') {
      const verb = ['to', 'de', "d'"].includes(next?.text ?? '') ? verbAfter(list, i + 2) : undefined;
      claims.push(claimAt(verb ? claimKey(verb.text) : /possible/.test(text) ? 'possible' : 'allowed', (verb ?? word).end, true, list, from, i, languages));
      continue;
    }
    // "is (not) covered / eligible", "est (n'est pas) couvert, éligible, pris en charge".
    if (copula && (COVERED_RE.test(text) || (TAKEN_ON_RE.test(text) && next?.text === 'en' && list[i + 2]?.text === 'charge'))) {
      claims.push(claimAt(/^pris/.test(text) ? 'covered' : claimKey(text), /^pris/.test(text) ? list[i + 2]!.end : word.end, true, list, from, i, languages));
      continue;
    }
    // "we (don't) accept returns", "nous (n')acceptons (pas)": not "please accept our apologies".
    if (ACCEPT_RE.test(text) && !['please', 'veuillez', 'kindly'].includes(list[i - 1]?.text ?? '')) {
      const object = verbAfter(list, i + 1)?.text ?? '';
      if (!/^(?:our|nos|my|mes|apolog|excuse|sincere)/.test(object)) claims.push(claimAt('accept', word.end, true, list, from, i, languages));
    }
  }
  return claims;
}

function polarity(folded: string, original: string, languages: Languages): Mention[] {
  const found: Mention[] = [];
  if (!mayClaim(folded)) return found;
  for (const sentence of matchesOf(SENTENCE_RE, folded)) {
    // A question asks about a claim; it does not make it.
    if (sentence.groups!.end === '?') continue;
    for (const clause of matchesOf(CLAUSE_RE, sentence[0])) {
      if (!mayClaim(clause[0])) continue;
      for (const claim of claimsIn(words(clause[0], sentence.index + clause.index), folded, languages)) {
        found.push({ slot: 'polarity', group: claim.key, keys: [claim.negated ? 'no' : 'yes'], shown: original.slice(claim.start, claim.end) });
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Extraction and comparison

const URL_OR_EMAIL_RE = /(?:https?:\/\/|www\.)[^\s<>"]{1,500}|[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/gu;

interface Span {
  start: number;
  end: number;
}

/** Blanks spans out (same length, so offsets still map) so later slots do not read them again: a product's digits are no quantity. */
function blank(text: string, spans: readonly Span[]): string {
  let out = '';
  let at = 0;
  for (const { start, end } of [...spans].sort((a, b) => a.start - b.start)) {
    if (start < at) continue;
    out += text.slice(at, start) + ' '.repeat(end - start);
    at = end;
  }
  return out + text.slice(at);
}

function mentions(text: string, options: EntityOptions): Mention[] {
  // The fact reader has mostly read the text already: its NFC copy and folding are taken over.
  const { original, folded: foldedAccents } = foldedText(text);
  const languages = readLanguages(options.language);
  const found: Mention[] = [...names(original)];
  // Spans of one shape, start and end alone (a model's too): blank reads them, and a function
  // optimized on one shape is compiled again when another comes (mentions took 0.26 s of compiling at 10k tickets).
  const spans: Span[] = [];
  if (mayHoldMatch(URL_OR_EMAIL_RE, original)) for (const m of matchesOf(URL_OR_EMAIL_RE, original)) spans.push({ start: m.index, end: m.index + m[0].length });

  // Longest names first, so "Coffret 3 bougies" is not also read as a shorter product inside it.
  const folded = foldedAccents.replaceAll('’', "'");
  for (const product of namesIn(folded, options.products)) {
    for (const m of matchesOf(productPattern(product), folded)) {
      const end = m.index + m[0].length;
      // Spans are never empty (a link, a product's name), so one overlaps another exactly when it shares a unit with it.
      if (spans.some((span) => span.start < end && span.end > m.index)) continue;
      found.push({ slot: 'product', group: '', keys: [product], shown: product });
      spans.push({ start: m.index, end });
    }
  }

  const withoutProducts = blank(original, spans);
  const tokens = tokenize(withoutProducts);
  for (const model of models(withoutProducts, tokens)) {
    const shown = original.slice(model.start, model.end);
    found.push({ slot: 'model', group: `family ${model.family}`, keys: model.keys, shown });
    // Any two devices are comparable; an operating system only with itself (Windows 10 against Windows 11).
    if (!model.platform) found.push({ slot: 'model', group: '', keys: model.keys, shown });
    if (model.brand) found.push({ slot: 'brand', group: '', keys: [model.brand], shown: model.brand });
    spans.push({ start: model.start, end: model.end });
  }
  for (const brand of brands(tokens, withoutProducts)) found.push({ slot: 'brand', group: '', keys: [brand], shown: brand });

  // Folding maps each unit on its own (a surrogate to itself, a space to a space), so the folded text blanked is the blanked text folded.
  const rest = blank(folded, spans);
  found.push(...plans(rest, original), ...quantities(rest, original, languages), ...temperatures(rest, original), ...polarity(rest, original, languages));
  return found;
}

/**
 * What a text names, grouped as compared: the agent's reply is read once for every candidate, an
 * answer once for every candidate that sent it.
 */
const recentMentions = textReader<ReadonlyMap<string, readonly Mention[]>>();
const mentionsOf = (text: string, options: EntityOptions) => recentMentions(text, () => grouped(mentions(text, options)), optionsKey(options));

const unique = (values: readonly string[]) => [...new Set(values)];

interface Comparison {
  conflicts: EntityConflict[];
  /** What both texts name alike, as the agent wrote it, by slot. */
  shared: Array<{ slot: Slot; shown: string }>;
}

/** Mentions by slot, then by group, in the order they were found. */
function grouped(list: readonly Mention[]): Map<string, Mention[]> {
  const groups = new Map<string, Mention[]>();
  for (const mention of list) {
    const key = `${mention.slot}\u0000${mention.group}`;
    const group = groups.get(key);
    if (group) group.push(mention);
    else groups.set(key, [mention]);
  }
  return groups;
}

/** Per slot and group named by both texts: agreeing when a key is shared, in conflict when none is. */
function compare(said: ReadonlyMap<string, readonly Mention[]>, says: ReadonlyMap<string, readonly Mention[]>): Comparison {
  const conflicts: EntityConflict[] = [];
  const shared: Comparison['shared'] = [];
  // Most pairs name nothing alike: nothing is built for a slot until a group of it is named by both.
  if (said.size === 0 || says.size === 0) return { conflicts, shared };
  for (const slot of SLOTS) {
    let conflict: { reference: string[]; answer: string[] } | undefined;
    // forEach, not for…of: the loop made a [key, mentions] array per group and per slot.
    said.forEach((ours, key) => {
      if (ours[0]!.slot !== slot) return;
      const theirs = says.get(key);
      if (!theirs) return;
      const theirKeys = new Set(theirs.flatMap((mention) => mention.keys));
      const agreeing = ours.filter((mention) => mention.keys.some((value) => theirKeys.has(value)));
      if (agreeing.length > 0) shared.push(...agreeing.map((mention) => ({ slot, shown: mention.shown })));
      else {
        conflict ??= { reference: [], answer: [] };
        conflict.reference.push(...ours.map((mention) => mention.shown));
        conflict.answer.push(...theirs.map((mention) => mention.shown));
      }
    });
    if (conflict) conflicts.push({ slot, reference: unique(conflict.reference), answer: unique(conflict.answer) });
  }
  return { conflicts, shared };
}

const QUOTED: ReadonlySet<Slot> = new Set(['product', 'model', 'plan', 'quantity', 'polarity']);
const display = (slot: Slot, shown: string) => (QUOTED.has(slot) ? `"${shown}"` : shown);
const list = (slot: Slot, values: readonly string[]) => values.map((value) => display(slot, value)).join(', ');

export function judgeEntities(reference: string, answer: string, options: EntityOptions = {}): JudgeScore & { conflicts: EntityConflict[] } {
  const judge = 'entities';
  const { conflicts, shared } = compare(mentionsOf(reference, options), mentionsOf(answer, options));
  if (conflicts.length > 0) {
    const reason = conflicts.map(({ slot, reference: said, answer: says }) => `conflict on ${slot}: the agent said ${list(slot, said)}, the answer says ${list(slot, says)}`).join('; ');
    return { judge, score: 0, reason, conflicts };
  }
  if (shared.length === 0) {
    return { judge, score: null, reason: 'cannot judge from entities: the texts name no common product, model, brand, plan, person, quantity, temperature or claim', conflicts };
  }
  const agreed = unique(shared.map(({ slot, shown }) => `${slot} ${display(slot, shown)}`));
  return { judge, score: 1, reason: `entities agree: ${agreed.join(', ')}`, conflicts };
}

export const entities = defineJudge({
  name: 'entities',
  summary: 'what both texts name, slot by slot (the product, the customer, a number of codes, “we can” or “we can’t”): another value than the agent’s makes the answer wrong',
  options: z.strictObject({}),
  create: () => (input) => scoreOnly(judgeEntities(input.wanted, input.said, factOptionsOf(input))),
});
