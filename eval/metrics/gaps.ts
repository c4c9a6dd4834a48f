import { Random } from '../../datasets/text/random.ts';
import { foldText } from '../../datasets/text/fold.ts';
import { dotsWith, eachDotsWith, stackedVectors } from '../judges/semantic.ts';

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

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

/**
 * Spherical k-means with k-means++ seeding: vectors are unit length, so the dot product is the
 * similarity. Every similarity is summed as `dot` sums it, four vectors or centres at a time
 * (`dotsWith`, `eachDotsWith`), so each closeness, and each assignment, is the same to the bit.
 */
function cluster(vectors: readonly Float32Array[], k: number, seed: number): Int32Array {
  const random = new Random(seed);
  const dimensions = vectors[0]!.length;
  const stacked = stackedVectors(vectors);
  const centres: Float32Array[] = [vectors[Math.floor(random.next() * vectors.length)]!];
  // Each vector's closeness to its nearest centre so far, updated with each new centre only.
  const nearest = dotsWith(stacked, centres[0]!, new Float64Array(vectors.length));
  const closeness = new Float64Array(vectors.length);
  const distances = new Float64Array(vectors.length);
  while (centres.length < k) {
    let total = 0;
    for (let member = 0; member < vectors.length; member++) {
      distances[member] = Math.max(0, 1 - nearest[member]!);
      total += distances[member]!;
    }
    if (total === 0) break;
    let pick = random.next() * total;
    const index = distances.findIndex((distance) => (pick -= distance) <= 0);
    const centre = vectors[index < 0 ? vectors.length - 1 : index]!;
    centres.push(centre);
    dotsWith(stacked, centre, closeness);
    for (let member = 0; member < vectors.length; member++) nearest[member] = Math.max(nearest[member]!, closeness[member]!);
  }
  let assignment = new Int32Array(vectors.length).fill(-1);
  let next = new Int32Array(vectors.length);
  const nearestCentre = (closeness: Float64Array) => {
    let best = 0;
    let bestCloseness = closeness[0]!;
    for (let index = 1; index < closeness.length; index++) {
      if (closeness[index]! > bestCloseness) {
        best = index;
        bestCloseness = closeness[index]!;
      }
    }
    return best;
  };
  for (let iteration = 0; iteration < 25; iteration++) {
    eachDotsWith(stackedVectors(centres), vectors, (member, toCentres) => (next[member] = nearestCentre(toCentres)));
    const changed = next.some((centre, index) => centre !== assignment[index]);
    if (!changed) break;
    [assignment, next] = [next, assignment];
    // Every centre's sum in one pass over the vectors, each summed in the same order as before.
    const sums = centres.map(() => new Float32Array(dimensions));
    vectors.forEach((vector, member) => {
      const sum = sums[assignment[member]!]!;
      for (let d = 0; d < dimensions; d++) sum[d]! += vector[d]!;
    });
    sums.forEach((sum, index) => {
      const norm = Math.hypot(...sum);
      if (norm > 0) centres[index] = sum.map((value) => value / norm);
    });
  }
  return assignment;
}

export function findGaps(inputs: readonly GapInput[], options: { seed?: number; maxGaps?: number; examples?: number } = {}): KnowledgeGap[] {
  if (inputs.length === 0) return [];
  const k = Math.min(options.maxGaps ?? 12, Math.max(1, Math.round(Math.sqrt(inputs.length / 2))));
  const assignment = cluster(
    inputs.map((input) => input.vector),
    k,
    options.seed ?? 42,
  );
  const documentFrequency = new Map<string, number>();
  const bags = inputs.map((input) => input.words ?? gapWords(input.question));
  for (const bag of bags) for (const word of bag) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);

  const byGroup = Array.from({ length: k }, () => [] as Array<{ input: GapInput; index: number }>);
  inputs.forEach((input, index) => byGroup[assignment[index]!]!.push({ input, index }));
  const groups = byGroup.filter((members) => members.length > 0);
  // Words common in a group: what may name it.
  const common = groups.map((members) => {
    const inGroup = new Map<string, number>();
    for (const { index } of members) for (const word of bags[index]!) inGroup.set(word, (inGroup.get(word) ?? 0) + 1);
    return new Map([...inGroup].filter(([, count]) => count >= Math.max(2, members.length * 0.15)));
  });
  // A word common in nearly every group is the house's (the brand, a signature the patterns missed), not a topic.
  const groupsUsing = new Map<string, number>();
  for (const terms of common) for (const word of terms.keys()) groupsUsing.set(word, (groupsUsing.get(word) ?? 0) + 1);
  const everywhere = (word: string) => groups.length >= 4 && groupsUsing.get(word)! >= groups.length * 0.75;

  const gaps: KnowledgeGap[] = [];
  for (const [group, members] of groups.entries()) {
    // A word that is frequent here and rare elsewhere names the group (a lift score, smoothed).
    const terms = [...common[group]!]
      .filter(([word]) => !everywhere(word))
      .map(([word, count]) => ({ word, score: (count / members.length) * Math.log((inputs.length + 1) / (documentFrequency.get(word)! + 1) + 1) }))
      .sort((a, b) => b.score - a.score || a.word.localeCompare(b.word))
      .slice(0, 4)
      .map((term) => term.word);
    const centre = new Float32Array(members[0]!.input.vector.length);
    for (const { input } of members) for (let d = 0; d < centre.length; d++) centre[d]! += input.vector[d]!;
    const examples = members
      .map(({ input }) => ({ id: input.ticketId, similarity: dot(input.vector, centre) }))
      .sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id))
      .slice(0, options.examples ?? 5)
      .map((example) => example.id);
    gaps.push({ label: terms.join(' · ') || '(no common words)', terms, count: members.length, examples });
  }
  return gaps.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
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
