/**
 * Action claims: deterministic, no LLM. Finds where a reply says something was done, or will be done, in a
 * system other than the conversation: a refund issued, an order cancelled, a replacement shipped, a credit or
 * code created, a document attached or sent, an address or order edited, a subscription changed, the request
 * handed to another team. A text-only AI that writes these words did none of it, so such an answer cannot
 * count as an automated resolution; the human agent who wrote them did act, which marks "action tickets".
 * The same function serves both sides: run it on the candidate's answer and on the agent's reference reply.
 *
 * What is NOT a claim, because a responder can say it truthfully without acting:
 * - policy and self-service ("refunds are issued within 5 days", "you can cancel from your account",
 *   "the invoice is available in your account"): generic subjects, present tense, modal verbs never match;
 * - questions and offers ("would you like a refund?", "souhaitez-vous que je vous renvoie l'article ?");
 * - negations ("we cannot refund opened items", "nous ne pouvons pas annuler");
 * - promises that wait on a condition ("once we receive the item we will refund you", "dès réception du
 *   colis, nous procéderons au remboursement"): the brand's policy restated, the customer acts first.
 *   A condition anywhere in the sentence turns promises and present states ("your order is cancelled") into
 *   policy; a past act ("your order has been cancelled") or a handed-over item ("here is your code X")
 *   stays a claim unless the condition governs its own clause ("once your refund has been processed, …").
 * - offers that need the customer's yes ("we can offer you a 10% credit"): "can" never matches.
 *
 * Both languages are always matched, whatever the ticket's language: tickets mix them. Patterns run on a
 * folded copy (lowercase, accents stripped, straight apostrophes, same length as the text) so excerpts come
 * from the text as written, and each match is judged within its sentence. Patterns start behind a word
 * boundary and only use bounded repetitions, and the context around a match is read within a bounded
 * reach, so detection stays linear in the text length.
 */

import { fold as foldAccents } from './key-facts.ts';
import { LiteralIndex, requiredLiterals } from './literals.ts';
import { textReader } from './recent.ts';
import { matchesOf } from './matches.ts';

