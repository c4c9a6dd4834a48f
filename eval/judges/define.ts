import type { z } from 'zod';
import type { Customer } from '../../datasets/records.ts';
import type { StrictOptions } from '../responders/define.ts';
import type { AnswerCommon, Source } from '../types.ts';
import type { FactComparison } from './key-facts.ts';
import type { SemanticPair, UnrelatedSimilarities } from './semantic.ts';
import type { JudgeScore } from './types.ts';

/** What a text judge reads of an answer: its text and what its tools did (its decision, confidence and sources are read around the judges: the verdict, the cited texts). */
export type JudgedAnswer = Pick<AnswerCommon, 'text' | 'actions'>;

/**
 * What is known of one answer to one ticket as text: the texts, what the answer cited, the ticket's
 * labels. Text judges read only this and the facts read in it, so a worker thread can judge it.
 */
export interface JudgeTexts {
  answer: JudgedAnswer;
  /** The answer and the agent's reply without the @handles a Twitter reply opens with. */
  said: string;
  wanted: string;
  /** The customer's first message. */
  question: string;
  language?: string;
  /** The catalogue's product names, which count as facts. */
  products: readonly string[];
  customer: Customer;
  /** What the cited sources say: a past reply is told apart from an article or the customer's order. */
  citedSources: ReadonlyArray<{ type: Source['type']; text: string }>;
  /** The brand's own accounts (the agents' names in the thread). */
  brandHandles: readonly string[];
  /** The customer's orders, when the history knows them. */
  ownOrderIds?: string[];
  /** The macro the agent applied, and the one the answer's sources came from. */
  agentMacro?: string;
  answerMacro?: string;
  /** The intent the export labelled the ticket with, and the one of the past ticket the answer reused. */
  ticketIntent?: string;
  answerIntent?: string;
}

/** What a text judge reads: the texts, and the facts both sides state, compared once for several judges. */
export interface TextJudgeCase extends JudgeTexts {
  facts: JudgeScore & { comparison: FactComparison };
}

/** The evidence made once for a whole run on the thread judging it: the embeddings, and the LLM rubric asked in one batch. */
export interface JudgeEvidence {
  semantic: { pair: SemanticPair; negatives: readonly Float32Array[]; unrelated: UnrelatedSimilarities };
  /** The LLM rubric's score, asked for every answer at once; absent without an LLM judge. */
  llm?: JudgeScore;
}

/** Everything known about one answer to one ticket when it is judged. */
export interface JudgeCase extends TextJudgeCase, JudgeEvidence {}

interface JudgeDefinitionBase<Name extends string, Options extends StrictOptions> {
  name: Name;
  /** One sentence for a support lead: what it checks. */
  summary: string;
  options: Options;
  /** Settings a config could give it, for judges that need some. */
  example?: z.input<Options>;
}

/** A judge of the texts: its name (what verdict rules refer to), what it checks, its settings and how to build it. */
export interface TextJudgeDefinition<Name extends string = string, Options extends StrictOptions = StrictOptions> extends JudgeDefinitionBase<Name, Options> {
  reads?: 'texts';
  /** The judge for a run: a score for one case, or nothing when it does not apply. */
  create(options: z.output<Options>): (input: TextJudgeCase) => JudgeScore | undefined;
}

/** A judge of the run's evidence (embeddings, an LLM's scores), which exists only on the thread that made it. */
export interface EvidenceJudgeDefinition<Name extends string = string, Options extends StrictOptions = StrictOptions> extends JudgeDefinitionBase<Name, Options> {
  reads: 'evidence';
  /** The judge for a run: a score for one case, or nothing when it does not apply (an LLM judge not configured). */
  create(options: z.output<Options>): (input: JudgeEvidence) => JudgeScore | undefined;
}

export type JudgeDefinition<Name extends string = string, Options extends StrictOptions = StrictOptions> = TextJudgeDefinition<Name, Options> | EvidenceJudgeDefinition<Name, Options>;

export function defineJudge<const Name extends string, Options extends StrictOptions>(definition: TextJudgeDefinition<Name, Options>): TextJudgeDefinition<Name, Options> {
  return definition;
}

export function defineEvidenceJudge<const Name extends string, Options extends StrictOptions>(definition: Omit<EvidenceJudgeDefinition<Name, Options>, 'reads'>): EvidenceJudgeDefinition<Name, Options> {
  return { ...definition, reads: 'evidence' };
}

/** The judge a definition builds with its defaults (or its example). */
export function createWithDefaults<D extends JudgeDefinition>(definition: D): ReturnType<D['create']> {
  return definition.create(definition.options.parse(definition.example ?? {})) as ReturnType<D['create']>;
}

/** A judged ticket keeps only a judge's score and reason, not the evidence it returned with them. */
export function scoreOnly({ judge, score, reason }: JudgeScore): JudgeScore {
  return { judge, score, reason };
}

/** The options the fact-reading judges take: the catalogue's products, and the language when known. */
export function factOptionsOf(input: JudgeTexts): { products: readonly string[]; language?: string } {
  return { products: input.products, ...(input.language && { language: input.language }) };
}
