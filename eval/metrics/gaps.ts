import { foldText } from '../../datasets/text/fold.ts';

/**
 * Knowledge gaps: the questions a candidate escalated or got wrong, grouped by meaning (k-means
 * on their embeddings, seeded) and named by the words that set each group apart. A support lead
 * reads them as "write an article about this".
 */

export interface GapInput {
  ticketId: string;
  question: string;
  vector: Float32Array;
  /** The question's words (`gapWords`), when read already: a run reads a ticket's once for all the candidates that missed it. */
  words?: ReadonlySet<string>;
}

export interface KnowledgeGap {
  /** The words most particular to this group's questions. */
  label: string;
  terms: string[];
  count: number;
  /** A few ticket ids, closest to the group's centre first. */
  examples: string[];
}

const STOPWORDS = new Set(
  `a au aux avec bonjour ce ces cette dans de des du elle en est et etre il ils je la le les leur lui ma mais me mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses si son sur ta te tes toi ton tu un une vos votre vous y merci cordialement bonne journee svp
  avez avons ete etait fait faire peux pouvez pourriez plus suis vais veux voudrais
  a an and are as at be been but by can could did do does for from had has have hello hi how i if in into is it its me my no not of on or our please so than thanks that the their them then there this to us was we were what when where which who why will with would you your
  also get got here just`.split(/\s+/),
);

/**
 * Words of politeness rather than of the question, in French and English: greetings, sign-offs and
 * the addressee ("Dear Maison Lune"). They say how a customer writes, never what is missing.
 */
const COURTESY = new Set(
  `dear hello hey hiya morning afternoon evening greetings team thank thanks regards best kind warm sincerely cheers advance sent iphone android
  bonjour bonsoir salut coucou madame monsieur messieurs dames cher chere equipe remerciements avance salutations sinceres cordialement cdlt bien belle bonne journee soiree envoye`.split(/\s+/),
);

// Bounded repetitions only: these run over untrusted ticket text.
const HANDLE = /@[\p{L}\p{N}_.]{1,50}/gu;
const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}.-]{1,253}/gu;
const URL = /\bhttps?:\/\/[^\s]{1,2000}/gu;
/** A greeting and whom it addresses when a comma or stop ends them within three words: "Dear Maison Lune,", "Bonjour l'équipe !". */
const GREETING = /^\s{0,20}(?:dear|hello|hi|hey|good (?:morning|afternoon|evening)|bonjour|bonsoir|salut|coucou|cher|chère|madame|monsieur)(?!\p{L})(?:(?:[ \t]{1,5}[^\s,.!?:]{1,30}){0,3}[ \t]{0,5}(?:[,.!?:]|$))?/iu;
/** A short line that closes the message: it and every line after it are the signature. */
const SIGN_OFF = /^\s{0,20}(?:thanks|thank you|many thanks|best|kind regards|regards|cheers|sincerely|sent from my|merci|cordialement|bien à vous|bien cordialement|bonne (?:journée|soirée)|belle journée|salutations|envoyé de mon)(?!\p{L})/iu;
const SIGN_OFF_WORDS = 6;

/** The question without its greeting, sign-off and signature, handles, e-mail addresses and links. */
export function questionWords(text: string): string {
  // Each pattern is tried from every position of the text: it is left out when what it needs is not there.
  const unlinked = text.includes('://') ? text.replace(URL, ' ') : text;
  const lines = (unlinked.includes('@') ? unlinked.replace(EMAIL, ' ').replace(HANDLE, ' ') : unlinked).split('\n');
  const kept: string[] = [];
  for (const [index, line] of lines.entries()) {
    const short = line.trim().split(/\s+/).length <= SIGN_OFF_WORDS;
    // The first lines are the subject and the opening: a "Thanks for…" there is the question itself.
    if (index > 1 && short && SIGN_OFF.test(line)) break;
    kept.push(line.replace(GREETING, ' '));
  }
  return kept.join('\n');
}

/** The distinct words of a question that may name a gap: folded, without stop words, courtesy, greeting or signature. */
export function gapWords(question: string): Set<string> {
  return new Set(
    foldText(questionWords(question))
      .split(/[^\p{L}]+/u)
      .filter((word) => word.length > 2 && !STOPWORDS.has(word) && !COURTESY.has(word)),
  );
}

/** A knowledge gap with the tickets a month it holds at the volume planned for: what an article could unlock. */
export interface GapToFix {
  label: string;
  examples: string[];
  /** Escalated or wrong tickets of the run in this gap. */
  tickets: number;
  /** Those tickets scaled to the month planned for: at most this many a month could be automated once it is fixed. */
  perMonth: number;
}

/**
 * The gaps to fix first: most tickets unlocked a month first. `replayed` is how many tickets the
 * candidate answered in the run, so each gap's share of them scales to `monthlyTickets`.
 */
export function gapsToFixFirst(gaps: readonly KnowledgeGap[], replayed: number, monthlyTickets: number, limit = 3): GapToFix[] {
  if (replayed <= 0) return [];
  return [...gaps]
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label))
    .slice(0, limit)
    .map((gap) => ({ label: gap.label, examples: gap.examples, tickets: gap.count, perMonth: (gap.count / replayed) * monthlyTickets }));
}
