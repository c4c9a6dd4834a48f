import { z } from 'zod';
import { defineJudge } from './define.ts';
import { textReader } from './recent.ts';
import type { JudgeScore } from './types.ts';

/**
 * Language judge: an answer must be in the customer's language. A reply in English to a German
 * customer is not a resolution, however close its meaning is to the agent's (multilingual models
 * put translations side by side). The language is told by function words, which every sentence
 * has and which the languages of European helpdesks do not share much.
 */

/** Frequent function words of each language; a word listed for two languages tells nothing and is dropped below. */
const FUNCTION_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['the', 'and', 'you', 'your', 'is', 'are', 'to', 'of', 'for', 'with', 'this', 'that', 'we', 'have', 'will', 'please', 'can', 'not', 'it', 'be', 'our', 'if', 'thank', 'thanks', 'hi', 'hello', 'would', 'could', 'from', 'my'],
  fr: ['le', 'la', 'les', 'et', 'vous', 'votre', 'vos', 'est', 'pour', 'avec', 'nous', 'une', 'des', 'du', 'au', 'aux', 'je', 'ne', 'pas', 'merci', 'bonjour', 'sur', 'dans', 'qui', 'que', 'cette', 'mon', 'ma', 'mes', 'sont'],
  de: ['der', 'die', 'das', 'und', 'sie', 'ihr', 'ihre', 'ist', 'nicht', 'mit', 'für', 'wir', 'ich', 'ein', 'eine', 'zu', 'auf', 'bitte', 'danke', 'haben', 'wird', 'werden', 'den', 'dem', 'mein', 'meine', 'sehr', 'geehrte', 'auch', 'können'],
  es: ['el', 'los', 'las', 'usted', 'su', 'sus', 'es', 'para', 'con', 'nosotros', 'una', 'del', 'al', 'yo', 'no', 'gracias', 'hola', 'por', 'que', 'como', 'esta', 'este', 'mi', 'mis', 'son', 'estimado', 'favor', 'pero', 'puede'],
  pt: ['os', 'você', 'seu', 'sua', 'é', 'para', 'nós', 'uma', 'da', 'dos', 'das', 'eu', 'não', 'obrigado', 'olá', 'por', 'que', 'como', 'esta', 'este', 'meu', 'minha', 'são', 'prezado', 'favor'],
  it: ['il', 'lo', 'gli', 'lei', 'suo', 'sua', 'è', 'con', 'noi', 'una', 'del', 'della', 'io', 'non', 'grazie', 'ciao', 'che', 'come', 'questa', 'questo', 'mio', 'mia', 'sono', 'gentile', 'buongiorno', 'nel', 'alla', 'anche'],
  nl: ['het', 'een', 'uw', 'is', 'niet', 'met', 'voor', 'wij', 'ik', 'op', 'te', 'van', 'dank', 'bedankt', 'hallo', 'dat', 'die', 'deze', 'mijn', 'zijn', 'graag', 'ook', 'kunt', 'heeft', 'wordt', 'geachte', 'maar'],
};

const listedIn = new Map<string, number>();
for (const words of Object.values(FUNCTION_WORDS)) for (const word of words) listedIn.set(word, (listedIn.get(word) ?? 0) + 1);
const WORDS_BY_LANGUAGE = new Map(Object.entries(FUNCTION_WORDS).map(([language, words]) => [language, new Set(words.filter((word) => listedIn.get(word) === 1))]));
/** Each function word left to the one language that lists it: a word is looked up once, not once per language. */
const LANGUAGE_OF_WORD = new Map([...WORDS_BY_LANGUAGE].flatMap(([language, words]) => [...words].map((word) => [word, language] as const)));

/** Fewer function words than this and the text is too short to tell. */
const MIN_HITS = 3;
/** The winner must have this many times the runner-up's hits. */
const MARGIN = 2;

/** The text's language (ISO 639-1) when its function words say so clearly, else undefined. */
export function detectLanguage(text: string): string | undefined {
  return recentLanguages(text, () => languageOfWords(text));
}

/** The customer's message is told once, not once per candidate. */
const recentLanguages = textReader<string | undefined>();

/** A module constant: tsx's esbuild writes a \p{…} literal as `new RegExp` where it stands. */
const WORD_RE = /\p{L}+/gu;

function languageOfWords(text: string): string | undefined {
  const words = text.toLowerCase().match(WORD_RE) ?? [];
  const hits = new Map<string, number>();
  for (const word of words) {
    const language = LANGUAGE_OF_WORD.get(word);
    if (language !== undefined) hits.set(language, (hits.get(language) ?? 0) + 1);
  }
  const [first, second] = [...hits].sort((a, b) => b[1] - a[1]);
  if (!first || first[1] < MIN_HITS || (second && first[1] < MARGIN * second[1])) return undefined;
  return first[0];
}

/**
 * The two-letter code of a ticket's language field ("fr", "fr-FR" give "fr"). Readers already turn
 * the names some exports write ("French") into codes (`languageOf` in datasets/readers/_tickets.ts).
 */
function languageCode(language: string | undefined): string | undefined {
  const lower = language?.toLowerCase();
  return lower && /^[a-z]{2}(?:[-_]|$)/.test(lower) ? lower.slice(0, 2) : undefined;
}

export interface LanguageInput {
  /** The ticket's language field, when the export has one. */
  language?: string;
  question: string;
  answer: string;
}

/** 0 when the answer is clearly in another language than the customer's, 1 when in theirs, null when either cannot be told. */
export function judgeLanguage({ language, question, answer }: LanguageInput): JudgeScore {
  const customer = languageCode(language) ?? detectLanguage(question);
  const answered = detectLanguage(answer);
  if (!customer || !WORDS_BY_LANGUAGE.has(customer) || !answered) return { judge: 'language', score: null, reason: 'the languages cannot both be told' };
  if (answered !== customer) return { judge: 'language', score: 0, reason: `the customer wrote in ${customer}, the answer is in ${answered}` };
  return { judge: 'language', score: 1, reason: `in the customer's language (${customer})` };
}

export const language = defineJudge({
  name: 'language',
  summary: 'written in the customer’s language',
  options: z.strictObject({}),
  create: () => (input) => judgeLanguage({ ...(input.language && { language: input.language }), question: input.question, answer: input.answer.text }),
});