export const ACTION_KINDS = [
  'refund',
  'cancellation',
  'replacement',
  'credit-or-code',
  'document-sent',
  'address-or-order-edit',
  'subscription-change',
  'handover',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface ActionClaim {
  kind: ActionKind;
  /** done: says it happened, is under way, or hands the item over; promise: says it will happen. */
  form: 'done' | 'promise';
  /** The matched words, from the text as written (NFC). */
  excerpt: string;
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks (all on folded text)

const W = '(?<![a-z0-9])';
const END = '(?![a-z0-9])';
/** French past participle with any agreement: "annule" matches annulé, annulée, annulés, annulées. */
const agree = (...stems: string[]) => `(?:${stems.map((stem) => `${stem}(?:e|s|es)?`).join('|')})${END}`;
const words = (...list: string[]) => `(?:${list.join('|')})`;

const EN_ADV = '(?:(?:just|already|now|also|successfully|personally|immediately|gladly|happily|manually|fully|partially|since|today)\\s+){0,2}';
/** "I've processed your return and issued the refund": the second participle keeps the subject. */
const EN_DONE = `${W}(?:i|we)(?:'ve|\\s+have|\\s+had)?\\s+${EN_ADV}(?:(?:gone|went)\\s+ahead\\s+and\\s+|[a-z]{2,20}ed\\s[^.,;:!?]{0,60}?\\s+and\\s+(?:also\\s+)?)?`;
const EN_ABLE = `${W}(?:i|we)(?:\\s+(?:was|were)\\s+able\\s+to|(?:'ve|\\s+have)?\\s+managed\\s+to)\\s+`;
const EN_WILL =
  `${W}(?:(?:i|we)(?:'ll|\\s+will|\\s+shall|'re\\s+going\\s+to|\\s+are\\s+going\\s+to|'m\\s+going\\s+to|\\s+am\\s+going\\s+to` +
  `|(?:'d|\\s+would)\\s+(?:be\\s+(?:happy|glad|pleased)\\s+to|like\\s+to)|(?:'m|\\s+am|'re|\\s+are)\\s+(?:happy|glad|pleased)\\s+to)|let\\s+me|let\\s+us|let's)\\s+${EN_ADV}`;
/** "I am passing your feedback to our workshop and offering you…": the second verb keeps the subject. */
const EN_ING = `${W}(?:i'm|i\\s+am|we're|we\\s+are)\\s+${EN_ADV}(?:[a-z]{2,20}ing\\s[^.,;:!?]{0,60}?\\s+and\\s+(?:also\\s+)?)?`;

const FR_ADV = "(?:(?:bien|deja|donc|egalement|aussi|immediatement|personnellement|tout\\s+de\\s+suite|aujourd'hui|ce\\s+matin|hier)\\s+){0,2}";
const FR_CLITICS = "(?:vous\\s+|l'|le\\s+|la\\s+|les\\s+|lui\\s+|en\\s+){0,2}";
const FR_DONE = `${W}(?:j'ai|je\\s+(?:vous\\s+|l'|les\\s+|lui\\s+|en\\s+){1,2}ai|nous\\s+${FR_CLITICS}avons|on\\s+${FR_CLITICS}a)\\s+${FR_ADV}(?:[a-z]{2,20}\\s[^.,;:!?]{0,60}?\\s+et\\s+(?:(?:vous|l'|les)\\s*)?)?`;
/** "J'ai pu annuler", "je viens de vous envoyer": done, said with an infinitive. */
const FR_DONE_INF = `${W}(?:(?:j'ai|nous\\s+avons|on\\s+a)\\s+(?:bien\\s+)?pu|(?:je\\s+viens|nous\\s+venons|on\\s+vient)\\s+d(?:e|'))\\s*${FR_CLITICS}`;
const FR_WILL =
  `${W}(?:je\\s+vais|nous\\s+allons|on\\s+va|je\\s+m'occupe\\s+d(?:e\\s+|')|je\\s+me\\s+charge\\s+d(?:e\\s+|')|nous\\s+nous\\s+(?:occupons|chargeons)\\s+d(?:e\\s+|'))` +
  `(?:\\s*${FR_ADV})${FR_CLITICS}`;
const FR_SUBJECT = `${W}(?:je\\s+|j'|nous\\s+|on\\s+)${FR_CLITICS}`;
/** Present tense only counts with "vous" ("je vous envoie"): without it, it is how policy is stated ("nous renvoyons un article neuf"). */
const FR_SUBJECT_VOUS = `${W}(?:(?:je|nous|on)\\s+|(?:je\\s+|j')[a-z]{2,20}\\s[^.;:!?]{0,60}?\\s+et\\s+)vous\\s+(?:l'|le\\s+|la\\s+|les\\s+|en\\s+)?`;

const EN_BEEN = `(?:(?:has|have)\\s+${EN_ADV}been|was|were)\\s+${EN_ADV}`;
const EN_WILL_BE = `(?:(?:will|'ll|is\\s+going\\s+to|are\\s+going\\s+to)\\s+${EN_ADV}be|(?:is|are)\\s+(?:now\\s+|currently\\s+)?being)\\s+`;
const EN_IS = '(?:is|are)\\s+(?:now\\s+|already\\s+|officially\\s+)?';
const FR_ETE = `(?:vous\\s+)?(?:a|ont)\\s+${FR_ADV}ete\\s+${FR_ADV}`;
const FR_SERA = `(?:vous\\s+)?(?:sera|seront|va\\s+etre|vont\\s+etre)\\s+${FR_ADV}`;
const FR_EST = '(?:est|sont)\\s+(?:(?:bien|desormais|maintenant|donc|deja)\\s+){0,2}';

/** A complement after a subject noun: "the refund of €49.90 for order #ML10001 …" (a decimal comma does not end it). */
const COMPLEMENT = "(?:\\s+(?:of|for|on|from|de|du|des|pour|sur)\\s+(?:[^,;:!?]|,(?=\\d)){1,60}?|\\s+d'(?:[^,;:!?]|,(?=\\d)){1,60}?)?";
const ORDER_ID = '(?:\\s+(?:n[o°]\\.?\\s?|number\\s+|numero\\s+)?#?\\s?[a-z]{0,4}\\d[a-z0-9-]{0,20})?';

/** Words that end the object of a verb: what follows is circumstance, not the thing sent. */
const STOP = words('of', 'for', 'on', 'to', 'about', 'with', 'by', 'from', 'at', 'in', 'as', 'once', 'when', 'if', 'and', 'or', 'so', 'but', 'because', 'via', 'within', 'after', 'before', 'until', 'which', 'that', 'who', 'de', 'du', "d'", 'pour', 'sur', 'avec', 'par', 'au', 'aux', 'dans', 'et', 'ou', 'mais', 'car', 'sous', 'apres', 'avant', 'lorsque', 'quand', 'si', 'que', 'qui', 'vers');
const TOKEN = `(?!${STOP}${END})[^\\s,;:!?()"«»]{1,30}`;
/** The thing a verb acts on: a noun group of up to four words, plus one "de/of" complement ("bon de retour"). */
const nounGroup = (pronouns: string, determiners: string) =>
  `(?<obj>(?:\\s+${pronouns}){0,2}(?:\\s+${determiners}(?=\\s)|\\s+l'(?=[a-z]))?\\s*${TOKEN}(?:\\s+${TOKEN}){0,3}(?:\\s+(?:de|of|d')\\s*${TOKEN}(?:\\s+${TOKEN}){0,2})?)`;
const OBJ_EN = nounGroup(words('you', 'it', 'them', 'out', 'over', 'back', 'across'), words('a', 'an', 'the', 'your', 'another', 'this', 'these', 'those', 'some'));
const OBJ_FR = nounGroup(words('vous'), words('un', 'une', 'le', 'la', 'les', 'votre', 'vos', 'des', 'ce', 'cet', 'cette', 'ces', 'du'));
/** Same noun group as a sentence subject: "a replacement ships today", "un colis de remplacement part…". */
const SUBJECT_EN = `${W}(?<obj>${words('a', 'an', 'the', 'your', 'another')}\\s+${TOKEN}(?:\\s+${TOKEN}){0,3}(?:\\s+of\\s+${TOKEN}(?:\\s+${TOKEN}){0,2})?)`;
const SUBJECT_FR = `${W}(?<obj>(?:${words('un', 'une', 'le', 'la', 'votre', 'vos', 'les', 'des', 'ce', 'cet', 'cette')}\\s+|l')${TOKEN}(?:\\s+${TOKEN}){0,3}(?:\\s+(?:de|d')\\s*${TOKEN}(?:\\s+${TOKEN}){0,2})?)`;

// ---------------------------------------------------------------------------------------------------------
// What the object of "send", "here is", "add" is

type ObjectCategory = 'none' | 'refund' | 'document' | 'code' | 'replacement' | 'unknown';

const CATEGORY_RES: ReadonlyArray<[ObjectCategory, RegExp]> = [
  // Messages, links and tracking numbers are what any reply carries: nothing was made in another system.
  ['none', /(?<![a-z])(?:suivi|tracking|link|lien|e-?mails?|mails?|message|sms|notification|update|details|information|informations|instructions|photos?|nouvelles|news)(?![a-z])/],
  ['refund', /(?<![a-z])(?:refund|reimbursement|remboursement|money\s+back)(?![a-z])/],
  ['document', /(?<![a-z])(?:invoices?|receipts?|labels?|credit\s+note|quote|documents?|pdf|copy|packing\s+slip|return\s+form|factures?|recus?|etiquettes?|bon\s+de\s+(?:retour|livraison|commande)|bordereau|justificatifs?|attestation|devis|copie|formulaire)(?![a-z])/],
  ['code', /(?<![a-z])(?:codes?|coupons?|vouchers?|credit(?!\s+card)|store\s+credit|avoir|bon\s+d'achat|bon\s+de\s+reduction|cartes?\s+cadeaux?|gift\s+cards?|discount|remise|reduction|points|geste\s+commercial)(?![a-z])/],
  ['replacement', /(?<![a-z])(?:replacements?|remplacement|new|another|fresh|second|correct|right|nouveau|nouvel|nouvelle|nouveaux|nouvelles|autre|bon|bonne|bons|bonnes|neuf|neuve|again|a\s+nouveau|de\s+nouveau|exchange|echange)(?![a-z])/],
];

function objectCategory(object: string): ObjectCategory {
  return CATEGORY_RES.find(([, re]) => re.test(object))?.[0] ?? 'unknown';
}

const CATEGORY_KIND: Partial<Record<ObjectCategory, ActionKind>> = {
  refund: 'refund',
  document: 'document-sent',
  code: 'credit-or-code',
  replacement: 'replacement',
};

/** Kind of a sent thing; a re-sent thing of no named category is the item again ("nous vous renvoyons une Bougie Figue"). */
const sentKind = (fallback?: ActionKind) => (object: string) => {
  const category = objectCategory(object);
  return category === 'unknown' ? fallback : CATEGORY_KIND[category];
};
const handedKind = (object: string): ActionKind | undefined => {
  const category = objectCategory(object);
  return category === 'document' || category === 'code' ? CATEGORY_KIND[category] : undefined;
};
const addedKind = (object: string): ActionKind => (objectCategory(object) === 'code' ? 'credit-or-code' : 'address-or-order-edit');

// ---------------------------------------------------------------------------------------------------------
// Rules

interface Rule {
  /** Fixed, or read from the matched object (group "obj"). */
  kind: ActionKind | ((object: string) => ActionKind | undefined);
  form: ActionClaim['form'];
  /**
   * A condition in the sentence ("once we receive…", "si vous…") or a question makes it policy. True for
   * promises and present states; false for past acts and things handed over in the text itself.
   */
  conditional: boolean;
  re: RegExp;
  /**
   * Words the rule cannot match without (its verb, or what follows a passive subject): a text without
   * them is not scanned with `re`, whose subject part (any noun group after "le", "the"…) is the costly one.
   */
  needs?: NeededPart;
  /** Check on the matched text as written (a code must be written in capitals). */
  accept?: (written: string) => boolean;
}

interface VerbForms {
  en?: { past?: string; base?: string; ing?: string; object?: string };
  fr?: { past?: string; inf?: string; future?: string; presentVous?: string; presentBare?: string; object?: string };
}

/** One rule per subject and tense the verb forms allow: "we have refunded", "I'll refund", "je vous rembourse"… */
function verbRules(kind: Rule['kind'], forms: VerbForms): Rule[] {
  const rules: Rule[] = [];
  const add = (form: Rule['form'], subject: string, verb: string, tail: string) =>
    rules.push({ kind, form, conditional: form === 'promise', re: new RegExp(`${subject}(?:${verb})${tail}`, 'g'), needs: needed(verb) });
  const { en, fr } = forms;
  const enTail = en?.object ?? END;
  const frTail = fr?.object ?? END;
  if (en?.past) add('done', EN_DONE, en.past, enTail);
  if (en?.base) {
    add('done', EN_ABLE, en.base, enTail);
    add('promise', EN_WILL, en.base, enTail);
  }
  if (en?.ing) add('promise', EN_ING, en.ing, enTail);
  if (fr?.past) add('done', FR_DONE, fr.past, frTail);
  if (fr?.inf) {
    add('done', FR_DONE_INF, fr.inf, frTail);
    add('promise', FR_WILL, fr.inf, frTail);
  }
  if (fr?.future) add('promise', FR_SUBJECT, fr.future, frTail);
  if (fr?.presentVous) add('promise', FR_SUBJECT_VOUS, fr.presentVous, frTail);
  if (fr?.presentBare) add('promise', FR_SUBJECT, fr.presentBare, frTail);
  return rules;
}

/** Passive and state forms after a subject: done ("has been issued"), state ("is cancelled"), promise ("will be issued"). */
function passiveRules(kind: Rule['kind'], subject: string, tails: { done?: string; state?: string; promise?: string }): Rule[] {
  const rules: Rule[] = [];
  const add = (form: Rule['form'], conditional: boolean, tail: string) => rules.push({ kind, form, conditional, re: new RegExp(`${subject}(?:${tail})`, 'g'), needs: needed(tail) });
  if (tails.done) add('done', false, tails.done);
  if (tails.state) add('done', true, tails.state);
  if (tails.promise) add('promise', true, tails.promise);
  return rules;
}

/**
 * A part every match of a rule holds, as a pattern of its own: where it is nowhere in the text, neither is a
 * match. One pattern per part, so rules sharing a verb look for it once per text.
 */
interface NeededPart {
  /** Where a text's reading of the part is kept while the text is read (see claimsFound). */
  id: number;
  /** None when the part is the whole rule, whose own scan follows. */
  pattern?: RegExp;
  /** The part's pattern source, whose needed words (see wordIndex) are read from it on first use. */
  source: string;
}

const neededParts = new Map<string, NeededPart>();
let partCount = 0;
function needed(part: string): NeededPart {
  let needs = neededParts.get(part);
  if (!needs) {
    needs = { id: partCount++, pattern: new RegExp(part), source: part };
    neededParts.set(part, needs);
  }
  return needs;
}

const rule = (kind: Rule['kind'], form: Rule['form'], conditional: boolean, source: string, accept?: Rule['accept']): Rule => ({
  kind,
  form,
  conditional,
  re: new RegExp(source, 'g'),
  // A rule of its own, not built from verb forms: its words alone let a text skip it.
  needs: { id: partCount++, source },
  ...(accept ? { accept } : {}),
});

const REFUND_EN_OBJECT = '\\s+(?:you\\s+)?(?:a|an|the|your)\\s+(?:full\\s+|partial\\s+)?(?:refund|reimbursement)';
const REFUND_FR_OBJECT = "\\s+(?:au|le|votre|un|a\\s+un|a\\s+votre)\\s+remboursement";
const REFUND_ADVERB_FR = "(?:integralement\\s+|entierement\\s+|partiellement\\s+)?";

const REFUND_RULES: Rule[] = [
  ...verbRules('refund', {
    en: {
      past: `refunded|reimbursed|${words('issued', 'processed', 'initiated', 'triggered', 'sent', 'approved', 'made', 'submitted', 'started', 'launched', 'put\\s+through', 'completed', 'arranged', 'authori[sz]ed', 'requested')}${REFUND_EN_OBJECT}|credited\\s+(?:back\\s+)?(?:your|the)\\s+(?:card|bank|account|original\\s+payment)`,
      base: `refund|reimburse|${words('issue', 'process', 'initiate', 'trigger', 'send', 'approve', 'make', 'submit', 'start', 'launch', 'put\\s+through', 'arrange', 'authori[sz]e', 'request')}${REFUND_EN_OBJECT}`,
      ing: `refunding|reimbursing|${words('issuing', 'processing', 'initiating', 'triggering', 'sending', 'approving', 'making', 'submitting', 'starting', 'launching', 'putting\\s+through', 'arranging', 'authori[sz]ing', 'requesting')}${REFUND_EN_OBJECT}`,
    },
    fr: {
      past: `${REFUND_ADVERB_FR}${agree('rembourse', 'recredite')}|${words('procede', 'effectue', 'lance', 'emis', 'initie', 'declenche', 'valide', 'demande', 'fait', 'realise', 'enregistre', 'traite', 'accorde')}${REFUND_FR_OBJECT}`,
      inf: `${REFUND_ADVERB_FR}(?:rembourser|recrediter)|${words('proceder', 'effectuer', 'lancer', 'emettre', 'initier', 'declencher', 'valider', 'demander', 'faire', 'realiser', 'traiter', 'accorder')}${REFUND_FR_OBJECT}`,
      future: `rembourserai|rembourserons|recrediterai|recrediterons|${words('procederai', 'procederons', 'effectuerai', 'effectuerons', 'lancerai', 'lancerons', 'emettrai', 'emettrons', 'declencherai', 'declencherons', 'validerai', 'validerons')}${REFUND_FR_OBJECT}`,
      presentVous: 'rembourse|remboursons|recredite|recreditons',
      presentBare: `${words('procede', 'procedons', 'lance', 'lancons', 'effectue', 'effectuons', 'declenche', 'declenchons', 'valide', 'validons', 'emets', 'emettons')}${REFUND_FR_OBJECT}`,
      object: END,
    },
  }),
  ...passiveRules('refund', `${W}(?:a|an|the|your)\\s+(?:full\\s+|partial\\s+)?(?:refund|reimbursement)${COMPLEMENT}\\s+`, {
    done: `${EN_BEEN}${words('issued', 'processed', 'sent', 'initiated', 'approved', 'made', 'completed', 'triggered', 'submitted', 'credited', 'released', 'paid', 'put\\s+through', 'refunded', 'confirmed')}${END}|${EN_IS}(?:on\\s+its\\s+way|in\\s+progress|underway|being\\s+processed|processing|complete|completed|confirmed|approved)${END}|(?:has\\s+gone|went)\\s+through${END}`,
    promise: `${EN_WILL_BE}${words('issued', 'processed', 'sent', 'initiated', 'made', 'triggered', 'credited', 'released', 'paid')}${END}`,
  }),
  ...passiveRules(
    'refund',
    `${W}(?:it|your\\s+order|the\\s+order|your\\s+payment|the\\s+payment|the\\s+amount|the\\s+money|the\\s+sum|the\\s+difference|the\\s+shipping(?:\\s+costs?|\\s+fees?)?|[€$£]\\s?\\d[\\d.,]*|\\d[\\d.,]*\\s?(?:€|eur|euros?|usd|gbp|\\$|£))${COMPLEMENT}\\s+`,
    { done: `${EN_BEEN}(?:refunded|reimbursed|credited\\s+back)${END}`, promise: `${EN_WILL_BE}(?:refunded|reimbursed|credited\\s+back)${END}` },
  ),
  ...passiveRules('refund', `${W}(?:le|votre|un|ce|son)\\s+remboursement(?:\\s+(?:integral|partiel|total|complet))?${COMPLEMENT}\\s+`, {
    done: `${FR_ETE}${agree('effectue', 'emis', 'lance', 'valide', 'initie', 'declenche', 'traite', 'envoye', 'fait', 'realise', 'accorde', 'approuve', 'enregistre', 'vire', 'credite', 'execute', 'confirme')}`,
    state: `${FR_EST}(?:en\\s+cours|en\\s+route|parti|confirme|valide|accorde)${END}`,
    promise: `${FR_SERA}${agree('effectue', 'emis', 'lance', 'valide', 'initie', 'declenche', 'traite', 'envoye', 'fait', 'realise', 'vire', 'credite')}`,
  }),
  ...passiveRules(
    'refund',
    `${W}(?:la\\s+somme|le\\s+montant|la\\s+difference|les\\s+frais(?:\\s+de\\s+port|\\s+de\\s+livraison)?|votre\\s+commande|votre\\s+paiement|\\d[\\d,.]*\\s?(?:€|eur|euros?))${COMPLEMENT}\\s+`,
    { done: `${FR_ETE}${REFUND_ADVERB_FR}${agree('rembourse', 'recredite', 'restitue', 'reverse')}`, promise: `${FR_SERA}${REFUND_ADVERB_FR}${agree('rembourse', 'recredite', 'restitue', 'reverse')}` },
  ),
  ...passiveRules('refund', `${W}(?:your|the)\\s+refund\\s+request${COMPLEMENT}\\s+`, {
    done: `${EN_BEEN}${words('approved', 'accepted', 'processed', 'validated', 'granted')}${END}`,
    state: `${EN_IS}${words('approved', 'accepted', 'validated', 'granted')}${END}`,
  }),
  ...passiveRules('refund', `${W}(?:votre|la)\\s+demande\\s+de\\s+remboursement${COMPLEMENT}\\s+`, {
    done: `${FR_ETE}${agree('validee', 'acceptee', 'approuvee', 'traitee', 'accordee')}|${FR_ETE}prise\\s+en\\s+compte`,
    state: `${FR_EST}${agree('validee', 'acceptee', 'approuvee', 'accordee')}`,
  }),
  rule('refund', 'done', false, `${W}(?:you(?:'ve|\\s+have)\\s+been|you\\s+were)\\s+${EN_ADV}(?:refunded|reimbursed)${END}|${W}vous\\s+avez\\s+${FR_ADV}ete\\s+${REFUND_ADVERB_FR}${agree('rembourse')}`),
  rule('refund', 'promise', true, `${W}(?:you(?:'ll|\\s+will)\\s+be|you\\s+are\\s+going\\s+to\\s+be)\\s+${EN_ADV}(?:refunded|reimbursed)${END}|${W}vous\\s+(?:serez|allez\\s+etre)\\s+${REFUND_ADVERB_FR}${agree('rembourse')}`),
];

const NOT_A_SUBSCRIPTION = "(?!\\s+(?:your|the|this|votre|l'|ton|cet)\\s*(?:[a-z-]+\\s+){0,3}(?:subscription|membership|abonnement|adhesion))";

const CANCELLATION_RULES: Rule[] = [
  ...verbRules('cancellation', {
    en: {
      past: `cancell?ed${END}${NOT_A_SUBSCRIPTION}|processed\\s+(?:the|your)\\s+cancellation${END}`,
      base: `cancel${END}${NOT_A_SUBSCRIPTION}|process\\s+(?:the|your)\\s+cancellation${END}`,
      ing: `cancell?ing${END}${NOT_A_SUBSCRIPTION}|processing\\s+(?:the|your)\\s+cancellation${END}`,
      object: '',
    },
    fr: {
      past: `${agree('annule')}${NOT_A_SUBSCRIPTION}|(?:procede\\s+a|lance|effectue)\\s+l'annulation`,
      inf: `annuler${END}${NOT_A_SUBSCRIPTION}|(?:proceder\\s+a|lancer|effectuer)\\s+l'annulation`,
      future: `(?:annulerai|annulerons)${END}${NOT_A_SUBSCRIPTION}|(?:procederai|procederons)\\s+a\\s+l'annulation`,
      presentBare: `(?:annule|annulons)${END}${NOT_A_SUBSCRIPTION}|(?:procede\\s+a|procedons\\s+a|lance|lancons)\\s+l'annulation`,
      object: '',
    },
  }),
  ...passiveRules('cancellation', `${W}(?:your|the|this)\\s+(?:order|purchase|pre-?order)${ORDER_ID}${COMPLEMENT}\\s+`, {
    done: `${EN_BEEN}cancell?ed${END}`,
    state: `${EN_IS}(?:successfully\\s+)?cancell?ed${END}`,
    promise: `${EN_WILL_BE}cancell?ed${END}`,
  }),
  ...passiveRules('cancellation', `${W}(?:votre|la|cette)\\s+commande${ORDER_ID}${COMPLEMENT}\\s+`, {
    done: `${FR_ETE}${agree('annule')}`,
    state: `${FR_EST}${agree('annule')}`,
    promise: `${FR_SERA}${agree('annule')}`,
  }),
  ...passiveRules('cancellation', `${W}(?:the|your)\\s+cancellation(?:\\s+(?:of|for)\\s+(?:your|the)\\s+order${ORDER_ID})?\\s+`, {
    done: `${EN_BEEN}${words('processed', 'confirmed', 'done', 'completed', 'registered', 'recorded')}${END}`,
    state: `${EN_IS}(?:confirmed|complete|effective)${END}`,
  }),
  ...passiveRules('cancellation', `${W}(?:l'|votre\\s+)annulation(?:\\s+de\\s+(?:votre|la)\\s+commande${ORDER_ID})?\\s+`, {
    done: `${FR_ETE}${agree('effectue', 'confirme', 'valide', 'enregistre', 'fait')}|${FR_ETE}prise\\s+en\\s+compte`,
    state: `${FR_EST}(?:${agree('effectue', 'confirme', 'valide', 'enregistre')}|prise\\s+en\\s+compte)`,
  }),
];

const SEND_VERBS: VerbForms = {
  en: {
    past: words('sent', 'emailed', 'e-mailed', 'mailed', 'posted', 'shipped', 'dispatched', 'texted'),
    base: words('send', 'email', 'e-mail', 'mail', 'post', 'ship', 'dispatch'),
    ing: words('sending', 'emailing', 'e-mailing', 'mailing', 'posting', 'shipping', 'dispatching'),
    object: OBJ_EN,
  },
  fr: {
    past: `${agree('envoye', 'expedie', 'transmis', 'adresse', 'poste')}|fait\\s+parvenir`,
    inf: words('envoyer', 'expedier', 'transmettre', 'faire\\s+parvenir', 'adresser', 'poster'),
    future: words('enverrai', 'enverrons', 'expedierai', 'expedierons', 'transmettrai', 'transmettrons', 'ferai\\s+parvenir', 'ferons\\s+parvenir'),
    presentVous: words('envoie', 'envoyons', 'expedie', 'expedions', 'transmets', 'transmettons', 'fais\\s+parvenir', 'faisons\\s+parvenir', 'adresse', 'adressons'),
    object: OBJ_FR,
  },
};

const RESEND_VERBS: VerbForms = {
  en: {
    past: words('resent', 're-sent', 'reshipped', 're-shipped', 'redispatched', 're-dispatched'),
    base: words('resend', 're-send', 'reship', 're-ship', 'redispatch', 're-dispatch'),
    ing: words('resending', 're-sending', 'reshipping', 're-shipping', 'redispatching', 're-dispatching'),
    object: OBJ_EN,
  },
  fr: {
    past: agree('renvoye', 'reexpedie'),
    inf: words('renvoyer', 'reexpedier'),
    future: words('renverrai', 'renverrons', 'reexpedierai', 'reexpedierons'),
    presentVous: words('renvoie', 'renvoyons', 'reexpedie', 'reexpedions'),
    object: OBJ_FR,
  },
};

const SENT_PARTICIPLES_EN = words('sent', 'shipped', 'dispatched', 'posted', 'emailed', 'e-mailed', 'mailed', 'issued', 'created', 'generated', 'added', 'applied', 'credited', 'attached');
const SENT_PARTICIPLES_FR = agree('envoye', 'expedie', 'transmis', 'poste', 'cree', 'genere', 'ajoute', 'credite', 'applique', 'emis', 'offert', 'joint');

const NOT_TO_SENDER = "(?!\\s+(?:back\\s+)?(?:to\\s+(?:the\\s+)?sender|to\\s+us|to\\s+our|a\\s+l'expediteur|a\\s+l'envoyeur|a\\s+notre|chez\\s+nous)(?![a-z]))";

const SENDING_RULES: Rule[] = [
  ...verbRules(sentKind(), SEND_VERBS),
  ...verbRules(sentKind('replacement'), RESEND_VERBS),
  ...verbRules('replacement', {
    en: {
      past: `arranged\\s+(?:for\\s+)?(?:a|an|the)\\s+(?:replacement|exchange|new\\s+one)|processed\\s+(?:the|your|an?)\\s+(?:exchange|replacement)`,
      base: `arrange\\s+(?:for\\s+)?(?:a|an|the)\\s+(?:replacement|exchange|new\\s+one)|process\\s+(?:the|your|an?)\\s+(?:exchange|replacement)`,
      ing: `arranging\\s+(?:for\\s+)?(?:a|an|the)\\s+(?:replacement|exchange|new\\s+one)|processing\\s+(?:the|your|an?)\\s+(?:exchange|replacement)`,
    },
    fr: {
      past: `${words('procede', 'lance', 'organise', 'effectue', 'valide')}\\s+(?:au|le|un|a\\s+l'|l')\\s*(?:remplacement|echange|renvoi|reexpedition)`,
      inf: `${words('proceder', 'lancer', 'organiser', 'effectuer', 'valider')}\\s+(?:au|le|un|a\\s+l'|l')\\s*(?:remplacement|echange|renvoi|reexpedition)`,
      future: `${words('procederai', 'procederons', 'lancerai', 'lancerons', 'organiserai', 'organiserons')}\\s+(?:au|le|un|a\\s+l'|l')\\s*(?:remplacement|echange|renvoi|reexpedition)`,
      presentBare: `${words('procede', 'procedons', 'lance', 'lancons', 'organise', 'organisons')}\\s+(?:au|le|un|a\\s+l'|l')\\s*(?:remplacement|echange|renvoi|reexpedition)`,
    },
  }),
  ...passiveRules(sentKind(), `${SUBJECT_EN}\\s+`, {
    done: `${EN_BEEN}${SENT_PARTICIPLES_EN}${END}|${EN_IS}on\\s+(?:its|their|the)\\s+way${END}|(?:has|have)\\s+(?:already\\s+)?(?:shipped|left)${END}`,
    promise: `${EN_WILL_BE}${SENT_PARTICIPLES_EN}${END}|(?:ships|will\\s+ship|is\\s+shipping|leaves|will\\s+leave|is\\s+leaving|goes\\s+out|will\\s+go\\s+out|is\\s+going\\s+out)${END}`,
  }),
  // A parcel sent back to the sender is the carrier's return, not a replacement.
  ...passiveRules(sentKind('replacement'), `${SUBJECT_EN}\\s+`, {
    done: `${EN_BEEN}${words('resent', 're-sent', 'reshipped', 're-shipped', 'redispatched', 're-dispatched')}${END}${NOT_TO_SENDER}`,
    promise: `${EN_WILL_BE}${words('resent', 're-sent', 'reshipped', 're-shipped', 'redispatched', 're-dispatched')}${END}${NOT_TO_SENDER}`,
  }),
  ...passiveRules(sentKind('replacement'), `${SUBJECT_FR}\\s+`, {
    done: `${FR_ETE}${agree('renvoye', 'reexpedie')}${NOT_TO_SENDER}`,
    promise: `${FR_SERA}${agree('renvoye', 'reexpedie')}${NOT_TO_SENDER}`,
  }),
  ...passiveRules(sentKind(), `${SUBJECT_FR}\\s+`, {
    done: `${FR_ETE}${SENT_PARTICIPLES_FR}`,
    state: `${FR_EST}(?:${agree('parti')}|en\\s+route|en\\s+chemin|en\\s+cours\\s+d'(?:envoi|expedition|acheminement))`,
    promise: `${FR_SERA}${SENT_PARTICIPLES_FR}|(?:part|partira|partent|partiront|quitte|quittera)\\s+(?:(?:l'|notre\\s+)atelier\\s+)?(?:aujourd'hui|demain|ce\\s+jour|dans\\s+la\\s+journee|des\\s+aujourd'hui|des\\s+demain|cet\\s+apres-midi|ce\\s+soir)${END}`,
  }),
];

const CODE_WORD_EN = '(?:discount\\s+|promo\\s+|gift\\s+)?(?:code|coupon|voucher)';
/** A generated code as written: "LUNE10-AB12CD", or eight or more letters and digits mixed. */
const CODE_TOKEN = '(?<token>[a-z0-9]{2,12}(?:-[a-z0-9]{2,12}){1,3}|(?=[a-z]{0,19}\\d)(?=\\d{0,19}[a-z])[a-z0-9]{8,20})';
const writtenInCapitals = (written: string) => {
  const token = /[\p{L}\p{N}-]+$/u.exec(written)?.[0] ?? '';
  return token.length > 0 && token === token.toUpperCase();
};

const CREDIT_RULES: Rule[] = [
  ...verbRules(handedKind, {
    en: {
      past: words('added', 'applied', 'issued', 'credited', 'created', 'generated', 'set\\s+up', 'loaded', 'given', 'offered', 'granted', 'activated'),
      base: words('add', 'apply', 'issue', 'credit', 'create', 'generate', 'set\\s+up', 'load', 'give', 'offer', 'grant', 'activate'),
      ing: words('adding', 'applying', 'issuing', 'crediting', 'creating', 'generating', 'setting\\s+up', 'loading', 'giving', 'offering', 'granting', 'activating'),
      object: OBJ_EN,
    },
    fr: {
      past: agree('cree', 'genere', 'ajoute', 'credite', 'applique', 'offert', 'accorde', 'emis', 'active', 'attribue', 'octroye'),
      inf: words('creer', 'generer', 'ajouter', 'crediter', 'appliquer', 'offrir', 'accorder', 'emettre', 'activer', 'attribuer', 'octroyer'),
      future: words('creerai', 'creerons', 'genererai', 'genererons', 'ajouterai', 'ajouterons', 'crediterai', 'crediterons', 'appliquerai', 'appliquerons', 'offrirai', 'offrirons', 'accorderai', 'accorderons'),
      presentVous: words('offre', 'offrons', 'accorde', 'accordons', 'cree', 'creons', 'credite', 'creditons', 'ajoute', 'ajoutons', 'attribue', 'attribuons', 'genere', 'generons', 'applique', 'appliquons', 'octroie', 'octroyons'),
      object: OBJ_FR,
    },
  }),
  ...passiveRules('credit-or-code', `${W}(?:a|an|the|your)\\s+(?:new\\s+|personal\\s+)?(?:[€$£]?\\d[\\d.,]*\\s?(?:%|€|eur)?\\s+)?(?:store\\s+credit|credit|${CODE_WORD_EN}|gift\\s+card|discount|points)${COMPLEMENT}\\s+`, {
    done: `${EN_BEEN}${words('added', 'applied', 'credited', 'issued', 'created', 'generated', 'sent', 'loaded', 'activated')}${END}`,
    promise: `${EN_WILL_BE}${words('added', 'applied', 'credited', 'issued', 'created', 'generated', 'sent', 'loaded', 'activated')}${END}`,
  }),
  ...passiveRules('credit-or-code', `${W}(?:un|une|le|la|l'|votre|vos|ce|cet|cette)\\s*(?:nouveau\\s+|nouvel\\s+)?(?:avoir|code|bon\\s+d'achat|bon\\s+de\\s+reduction|credit|carte\\s+cadeau|remise|reduction|geste\\s+commercial|points)${COMPLEMENT}\\s+`, {
    done: `${FR_ETE}${agree('credite', 'cree', 'ajoute', 'applique', 'genere', 'envoye', 'emis', 'offert', 'accorde', 'active', 'attribue')}`,
    promise: `${FR_SERA}${agree('credite', 'cree', 'ajoute', 'applique', 'genere', 'envoye', 'emis', 'offert', 'accorde', 'active', 'attribue')}`,
  }),
  // "You'll receive a €10 voucher", "vous recevrez un bon d'achat": handed to this customer, unless on a condition.
  rule(
    'credit-or-code',
    'promise',
    true,
    `${W}(?:you(?:'ll|\\s+will)\\s+(?:also\\s+)?(?:receive|get)|you(?:'re|\\s+are)\\s+(?:getting|receiving))\\s+(?:a|an|your|the)\\s+(?:[^\\s.,;!?]{1,20}\\s+){0,3}(?:store\\s+credit|credit(?!\\s+card)|(?:discount|promo|gift)\\s+code|coupon|voucher|gift\\s+card)${END}`,
  ),
  rule(
    'credit-or-code',
    'promise',
    true,
    `${W}vous\\s+(?:recevrez|allez\\s+recevoir|obtiendrez|allez\\s+obtenir)\\s+(?:un|une|votre|le|la)\\s+(?:[^\\s.,;!?]{1,20}\\s+){0,3}(?:avoir|code\\s+(?:de\\s+(?:reduction|remise)|promo)|bon\\s+d'achat|bon\\s+de\\s+reduction|carte\\s+cadeau|coupon)${END}`,
  ),
  // A fee taken off the order (refunding it is a refund): "I've waived the shipping fee", "nous vous avons offert les frais de port".
  rule('credit-or-code', 'done', false, `${EN_DONE}(?:waived|removed|cancell?ed|covered)\\s+(?:the|your)\\s+(?:[a-z-]{1,20}\\s+){0,2}(?:fees?|charges?|costs?)${END}`),
  rule('credit-or-code', 'done', false, `${FR_DONE}${agree('offert', 'supprime', 'annule')}\\s+(?:les|vos|la|votre)\\s+(?:frais|livraison)${END}`),
  rule('credit-or-code', 'promise', true, `${FR_SUBJECT_VOUS}(?:offre|offrons)\\s+(?:les|vos|la|votre)\\s+(?:frais|livraison)${END}`),
  // A personal code written out is handed over, whatever condition the sentence puts on it.
  rule(
    'credit-or-code',
    'done',
    false,
    `${W}(?:(?:new|personal|unique|exclusive|dedicated|personali[sz]ed|own|nouveau|nouvel|personnel|personnalise|exclusif|dedie)\\s+${CODE_WORD_EN}|(?:code|coupon|bon)(?:\\s+(?:de\\s+(?:reduction|remise)|promo))?\\s+(?:personnel|personnalise|unique|exclusif|dedie))[^.;!?\\n]{0,40}?[\\s:"«]${CODE_TOKEN}${END}`,
    writtenInCapitals,
  ),
];

const DOCUMENT_RULES: Rule[] = [
  rule(handedKind, 'done', false, `${W}(?:here(?:'s|\\s+is|\\s+are)|please\\s+find|voici|voila|ci-joint(?:e|s|es)?)(?:\\s+(?:attached|enclosed|below|ci-joint(?:e|s|es)?))?${nounGroup(words('you'), words('a', 'an', 'the', 'your', 'un', 'une', 'le', 'la', 'les', 'votre', 'vos', 'ce', 'cet', 'cette'))}`),
  rule('document-sent', 'done', false, `${W}(?:please\\s+find|you(?:'ll|\\s+will)\\s+find|find)\\s[^.;!?]{0,60}?(?:attached|enclosed)${END}`),
  rule('document-sent', 'done', false, `${W}(?:attached|enclosed)\\s+(?:is|are|you(?:'ll|\\s+will)\\s+find|please\\s+find|herewith)${END}`),
  rule('document-sent', 'done', false, `${EN_DONE}(?:attached|enclosed)${END}|${W}(?:i'm|i\\s+am|we're|we\\s+are)\\s+attaching${END}|${W}(?:i|we)\\s+attach\\s+(?:the|your|a|an|our)${END}`),
  rule('document-sent', 'done', false, `${W}(?:invoices?|receipts?|labels?|credit\\s+note|documents?|pdf|copy)(?:\\s+[a-z0-9#-]{1,20}){0,4}\\s+(?:is|are)\\s+(?:attached|enclosed)${END}`),
  rule('document-sent', 'done', false, `${W}(?:vous\\s+(?:trouverez|avez)|(?:veuillez|merci\\s+de)\\s+trouver|trouvez)\\s[^.;!?]{0,80}?(?:ci-joint(?:e|s|es)?|en\\s+pieces?\\s+jointes?|en\\s+pj)${END}`),
  // "See the attached invoice", "you will find it in the attachment", "your invoice is included in this e-mail".
  rule('document-sent', 'done', false, `${W}(?:(?:please\\s+)?see\\s+(?:the\\s+)?attached|(?:is|are|find\\s[^.;!?]{0,60}?)\\s+in\\s+the\\s+attachments?|(?:is|are)\\s+included\\s+(?:in|with)\\s+this\\s+(?:e-?mail|message|reply))${END}`),
  // "Voir la facture en pièce jointe", "votre facture est incluse dans ce message", "la facture est jointe à ce message".
  rule('document-sent', 'done', false, `${W}(?:voir\\s+(?:[^.;!?]{0,40}?\\s)?(?:en\\s+)?pieces?\\s+jointes?|(?:est|sont)\\s+${agree('inclus')}\\s+dans\\s+(?:ce|cet|cette)\\s+(?:message|mail|e-mail|email|courriel|reponse))${END}`),
  rule('document-sent', 'done', false, `${W}(?:est|sont)\\s+(?:bien\\s+)?${agree('joint')}\\s+(?:a|au)\\s+(?:ce|cet|cette|notre|mon)\\s+(?:message|mail|e-mail|email|courriel|reponse)${END}`),
  rule('document-sent', 'done', false, `${FR_SUBJECT}(?:joins|joignons)${END}|${FR_DONE}${agree('joint')}|${W}(?:est|sont|se\\s+trouve|se\\s+trouvent|figure|figurent)\\s+(?:ci-joint(?:e|s|es)?|en\\s+pieces?\\s+jointes?)${END}`),
];

const EDIT_EN_OBJECT = `\\s+(?:the|your|this)\\s+(?:(?:delivery|shipping|billing|postal)\\s+)?(?:address|e-?mail(?:\\s+address)?|order|size|colou?r|variant|quantity|items?|scent|postcode|post\\s+code|zip\\s+code|phone\\s+number|delivery\\s+details|shipping\\s+details)${END}`;
const EDIT_FR_OBJECT = `\\s*(?:l'|la\\s+|le\\s+|votre\\s+|vos\\s+|les\\s+)(?:adresse|commande|taille|couleur|variante|quantite|parfum|article|coordonnees|code\\s+postal|numero\\s+de\\s+telephone)${END}`;

const EDIT_RULES: Rule[] = [
  ...verbRules('address-or-order-edit', {
    en: {
      past: words('changed', 'updated', 'modified', 'corrected', 'amended', 'edited', 'fixed', 'adjusted'),
      base: words('change', 'update', 'modify', 'correct', 'amend', 'edit', 'fix', 'adjust'),
      ing: words('changing', 'updating', 'modifying', 'correcting', 'amending', 'editing', 'fixing', 'adjusting'),
      object: EDIT_EN_OBJECT,
    },
    fr: {
      past: `${agree('modifie', 'change', 'corrige', 'rectifie', 'ajuste')}|mise?s?\\s+a\\s+jour`,
      inf: words('modifier', 'mettre\\s+a\\s+jour', 'changer', 'corriger', 'rectifier', 'ajuster'),
      future: words('modifierai', 'modifierons', 'mettrai\\s+a\\s+jour', 'mettrons\\s+a\\s+jour', 'changerai', 'changerons', 'corrigerai', 'corrigerons', 'rectifierai', 'rectifierons'),
      presentBare: words('modifie', 'modifions', 'mets\\s+a\\s+jour', 'mettons\\s+a\\s+jour', 'change', 'changeons', 'corrige', 'corrigeons', 'rectifie', 'rectifions'),
      object: EDIT_FR_OBJECT,
    },
  }),
  ...verbRules(addedKind, {
    en: {
      past: `${words('added', 'removed', 'swapped', 'switched', 'exchanged', 'upgraded', 'included')}(?<obj>\\s[^.;:!?]{1,60}?)\\s+(?:to|from|in|on|into)\\s+(?:your|the|this)\\s+order${END}`,
      base: `${words('add', 'remove', 'swap', 'switch', 'exchange', 'upgrade', 'include')}(?<obj>\\s[^.;:!?]{1,60}?)\\s+(?:to|from|in|on|into)\\s+(?:your|the|this)\\s+order${END}`,
      object: '',
    },
    fr: {
      past: `${agree('ajoute', 'retire', 'supprime', 'remplace', 'echange', 'inclus')}(?<obj>\\s[^.;:!?]{1,60}?)\\s+(?:a|de|dans|sur)\\s+(?:votre|la|cette)\\s+commande${END}`,
      inf: `${words('ajouter', 'retirer', 'supprimer', 'remplacer', 'echanger', 'inclure')}(?<obj>\\s[^.;:!?]{1,60}?)\\s+(?:a|de|dans|sur)\\s+(?:votre|la|cette)\\s+commande${END}`,
      object: '',
    },
  }),
  ...passiveRules('address-or-order-edit', `${W}(?:your|the)\\s+(?:(?:delivery|shipping|billing)\\s+)?(?:address|order)${ORDER_ID}${COMPLEMENT}\\s+`, {
    done: `${EN_BEEN}${words('changed', 'updated', 'modified', 'corrected', 'amended', 'edited')}${END}`,
    state: `is\\s+now\\s+${words('changed', 'updated', 'modified', 'corrected')}${END}`,
    promise: `${EN_WILL_BE}${words('changed', 'updated', 'modified', 'corrected', 'amended', 'edited')}${END}`,
  }),
  ...passiveRules('address-or-order-edit', `${W}(?:l'|votre\\s+|la\\s+|cette\\s+)(?:adresse|commande)(?:\\s+de\\s+(?:livraison|facturation))?${ORDER_ID}${COMPLEMENT}\\s+`, {
    done: `${FR_ETE}(?:${agree('modifie', 'change', 'corrige', 'rectifie')}|mise?\\s+a\\s+jour)`,
    state: `${FR_EST}(?:${agree('modifie', 'change', 'corrige', 'rectifie')}|mise?\\s+a\\s+jour)`,
    promise: `${FR_SERA}(?:${agree('modifie', 'change', 'corrige', 'rectifie')}|mise?\\s+a\\s+jour)`,
  }),
];

const SUBSCRIPTION_EN_OBJECT = '\\s+(?:your|the|this)\\s+(?:[a-z-]+\\s+){0,3}(?:subscription|membership|plan)';
const SUBSCRIPTION_FR_OBJECT = "\\s*(?:votre\\s+|l'|ton\\s+|cet\\s+)(?:abonnement|adhesion)";
const SUBSCRIPTION_PARTICIPLES_EN = words('cancell?ed', 'switched', 'paused', 'suspended', 'stopped', 'resumed', 'reactivated', 'renewed', 'updated', 'changed', 'modified', 'upgraded', 'downgraded', 'terminated', 'ended', 'extended', 'skipped', 'put\\s+on\\s+hold');
const SUBSCRIPTION_PARTICIPLES_FR = `${agree('resilie', 'bascule', 'annule', 'suspendu', 'arrete', 'reactive', 'modifie', 'prolonge', 'interrompu', 'renouvele', 'stoppe')}|mise?\\s+en\\s+pause`;

const SUBSCRIPTION_RULES: Rule[] = [
  ...verbRules('subscription-change', {
    en: {
      past: `${SUBSCRIPTION_PARTICIPLES_EN}${SUBSCRIPTION_EN_OBJECT}|unsubscribed\\s+you|removed\\s+you\\s+from`,
      base: `${words('cancel', 'pause', 'suspend', 'stop', 'resume', 'reactivate', 'renew', 'update', 'change', 'modify', 'upgrade', 'downgrade', 'terminate', 'end', 'extend', 'skip', 'put\\s+on\\s+hold')}${SUBSCRIPTION_EN_OBJECT}|unsubscribe\\s+you`,
      ing: `${words('cancell?ing', 'pausing', 'suspending', 'stopping', 'resuming', 'reactivating', 'renewing', 'updating', 'changing', 'modifying', 'upgrading', 'downgrading', 'terminating', 'ending', 'extending', 'skipping', 'putting\\s+on\\s+hold')}${SUBSCRIPTION_EN_OBJECT}|unsubscribing\\s+you`,
      object: END,
    },
    fr: {
      past: `(?:${SUBSCRIPTION_PARTICIPLES_FR}|mis\\s+fin\\s+a)${SUBSCRIPTION_FR_OBJECT}|${agree('desabonne', 'desinscrit')}`,
      inf: `${words('resilier', 'annuler', 'suspendre', 'mettre\\s+en\\s+pause', 'arreter', 'reactiver', 'modifier', 'prolonger', 'interrompre', 'renouveler', 'mettre\\s+fin\\s+a')}${SUBSCRIPTION_FR_OBJECT}|desabonner|desinscrire`,
      future: `${words('resilierai', 'resilierons', 'annulerai', 'annulerons', 'suspendrai', 'suspendrons', 'arreterai', 'arreterons', 'modifierai', 'modifierons')}${SUBSCRIPTION_FR_OBJECT}`,
      presentBare: `${words('resilie', 'resilions', 'annule', 'annulons', 'suspends', 'suspendons', 'mets\\s+en\\s+pause', 'mettons\\s+en\\s+pause', 'arrete', 'arretons')}${SUBSCRIPTION_FR_OBJECT}`,
      object: END,
    },
  }),
  ...passiveRules('subscription-change', `${W}(?:your|the|this)\\s+(?:[a-z-]+\\s+){0,3}(?:subscription|membership)${COMPLEMENT}\\s+`, {
    done: `${EN_BEEN}${SUBSCRIPTION_PARTICIPLES_EN}${END}`,
    state: `${EN_IS}${SUBSCRIPTION_PARTICIPLES_EN}${END}`,
    promise: `${EN_WILL_BE}${SUBSCRIPTION_PARTICIPLES_EN}${END}`,
  }),
  ...passiveRules('subscription-change', `${W}(?:votre|l'|ton|cet)\\s*(?:abonnement|adhesion)${COMPLEMENT}\\s+`, {
    done: `${FR_ETE}(?:${SUBSCRIPTION_PARTICIPLES_FR})`,
    state: `${FR_EST}(?:${SUBSCRIPTION_PARTICIPLES_FR})`,
    promise: `${FR_SERA}(?:${SUBSCRIPTION_PARTICIPLES_FR})`,
  }),
];

const TEAM_EN = words('team', 'teams', 'department', 'warehouse', 'workshop', 'colleagues?', 'manager', 'supervisor', 'lead', 'specialists?', 'carrier', 'courier', 'logistics', 'supplier', 'production', 'quality', 'accounting', 'finance', 'billing', 'fulfil+ment', 'experts?', 'colissimo', 'chronopost', 'dhl', 'ups', 'fedex', 'la\\s+poste');
const TEAM_FR = words('service', 'services', 'equipes?', 'atelier', 'entrepot', 'logistique', 'transporteur', 'responsable', 'collegues?', 'direction', 'manager', 'superviseur', 'fournisseur', 'comptabilite', 'qualite', 'production', 'preparateurs?', 'partenaire', 'expert', 'specialiste', 'pole', 'departement', 'colissimo', 'chronopost', 'la\\s+poste', 'dhl', 'ups');
const TO_TEAM_EN = `\\s(?:on\\s+)?to\\s+(?:(?:our|the|a|my|one\\s+of\\s+our)\\s+)?(?:[a-z-]+\\s+){0,2}?${TEAM_EN}${END}`;
const WITH_TEAM_EN = `\\s+with\\s+(?:(?:our|the|a|my)\\s+)?(?:[a-z-]+\\s+){0,2}?${TEAM_EN}${END}`;
const TEAM_EN_DIRECT = `\\s+(?:(?:our|the|a|my)\\s+)?(?:[a-z-]+\\s+){0,2}?${TEAM_EN}${END}`;
const TO_TEAM_FR = `\\s(?:a|au|aux|aupres\\s+d[eu'])\\s*(?:(?:notre|nos|la|le|l'|mon|ma|mes|un|une)\\s*)?(?:[a-z-]+\\s+){0,2}?${TEAM_FR}${END}`;
const WITH_TEAM_FR = `\\s+avec\\s*(?:(?:notre|nos|la|le|l'|mon|ma|mes)\\s*)?(?:[a-z-]+\\s+){0,2}?${TEAM_FR}${END}`;
const TEAM_FR_DIRECT = `\\s*(?:notre|nos|la|le|l'|mon|ma|mes)\\s*(?:[a-z-]+\\s+){0,2}?${TEAM_FR}${END}`;
const REQUEST_EN = '\\s+(?:your|the|this)\\s+(?:request|message|feedback|complaint|case|ticket|query|question|claim|comments?|details|issue|report|photos?)';
const REQUEST_FR = "\\s+(?:votre|vos|la|ta|cette|ce|le)\\s+(?:demande|reclamation|requete|message|retour|remarques?|dossier|question|signalement|commentaires?|photos?)";
const CASE_EN = '(?:a|an)\\s+(?:claim|case|investigation|inquiry|enquiry|ticket|dispute|report)';
const CASE_FR = "(?:une|un)\\s+(?:enquete|reclamation|dossier|litige|ticket|signalement|demande\\s+d'enquete)";

const HANDOVER_RULES: Rule[] = [
  ...verbRules('handover', {
    en: {
      past: `${words('forwarded', 'passed', 'transferred', 'escalated', 'sent', 'shared', 'flagged', 'reported', 'raised', 'referred', 'handed', 'relayed', 'assigned', 'submitted', 'mentioned')}(?:\\s[^.;:!?]{1,60}?)?${TO_TEAM_EN}|${words('shared', 'raised', 'discussed', 'checked')}(?:\\s[^.;:!?]{1,60}?)?${WITH_TEAM_EN}|let${TEAM_EN_DIRECT}\\s+know${END}|${words('forwarded', 'escalated', 'transferred', 'relayed')}${REQUEST_EN}|escalated\\s+(?:this|it)${END}|${words('notified', 'alerted', 'informed', 'contacted', 'called', 'messaged', 'emailed', 'e-mailed', 'asked', 'pinged', 'looped\\s+in', 'checked\\s+with', 'spoken\\s+(?:to|with)', 'spoke\\s+(?:to|with)', 'talked\\s+to')}${TEAM_EN_DIRECT}|${words('opened', 'filed', 'lodged', 'raised', 'started', 'submitted')}\\s+${CASE_EN}`,
      base: `${words('forward', 'pass', 'transfer', 'escalate', 'send', 'share', 'flag', 'report', 'raise', 'refer', 'hand', 'relay', 'submit', 'mention')}(?:\\s[^.;:!?]{1,60}?)?${TO_TEAM_EN}|${words('share', 'raise', 'discuss', 'check')}(?:\\s[^.;:!?]{1,60}?)?${WITH_TEAM_EN}|let${TEAM_EN_DIRECT}\\s+know${END}|${words('forward', 'escalate', 'transfer', 'relay')}${REQUEST_EN}|escalate\\s+(?:this|it)${END}|${words('notify', 'alert', 'inform', 'contact', 'call', 'message', 'email', 'e-mail', 'ask', 'ping', 'loop\\s+in', 'check\\s+with', 'speak\\s+(?:to|with)', 'talk\\s+to')}${TEAM_EN_DIRECT}|${words('open', 'file', 'lodge', 'raise', 'start', 'submit')}\\s+${CASE_EN}`,
      ing: `${words('forwarding', 'passing', 'transferring', 'escalating', 'sending', 'sharing', 'flagging', 'reporting', 'raising', 'referring', 'handing', 'relaying', 'submitting', 'mentioning')}(?:\\s[^.;:!?]{1,60}?)?${TO_TEAM_EN}|${words('sharing', 'raising', 'discussing', 'checking')}(?:\\s[^.;:!?]{1,60}?)?${WITH_TEAM_EN}|letting${TEAM_EN_DIRECT}\\s+know${END}|${words('forwarding', 'escalating', 'transferring', 'relaying')}${REQUEST_EN}|escalating\\s+(?:this|it)${END}|${words('notifying', 'alerting', 'informing', 'contacting', 'calling', 'messaging', 'emailing', 'asking', 'checking\\s+with', 'speaking\\s+(?:to|with)', 'talking\\s+to')}${TEAM_EN_DIRECT}|${words('opening', 'filing', 'lodging', 'raising', 'starting', 'submitting')}\\s+${CASE_EN}`,
      object: '',
    },
    fr: {
      past: `(?:${agree('transmis', 'transfere', 'remonte', 'escalade', 'signale', 'partage', 'relaye', 'communique')}|fait\\s+(?:remonter|suivre))(?:\\s[^.;:!?]{1,60}?)?${TO_TEAM_FR}|${agree('partage', 'discute', 'verifie')}(?:\\s[^.;:!?]{1,60}?)?${WITH_TEAM_FR}|(?:${agree('transmis', 'transfere', 'escalade', 'relaye')}|fait\\s+(?:remonter|suivre))${REQUEST_FR}|${agree('contacte', 'appele', 'relance', 'sollicite', 'interroge', 'prevenu', 'informe', 'averti')}${TEAM_FR_DIRECT}|${agree('ouvert', 'lance', 'depose', 'cree', 'initie')}\\s+${CASE_FR}`,
      inf: `${words('transmettre', 'transferer', 'faire\\s+remonter', 'remonter', 'escalader', 'signaler', 'faire\\s+suivre', 'relayer', 'communiquer')}(?:\\s[^.;:!?]{1,60}?)?${TO_TEAM_FR}|${words('contacter', 'appeler', 'relancer', 'solliciter', 'interroger', 'prevenir', 'informer', 'voir\\s+avec', 'verifier\\s+avec')}${TEAM_FR_DIRECT}|${words('ouvrir', 'lancer', 'deposer', 'creer', 'initier')}\\s+${CASE_FR}`,
      future: `${words('transmettrai', 'transmettrons', 'transfererai', 'transfererons', 'signalerai', 'signalerons', 'ferai\\s+remonter', 'ferons\\s+remonter')}(?:\\s[^.;:!?]{1,60}?)?${TO_TEAM_FR}|${words('contacterai', 'contacterons', 'relancerai', 'relancerons')}${TEAM_FR_DIRECT}`,
      presentBare: `${words('transmets', 'transmettons', 'fais\\s+remonter', 'faisons\\s+remonter', 'remonte', 'remontons', 'transfere', 'transferons', 'signale', 'signalons', 'fais\\s+suivre', 'faisons\\s+suivre', 'relaie', 'relaye', 'relayons')}(?:\\s[^.;:!?]{1,60}?)?${TO_TEAM_FR}|${words('contacte', 'contactons', 'relance', 'relancons', 'previens', 'prevenons')}${TEAM_FR_DIRECT}|${words('ouvre', 'ouvrons')}\\s+${CASE_FR}`,
      object: '',
    },
  }),
  ...passiveRules('handover', `${W}(?:your|the|this)\\s+(?:request|message|feedback|complaint|case|ticket|query|question|claim|comments?|issue|report)(?:\\s+(?:about|regarding|for|on)\\s+[^,;:]{1,40}?)?\\s+`, {
    done: `${EN_BEEN}${words('forwarded', 'passed\\s+on', 'transferred', 'escalated', 'shared', 'flagged', 'reported', 'referred', 'handed\\s+over', 'relayed', 'assigned')}${END}`,
    promise: `${EN_WILL_BE}${words('forwarded', 'passed\\s+on', 'transferred', 'escalated', 'shared', 'flagged', 'referred', 'handed\\s+over', 'relayed', 'assigned')}${END}`,
  }),
  ...passiveRules('handover', `${W}(?:votre|la|ta|cette|ce|le)\\s+(?:demande|reclamation|requete|message|retour|remarque|dossier|question|signalement|commentaire)${COMPLEMENT}\\s+`, {
    done: `${FR_ETE}${agree('transmis', 'transfere', 'remonte', 'escalade', 'signale', 'relaye')}`,
    state: `${FR_EST}(?:${agree('transmis', 'transfere', 'escalade')}|entre\\s+les\\s+mains)`,
    promise: `${FR_SERA}${agree('transmis', 'transfere', 'remonte', 'escalade', 'signale', 'relaye')}`,
  }),
  rule(
    'handover',
    'promise',
    true,
    `${W}(?:a|one\\s+of\\s+my|one\\s+of\\s+our|my|our|the)\\s+(?:[a-z-]+\\s+){0,2}?(?:colleagues?|team|manager|supervisor|specialist|lead|department|warehouse|workshop)\\s+(?:will|'ll|is\\s+going\\s+to|are\\s+going\\s+to)\\s+${EN_ADV}(?:contact\\s+you|get\\s+back\\s+to\\s+you|be\\s+in\\s+touch|reach\\s+out|call\\s+you|follow\\s+up|look\\s+into|investigate|review|handle|email\\s+you|write\\s+to\\s+you)${END}`,
  ),
  rule(
    'handover',
    'promise',
    true,
    `${W}(?:une?\\s+(?:de\\s+(?:mes|nos)\\s+)?collegues?|(?:notre|nos|le|la|mon|ma)\\s+(?:[a-z-]+\\s+){0,2}?(?:equipes?|service|responsable|atelier|entrepot|collegues?|superviseur|manager))(?:\\s+[a-z-]+){0,3}?\\s+(?:(?:va|vont|devrait|doit)\\s+(?:vous\\s+)?(?:recontacter|contacter|revenir|rappeler|ecrire|examiner|etudier|traiter|verifier|regarder)|(?:vous\\s+)?(?:recontactera|contactera|reviendra|rappellera|ecrira|recontacteront|contacteront|reviendront))${END}`,
  ),
  // A look-up or a later reply promised in the first person: a text-only answer cannot check a
  // system and come back, so the customer would wait for nothing.
  rule(
    'handover',
    'promise',
    true,
    `${W}(?:(?:give|allow|grant)\\s+(?:me|us)\\s+(?:a\\s+)?(?:moment|minute|few\\s+(?:moments|minutes))\\s+(?:to|while\\s+(?:i|we))\\s+(?:access|check|look|review|retrieve|pull|gather|investigate|verify|track|locate|find|get)|(?:i|we)(?:'ll|\\s+will)\\s+(?:(?:promptly|shortly|quickly|personally|then)\\s+)?(?:get\\s+back\\s+to\\s+you|follow\\s+up\\s+(?:with\\s+you|on\\s+(?:this|it|your))|keep\\s+you\\s+(?:updated|posted|informed)|provide\\s+you\\s+with\\s+(?:the\\s+|an?\\s+)?(?:[a-z-]+\\s+){0,3}?(?:details|information|updates?|status)\\s+(?:shortly|soon|as\\s+soon|once)))${END}`,
  ),
  rule(
    'handover',
    'promise',
    // "Dès que possible" reads as a condition; it is not one.
    false,
    `${W}(?:je|nous)\\s+(?:(?:reviens|revenons|reviendrai|reviendrons)\\s+vers\\s+vous|vous\\s+(?:tiens|tenons|tiendrai|tiendrons)\\s+(?:au\\s+courant|informee?s?)|(?:vais|allons)\\s+(?:revenir\\s+vers\\s+vous|vous\\s+tenir\\s+(?:au\\s+courant|informee?s?)))${END}`,
  ),
];

const RULES: readonly Rule[] = [
  ...REFUND_RULES,
  ...CANCELLATION_RULES,
  ...SENDING_RULES,
  ...CREDIT_RULES,
  ...DOCUMENT_RULES,
  ...EDIT_RULES,
  ...SUBSCRIPTION_RULES,
  ...HANDOVER_RULES,
];

/**
 * Words one of which every match of a rule's needed part holds ("refunded", "reimbursed"…), indexed so that
 * one pass over a text finds them all: a text holds a few, so it looks at the few rules they name instead
 * of testing the 150 rules in turn. Read from the patterns on the first text, not when the module loads
 * (80 ms of every command's start, most of which never read a claim).
 */
interface WordIndex {
  words: LiteralIndex;
  /** By a word's id, the rules it lets through. */
  rulesByWord: ReadonlyArray<readonly number[]>;
  /** Rules no word vouches for: tested on every text. */
  rulesWithoutWords: readonly number[];
}

let wordIndexOnce: WordIndex | undefined;
function wordIndex(): WordIndex {
  if (wordIndexOnce) return wordIndexOnce;
  const words = new LiteralIndex();
  // When every match holds one of some words (ASCII, as folded text is), their ids; otherwise undefined.
  const wordsOf = (source: string) => {
    const literals = requiredLiterals(source);
    return literals?.every((literal) => /^[\x00-\x7f]+$/.test(literal)) ? literals.map((literal) => words.id(literal)) : undefined;
  };
  // Rules sharing a verb share its part, whose words are read once.
  const partWords = new Map<number, number[] | undefined>();
  const ruleWords = RULES.map(({ needs }) => {
    if (!needs) return undefined;
    if (!partWords.has(needs.id)) partWords.set(needs.id, wordsOf(needs.source));
    return partWords.get(needs.id);
  });
  const rulesByWord = Array.from({ length: words.size }, (): number[] => []);
  ruleWords.forEach((ids, index) => ids?.forEach((id) => rulesByWord[id]!.push(index)));
  const rulesWithoutWords = ruleWords.flatMap((ids, index) => (ids === undefined ? [index] : []));
  return (wordIndexOnce = { words, rulesByWord, rulesWithoutWords });
}

/** Per rule, 1 when the folded text holds one of its needed words (or it needs none). */
function rulesWithWords(folded: string): Uint8Array {
  const { words, rulesByWord, rulesWithoutWords } = wordIndex();
  const candidates = new Uint8Array(RULES.length);
  for (const index of rulesWithoutWords) candidates[index] = 1;
  for (const id of words.found(folded)) for (const index of rulesByWord[id]!) candidates[index] = 1;
  return candidates;
}

// ---------------------------------------------------------------------------------------------------------
// What turns a match into policy, an offer or a refusal

/** "Would you like me to…", "souhaitez-vous que…": the customer is asked, nothing is done. */
const OFFER_RE =
  /(?<![a-z])(?:would\s+you\s+(?:like|prefer)|do\s+you\s+(?:want|wish|prefer)|shall\s+(?:i|we)|should\s+(?:i|we)|can\s+i|may\s+i|let\s+(?:me|us)\s+know\s+(?:if|whether)|tell\s+(?:me|us)\s+(?:if|whether)|if\s+you(?:'d|\s+would)\s+(?:like|prefer)|if\s+you\s+(?:prefer|wish|want)|souhaite(?:z|riez)-vous|voule?z-vous|voudriez-vous|prefere(?:z|riez)-vous|desirez-vous|dois-je|puis-je|faut-il|est-ce\s+que\s+vous\s+(?:souhaitez|voulez|preferez)|(?:dites|indiquez|faites)-(?:moi|nous)\s+(?:si|savoir\s+si)|si\s+vous\s+(?:le\s+)?(?:souhaitez|preferez|voulez|desirez))(?![a-z])/;

/** A condition the customer (or the parcel) has to meet first: the sentence restates policy. */
const CONDITION_RE =
  /(?<![a-z])(?:once|as\s+soon\s+as|upon|on\s+(?:receipt|receiving|request)|of\s+(?:receiving|receipt)|after\s+(?:we|you|your|the|it|receiving|receipt|inspection|checking)|when\s+(?:we|you|your|the|it|they)|if\s+(?:you|your|the|it|they|we|this|an|a|any)|in\s+case|unless|provided|as\s+long\s+as|des\s+(?:reception|que|qu'|votre|le|la|l'|les|validation|retour)|une\s+fois\s+(?:que|qu'|votre|le|la|l'|les|ce|cet|cette|recu|recus|recue)|apres\s+(?:reception|verification|controle|validation|avoir|votre|le|la|l'|les|retour)|a\s+(?:la\s+)?reception|lors\s+de\s+(?:la\s+)?reception|sur\s+(?:photo|presentation|justificatif|demande|envoi)|si\s+(?:vous|votre|vos|le|la|l'|les|ce|cela|ca|tu|ton|ta|un|une)|s'ils?|lorsque|lorsqu'|quand\s+(?:vous|votre|nous|le|la|l'|il|elle|les)|tant\s+que|a\s+condition|sous\s+reserve|sauf\s+si|en\s+cas\s+d)(?:(?<=')|(?![a-z]))/;
/** Conditions in name only. */
const NOT_A_CONDITION_RE =
  /if\s+you\s+(?:have|need)\s+(?:any\s+)?(?:other\s+|further\s+|more\s+)?(?:questions?|help|anything|assistance|information)|if\s+there(?:'s|\s+is)\s+anything|s'il\s+vous\s+plait|si\s+vous\s+avez\s+(?:d'autres\s+|des\s+|la\s+moindre\s+|une\s+)?(?:questions?|besoin)/g;

const NEGATION_RE = /(?<![a-z])(?:not|no|never|cannot|unable|ne|pas|aucun|aucune|jamais|impossible)(?![a-z])|(?<![a-z])n'|n't(?![a-z])/;
/** Words that look negative and deny nothing. */
const NOT_A_NEGATION_RE =
  /n'hesite[a-z]*\s+pas|(?:do\s+not|don't)\s+(?:hesitate|worry)|no\s+(?:need|problem|worries|later\s+than)|not\s+to\s+worry|at\s+no\s+(?:extra\s+|additional\s+)?(?:cost|charge)|pas\s+(?:de\s+(?:souci|soucis|probleme)|besoin)|ne\s+vous\s+inquietez\s+pas|ne\s+manquez\s+pas/g;
/** How far back a negation can reach into the clause before a match. */
const NEGATION_REACH = 50;

/** Clause boundaries for negations and trailing conditions; a line (a greeting, a list item) is one too. */
const CLAUSE_BREAK_RE = /[,;:\n]|\s(?:and|but|et|mais|puis|then|so|donc)\s/g;

function lastClauseBreak(text: string): number {
  let end = 0;
  for (const m of matchesOf(CLAUSE_BREAK_RE, text)) end = m.index + m[0].length;
  return end;
}

function firstClauseBreak(text: string): number {
  const index = text.search(CLAUSE_BREAK_RE);
  return index < 0 ? text.length : index;
}

const hasCondition = (text: string) => CONDITION_RE.test(text.replace(NOT_A_CONDITION_RE, (phrase) => ' '.repeat(phrase.length)));

// ---------------------------------------------------------------------------------------------------------
// Sentences and folding

interface Sentence {
  start: number;
  end: number;
  question: boolean;
}

/**
 * Sentence ends: ".", "!", "?", ";" before a space or the end (so "49.90" and "maisonlune.fr" do not end one),
 * or a blank line. A single line break does not: e-mails wrap sentences.
 */
const SENTENCE_END_RE = /[.!?;]+(?=\s|$)|\n\s*\n/g;

function sentences(text: string): Sentence[] {
  const found: Sentence[] = [];
  let start = 0;
  for (const m of matchesOf(SENTENCE_END_RE, text)) {
    found.push({ start, end: m.index, question: m[0].includes('?') });
    start = m.index + m[0].length;
  }
  found.push({ start, end: text.length, question: false });
  return found.filter((sentence) => sentence.end > sentence.start);
}

/** Key facts' folding, plus typographic apostrophes and hyphens made plain; one unit per unit. */
function fold(text: string): string {
  return foldAccents(text).replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'").replace(/[\u2010\u2011]/g, '-');
}

// ---------------------------------------------------------------------------------------------------------
// Detection

/** How far around a match, within its sentence, an offer, a negation or a condition is looked for; bounded so long texts stay linear. */
const CONTEXT_REACH = 200;

function isPolicyOrRefusal(rule: Rule, folded: string, sentence: Sentence, start: number, end: number): boolean {
  const before = folded.slice(Math.max(sentence.start, start - CONTEXT_REACH), start);
  if (OFFER_RE.test(before)) return true;
  const clauseBefore = before.slice(lastClauseBreak(before));
  if (NEGATION_RE.test(clauseBefore.slice(-NEGATION_REACH).replace(NOT_A_NEGATION_RE, (phrase) => ' '.repeat(phrase.length)))) return true;
  // "Once your refund has been processed, …": even a past act is hypothetical inside its own condition.
  if (hasCondition(clauseBefore)) return true;
  if (!rule.conditional) return false;
  if (sentence.question) return true;
  const after = folded.slice(end, Math.min(sentence.end, end + CONTEXT_REACH));
  return hasCondition(before) || hasCondition(after.slice(0, firstClauseBreak(after)));
}

/**
 * What the text says was done, or will be done, in another system. Run it on a candidate's answer to find
 * claims a text-only responder cannot have made true, and on the agent's reply to mark action tickets.
 * `language` is only a hint and does not narrow matching: French and English are always both checked.
 */
export function detectActionClaims(text: string, language?: string): ActionClaim[] {
  return recentClaims(text, () => claimsIn(text)).slice();
}

/** An answer two candidates sent, or a past reply a candidate reuses, is read once. */
const recentClaims = textReader<ActionClaim[]>();

/**
 * Whether the text claims any action: what marks an agent's reply as an action ticket. The first claim
 * found settles it, so the rules after it are not run.
 */
export function hasActionClaim(text: string): boolean {
  return !claimsFound(text).next().done;
}

function claimsIn(text: string): ActionClaim[] {
  return [...claimsFound(text)].sort((a, b) => a.start - b.start).map(({ kind, form, excerpt }) => ({ kind, form, excerpt }));
}

/** The claims in the order the rules find them, each with where it starts. */
function* claimsFound(text: string): Generator<ActionClaim & { start: number }> {
  const written = text.normalize('NFC');
  const folded = fold(written);
  const all = sentences(folded);
  const spans = new Map<ActionKind, Span[]>();
  const candidates = rulesWithWords(folded);
  // Per part, whether its pattern is in the text: 0 not looked for yet, 1 found, 2 not found.
  const parts = new Uint8Array(partCount);
  const partFound = ({ id, pattern }: NeededPart) => {
    if (parts[id] === 0) {
      if (pattern && partsRun[id] === 0) compileAtOnce(pattern, partsRun, id);
      parts[id] = pattern === undefined || pattern.test(folded) ? 1 : 2;
    }
    return parts[id] === 1;
  };
  for (let index = 0; index < RULES.length; index++) {
    const rule = RULES[index]!;
    if (candidates[index] === 0 || (rule.needs && !partFound(rule.needs))) continue;
    if (rulesRun[index] === 0) compileAtOnce(rule.re, rulesRun, index);
    for (const { match, sentence } of matchesWithinSentences(rule.re, folded, all)) {
      const start = sentence.start + match.index;
      const end = start + match[0].length;
      const excerpt = written.slice(start, end).trim();
      const kind = typeof rule.kind === 'string' ? rule.kind : rule.kind(match.groups?.obj ?? '');
      if (!kind || (rule.accept && !rule.accept(excerpt))) continue;
      const taken = spans.get(kind) ?? [];
      const at = firstEndingAfter(taken, start);
      if (at < taken.length && taken[at]![0] < end) continue;
      if (isPolicyOrRefusal(rule, folded, sentence, start, end)) continue;
      taken.splice(at, 0, [start, end]);
      spans.set(kind, taken);
      yield { kind, form: rule.form, excerpt, start };
    }
  }
}

/**
 * V8 runs a pattern first from bytecode and compiles it to machine code for its next run, unless that
 * first run reads 1,000 characters or more. The rules' long patterns cost more to make into bytecode
 * than into machine code (about 0.2 s of the first texts read, on each judging thread) and each is run
 * on thousands of texts, so each one's first run is on a blank text that long: it is compiled at once.
 * Which pattern has run is kept per rule and per part, 1 once it has.
 */
const LONG_BLANK = ' '.repeat(1000);
const rulesRun = new Uint8Array(RULES.length);
const partsRun = new Uint8Array(partCount);

function compileAtOnce(re: RegExp, run: Uint8Array, index: number): void {
  re.lastIndex = 0;
  re.test(LONG_BLANK);
  run[index] = 1;
}

/** [start, end) of a claim in the text. */
type Span = [number, number];

/** Index of the first span ending after `position`, in disjoint spans sorted by position (one kind's claims never overlap). */
function firstEndingAfter(spans: readonly Span[], position: number): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (spans[middle]![1] <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A rule's matches, each inside one sentence, with its index relative to that sentence. Matching the whole
 * text once is much cheaper than matching each sentence; the rare match that runs over a sentence end is
 * redone inside its sentence, and matching resumes at the next sentence.
 */
function* matchesWithinSentences(re: RegExp, folded: string, all: readonly Sentence[]): Generator<{ match: RegExpExecArray; sentence: Sentence }> {
  let current = 0;
  re.lastIndex = 0;
  for (let match = re.exec(folded); match; match = re.exec(folded)) {
    while (current < all.length - 1 && all[current]!.end <= match.index) current++;
    const sentence = all[current]!;
    const resume = re.lastIndex;
    if (match.index + match[0].length <= sentence.end) {
      match.index -= sentence.start;
      yield { match, sentence };
      re.lastIndex = resume;
      continue;
    }
    const slice = folded.slice(sentence.start, sentence.end);
    const inner = new RegExp(re);
    for (let part = inner.exec(slice); part; part = inner.exec(slice)) yield { match: part, sentence };
    re.lastIndex = Math.max(sentence.end, match.index + 1);
  }
}
