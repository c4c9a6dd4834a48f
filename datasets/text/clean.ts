import { createRequire } from 'node:module';
import type { HtmlToTextOptions } from 'html-to-text';

/**
 * Turns an exported message body into the text a person would read as this message: HTML
 * converted, quoted history and signature removed, whitespace normalized. The raw HTML is kept
 * by the caller on the record; this only produces `text`.
 */

const HTML_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'head', format: 'skip' },
    // Quoted history as mail clients mark it up.
    { selector: 'blockquote', format: 'skip' },
    { selector: 'div.gmail_quote', format: 'skip' },
    { selector: 'div.gmail_signature', format: 'skip' },
    { selector: 'div#appendonsend', format: 'skip' },
    { selector: 'div.moz-cite-prefix', format: 'skip' },
    { selector: 'div.yahoo_quoted', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable' },
  ],
};

const LOOKS_LIKE_HTML = /<(?:html|body|div|p|br|span|a|table|blockquote|ul|ol|li|h[1-6]|strong|em|b|i)\b[^>]*>/i;

export function looksLikeHtml(body: string): boolean {
  // Most bodies hold no `<` at all: finding none is cheaper than trying the pattern.
  return body.includes('<') && LOOKS_LIKE_HTML.test(body);
}

let convert: typeof import('html-to-text').convert | undefined;

/**
 * html-to-text and its HTML parser are required at the first HTML body (its CommonJS build, the
 * same code): loading them costs 0.3 s that commands reading no HTML (`formats`, `--help`) skip.
 */
export function htmlToText(html: string): string {
  convert ??= (createRequire(import.meta.url)('html-to-text') as typeof import('html-to-text')).convert;
  return convert(html, HTML_OPTIONS);
}

/**
 * Lines where quoted history starts: everything from here on is an earlier message.
 * Each pattern is matched against a line, or two lines joined, since clients wrap long headers.
 */
const QUOTE_HEADERS: RegExp[] = [
  /^On\b.{0,300}\bwrote:\s*$/i,
  /^Le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^Am\b.{0,300}\bschrieb\b.{0,100}:\s*$/i,
  /^El\b.{0,300}\bescribió:\s*$/i,
  /^-{2,}\s*(Original Message|Message d'origine|Ursprüngliche Nachricht|Mensaje original)\s*-{2,}\s*$/i,
  /^_{5,}\s*$/,
];

/** The quote headers as one pattern (each anchored at the start): one test per line rather than one per header. */
const ANY_QUOTE_HEADER = new RegExp(QUOTE_HEADERS.map((pattern) => `(?:${pattern.source})`).join('|'), 'i');

/**
 * How every quote header starts (each alternative is anchored): a line that starts otherwise is
 * no header, alone or joined with the next line, so most lines skip both tests.
 */
const QUOTE_HEADER_START = /^(?:on|le|am|el|--|__)/i;

/** An Outlook-style header, which counts only when a second header line follows. */
const OUTLOOK_HEADER = /^(From|De|Von)\s*:.+$/i;
const HEADER_FOLLOWERS = /^(Sent|Envoyé|Gesendet|Enviado|Date|To|À|An|Subject|Objet)\s*:/i;

/** Sign-off lines after which only a short signature follows. */
const SIGN_OFFS =
  /^(best regards|kind regards|regards|best|thanks|thank you|many thanks|cheers|sincerely|cordialement|bien cordialement|bien à vous|bonne journée|merci|merci beaucoup|belle journée|sincères salutations|mit freundlichen grüßen|saludos|atentamente)[,.!]?\s*$/i;

const DEVICE_SIGNATURES =
  /^(sent from my \w+|envoyé de mon \w+|get outlook for \w+|sent from (mail|outlook|yahoo mail) for \w+|téléchargez outlook pour \w+|von meinem \w+ gesendet)\b.*$/i;

function isQuoteHeader(line: string): boolean {
  return ANY_QUOTE_HEADER.test(line) || OUTLOOK_HEADER.test(line);
}

function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.startsWith('>')) {
      // A `>` block counts as history when nothing but more quoting or blank lines follows.
      if (lines.slice(i).every((rest) => rest.trim() === '' || rest.trim().startsWith('>') || isQuoteHeader(rest.trim()))) {
        return i;
      }
      continue;
    }
    if (QUOTE_HEADER_START.test(line) && (ANY_QUOTE_HEADER.test(line) || (i + 1 < lines.length && ANY_QUOTE_HEADER.test(`${line} ${lines[i + 1]!.trim()}`.trim())))) return i;
    if (OUTLOOK_HEADER.test(line) && HEADER_FOLLOWERS.test(lines[i + 1]?.trim() ?? '')) return i;
  }
  return lines.length;
}

function signatureStart(lines: string[]): number {
  let end = lines.length;
  for (let i = 0; i < end; i++) {
    const line = lines[i]!.trim();
    if (line === '--' || line === '-- ' || DEVICE_SIGNATURES.test(line)) {
      end = i;
      break;
    }
  }
  // A sign-off followed by at most three short lines (name, role, brand) ends the message.
  for (let i = end - 1; i >= Math.max(1, end - 5); i--) {
    if (!SIGN_OFFS.test(lines[i]!.trim())) continue;
    const rest = lines.slice(i + 1, end).filter((line) => line.trim() !== '');
    if (rest.length <= 3 && rest.every((line) => line.trim().length <= 60)) return i;
  }
  return end;
}

/** Whatever normalizeWhitespace would change besides the ends: when none is there, trimming is all it does. */
const UNNORMALIZED_WHITESPACE = /[\r\u00a0\u2007\u202f\t]| [ \n]|\n |\n\n\n/;

export function normalizeWhitespace(text: string): string {
  if (!UNNORMALIZED_WHITESPACE.test(text)) return text.trim();
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f\t ]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export interface CleanOptions {
  /** Keep a sign-off block (useful when a message is nothing but a short thank-you). */
  keepSignature?: boolean;
}

/** The text of `lines`, the first lines of `text`, as a part of it rather than a copy joined anew. */
function firstLines(text: string, lines: readonly string[]): string {
  let length = lines.length - 1;
  for (const line of lines) length += line.length;
  return text.slice(0, Math.max(0, length));
}

/** Clean text from a plain-text body. */
export function cleanText(text: string, options: CleanOptions = {}): string {
  const normalized = normalizeWhitespace(text);
  const all = normalized.split('\n');
  // Most messages have no quoted history or signature: their lines are not copied.
  const quote = quoteStart(all);
  let lines = quote === all.length ? all : all.slice(0, quote);
  if (!options.keepSignature) {
    const cut = signatureStart(lines);
    // Never clean a message down to nothing: a bare "Merci !" is a message.
    if (cut < lines.length && lines.some((line, index) => index < cut && line.trim() !== '')) lines = lines.slice(0, cut);
  }
  // normalizeWhitespace leaves its own result unchanged: only a text that lost lines needs it again.
  return lines.length === all.length ? normalized : normalizeWhitespace(firstLines(normalized, lines));
}

/** Clean text from a body that may be HTML or plain text. */
export function cleanBody(body: string, options: CleanOptions = {}): string {
  return cleanText(looksLikeHtml(body) ? htmlToText(body) : body, options);
}
