import { z } from 'zod';
import { ShadowdeskError } from '../../errors.ts';
import { markdownList } from '../docs-list.ts';
import { LLM_ENDPOINT } from '../llm/endpoint-schema.ts';
import { actions } from './actions-done.ts';
import { judgeAskedFacts } from './asked-facts.ts';
import { conflicts } from './conflicts.ts';
import { judgeDeflection } from './deflection.ts';
import { defineJudge, scoreOnly, type JudgeCase, type JudgeDefinition } from './define.ts';
import { judgeEntities } from './entities.ts';
import { judgeGrounding } from './grounding.ts';
import { judgeLanguage } from './language.ts';
import { judgeIntent, judgeMacro } from './macro.ts';
import { judgeSafety } from './safety.ts';
import { judgeSemantic, judgeTopic } from './semantic.ts';
import type { JudgeScore } from './types.ts';
import { judgeWording } from './wording.ts';

/** The options every deterministic judge takes: none. */
const NONE = z.strictObject({});

const factOptions = (input: JudgeCase) => ({ products: input.products, ...(input.language && { language: input.language }) });

/*
 * The judges that were wired by hand before the map are defined here, next to each other: their
 * modules sit below this file's case type (it reads their evidence types). A new judge is its own
 * module with its `defineJudge` and one line in `judgeMap` below.
 */

const keyFacts = defineJudge({
  name: 'key-facts',
  summary: 'the agent’s facts (amounts, durations, dates, order and tracking numbers, links, e-mails, product names) the answer states',
  options: NONE,
  create: () => ({ facts: { comparison: _comparison, ...score } }) => score,
});

const askedFacts = defineJudge({
  name: 'asked-facts',
  summary: 'the fact the customer asked for is among those the answer states',
  options: NONE,
  create: () => (input) => judgeAskedFacts(input.question, input.facts.comparison, factOptions(input)),
});

const entities = defineJudge({
  name: 'entities',
  summary: 'what both texts name, slot by slot (the product, the customer, a number of codes, “we can” or “we can’t”): another value than the agent’s makes the answer wrong',
  options: NONE,
  create: () => (input) => scoreOnly(judgeEntities(input.wanted, input.said, factOptions(input))),
});

const semantic = defineJudge({
  name: 'semantic',
  summary: 'closer in meaning to the agent’s reply than to the replies of similar tickets',
  options: NONE,
  create: () => ({ semantic: { pair, negatives } }) => scoreOnly(judgeSemantic(pair, negatives)),
});

const topic = defineJudge({
  name: 'topic',
  summary: 'closer in meaning to the agent’s reply than replies to random tickets are: on topic',
  options: NONE,
  create: () => ({ semantic: { pair, unrelated } }) => scoreOnly(judgeTopic(pair, unrelated)),
});

const wording = defineJudge({
  name: 'wording',
  summary: 'how much of the agent’s reply the answer says in the same words (a near copy is checked evidence; closeness of meaning is not)',
  options: NONE,
  create: () => (input) => judgeWording(input.wanted, input.said),
});

const deflection = defineJudge({
  name: 'deflection',
  summary: '“contact our support team” where the agent answered: the customer is handed on',
  options: NONE,
  create: () => (input) => judgeDeflection(input.question, input.wanted, input.said),
});

const language = defineJudge({
  name: 'language',
  summary: 'written in the customer’s language',
  options: NONE,
  create: () => (input) => judgeLanguage({ ...(input.language && { language: input.language }), question: input.question, answer: input.answer.text }),
});

const macro = defineJudge({
  name: 'macro',
  summary: 'the macro the agent applied, where the export records it',
  options: NONE,
  create: () => (input) => judgeMacro(input.agentMacro, input.answerMacro),
});

const intent = defineJudge({
  name: 'intent',
  summary: 'the intent the export labelled the ticket with',
  options: NONE,
  create: () => (input) => judgeIntent(input.ticketIntent, input.answerIntent),
});

const grounding = defineJudge({
  name: 'grounding',
  summary: 'every fact the answer states is in a cited source, a tool’s result or the customer’s message',
  options: NONE,
  create: () => (input) => {
    // What the customer wrote supports the answer too: repeating their own order number is not an invention.
    // What a tool reported back (the code it made, the sum it refunded) is a source for what the answer says of it.
    const toolResults = (input.answer.actions ?? []).flatMap((action) => (action.ok && action.result ? [action.result] : []));
    const sources = [...input.citedSources.map((source) => source.text), ...toolResults, input.question];
    return scoreOnly(judgeGrounding({ answer: input.answer.text, sources, customer: input.customer, ...factOptions(input) }));
  },
});

const safety = defineJudge({
  name: 'safety',
  summary: 'an obeyed prompt injection, a promise no policy makes, another customer’s data',
  options: NONE,
  create: () => (input) =>
    scoreOnly(
      judgeSafety({
        question: input.question,
        answer: input.answer.text,
        sources: input.citedSources,
        customer: input.customer,
        brandHandles: input.brandHandles,
        // Without known orders the numbers the customer quoted count as theirs (the judge's own rule).
        ...(input.ownOrderIds && { ownOrderIds: input.ownOrderIds }),
        ...(input.language && { language: input.language }),
      }),
    ),
});

/** Asked for every answer at once before the other judges (the endpoint bounds the calls in flight); its score is in the case. */
const llm = defineJudge({
  name: 'llm',
  summary: 'an LLM rubric reading the question, the agent’s reply and the answer, when a config declares one',
  options: z.strictObject(LLM_ENDPOINT),
  example: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.1' },
  create: () => (input) => input.llm,
});

type ByName<T extends readonly JudgeDefinition[]> = { readonly [D in T[number] as D['name']]: D };
export type JudgeMap = Readonly<Record<string, JudgeDefinition>>;

/** A map keyed by each judge's own name, in the order a judged ticket lists their scores. */
export function judgeMap<const T extends readonly JudgeDefinition[]>(definitions: T): ByName<T> {
  const names = definitions.map((definition) => definition.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new ShadowdeskError('SD_INPUT_INVALID', `two judges are named "${twice}"`);
  return Object.fromEntries(definitions.map((definition) => [definition.name, definition])) as ByName<T>;
}

export const JUDGES = judgeMap([actions, keyFacts, askedFacts, conflicts, entities, semantic, topic, wording, deflection, language, macro, intent, grounding, safety, llm]);
/** What verdict rules may refer to: a name not in the map does not type-check. */
export type JudgeName = keyof typeof JUDGES;

/** Every judge of the map, built with its defaults (or its example), in the map's order. */
export function createJudges(map: JudgeMap = JUDGES): Array<(input: JudgeCase) => JudgeScore | undefined> {
  return Object.values(map).map((definition) => definition.create(definition.options.parse(definition.example ?? {})));
}

/** The scores of every judge that applies to the case. */
export function judgeCase(judges: ReadonlyArray<(input: JudgeCase) => JudgeScore | undefined>, input: JudgeCase): JudgeScore[] {
  return judges.flatMap((judge) => judge(input) ?? []);
}

/** The judges a verdict rule can refer to, for help and errors. */
export function judgesHelp(map: JudgeMap = JUDGES): string {
  return Object.values(map)
    .map((definition) => `${definition.name}: ${definition.summary}`)
    .join('\n');
}

/** The judges as the support lead's guide lists them (generated: see its test). */
export function judgesDocList(map: JudgeMap = JUDGES): string {
  return markdownList(Object.values(map));
}
