/**
 * The one accent and case folding, so that "REMBOURSÉ", "remboursé" and "rembourse" are one word
 * for every stage: column names, rule words, label words, gap topics.
 *
 * Unicode NFKD with every combining mark removed (so compatibility forms fold too: "ﬁ" → "fi",
 * full-width "ＡＢ" → "AB"), and the ligatures NFKD keeps spelled out (œ → oe, æ → ae, ß → ss).
 */

const MARKS = /\p{M}+/gu;
const LIGATURES = /[œŒæÆßẞ]/g;
const SPELLED: Readonly<Record<string, string>> = { œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss', ẞ: 'SS' };

/** Accents and ligatures folded, case kept: for text a case-insensitive pattern then runs over. */
export function foldAccents(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').replace(LIGATURES, (ligature) => SPELLED[ligature]!);
}

/** Accents, ligatures and case folded. Lower-cased first, so "İ" loses the dot its lower case adds. */
export function foldText(text: string): string {
  return foldAccents(text.toLowerCase());
}
