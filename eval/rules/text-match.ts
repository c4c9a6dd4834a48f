import { foldAccents, foldText } from '../../datasets/text/fold.ts';

/**
 * Word matching for rule conditions, as a support lead expects it: case- and accent-insensitive,
 * on whole words (issue #10).
 *
 * - Text and rule words are folded the same way, by datasets/text/fold.ts: Unicode NFKD with
 *   combining marks removed, ligatures spelled out (œ → oe, æ → ae, ß → ss), lower-cased.
 *   "REMBOURSÉ" folds to "rembourse".
 * - Text is cut into words at anything that is not a letter or a digit (`l'article` is `l` and
 *   `article`, `e-mail` is `e` and `mail`, `#ML1042` is `ml1042`).
 * - A rule word matches a whole word: `remboursement` matches "Remboursement" and "REMBOURSEMENT"
 *   but neither "rembourser" nor "remboursements". A trailing `*` makes it a prefix:
 *   `rembours*` matches "rembourser", "REMBOURSÉ", "remboursement". No stemming: what a rule
 *   matches is what its words say, in every language.
 * - A rule phrase of several words (`mot de passe`, `where is my order`) matches those words in a
 *   row; only its last word may end with `*`.
 */

const WORD = /[\p{L}\p{N}]+/gu;

/** The folded, lower-cased words of a text. */
export function wordsOf(text: string): string[] {
  return foldText(text).match(WORD) ?? [];
}

/** A compiled rule word or phrase. */
export interface WordPattern {
  /** The rule's own spelling, for reports. */
  source: string;
  words: string[];
  /** The last word is a prefix (`rembours*`). */
  prefix: boolean;
}

/** Why a rule word cannot be matched, or undefined when it is fine. */
export function wordPatternProblem(source: string): string | undefined {
  const body = source.trim().replace(/\*$/, '');
  if (body.includes('*')) return `"${source}": \`*\` is only allowed at the end of a word (a prefix such as \`rembours*\`)`;
  if (wordsOf(body).length === 0) return `"${source}" has no letter or digit to match`;
  return undefined;
}

export function compileWordPattern(source: string): WordPattern {
  const trimmed = source.trim();
  return { source, words: wordsOf(trimmed.replace(/\*$/, '')), prefix: trimmed.endsWith('*') };
}

/** A text's words with their set, so a single rule word is one lookup. */
export interface WordIndex {
  words: readonly string[];
  set: ReadonlySet<string>;
}

export function indexWords(words: readonly string[]): WordIndex {
  return { words, set: new Set(words) };
}

/** Whether the text contains the pattern, as whole words in a row. */
export function matchesWords(text: WordIndex, pattern: WordPattern): boolean {
  const count = pattern.words.length;
  const first = pattern.words[0];
  if (first === undefined) return false;
  if (count === 1) {
    if (!pattern.prefix) return text.set.has(first);
    for (const word of text.set) if (word.startsWith(first)) return true;
    return false;
  }
  // Only the last word of a phrase may be a prefix: its first word is exact.
  if (!text.set.has(first)) return false;
  const { words } = text;
  const last = count - 1;
  for (let start = 0; start + count <= words.length; start++) {
    let index = 0;
    while (index < count) {
      const word = words[start + index]!;
      const wanted = pattern.words[index]!;
      if (!(index === last && pattern.prefix ? word.startsWith(wanted) : word === wanted)) break;
      index++;
    }
    if (index === count) return true;
  }
  return false;
}

/**
 * A rule's regular expression runs on folded text (accents removed, case kept) with the `i` and `u`
 * flags; its own accents are folded too, so `rembours[ée]` and `remboursé` both match "REMBOURSÉ".
 */
export function compileRuleRegex(source: string): RegExp {
  return new RegExp(foldAccents(source), 'iu');
}

/** Why a rule's regular expression does not compile, or undefined. */
export function regexProblem(source: string): string | undefined {
  try {
    compileRuleRegex(source);
    return undefined;
  } catch (error) {
    // V8 says "Invalid regular expression: /(/iu: Unterminated group": keep the reason.
    return `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /s, '')}`;
  }
}
