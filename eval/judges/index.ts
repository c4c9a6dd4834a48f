import { z } from 'zod';
import { markdownList } from '../../datasets/text/docs-list.ts';
import { actions } from './actions-done.ts';
import { askedFacts } from './asked-facts.ts';
import { conflicts } from './conflicts.ts';
import { deflection } from './deflection.ts';
import { createWithDefaults, defineEvidenceJudge, defineJudge, scoreOnly, type JudgeCase, type JudgeDefinition } from './define.ts';
import { namedMap, type ByName } from '../named-map.ts';
import { entities } from './entities.ts';
import { grounding } from './grounding.ts';
import { language } from './language.ts';
import { llm } from './llm-judge.ts';
import { intent, macro } from './macro.ts';
import { safety } from './safety.ts';
import { judgeSemantic, judgeTopic } from './semantic.ts';
import type { JudgeScore } from './types.ts';
import { wording } from './wording.ts';

/*
 * Each judge's definition sits in its own module, except these three: their modules are below the
 * case type (define.ts reads their evidence types), so they cannot import it back.
 */

/** Those three take no settings. */
const NONE = z.strictObject({});

const keyFacts = defineJudge({
  name: 'key-facts',
  summary: 'the agent’s facts (amounts, durations, dates, order and tracking numbers, links, e-mails, product names) the answer states',
  options: NONE,
  create: () => ({ facts }) => scoreOnly(facts),
});

const semantic = defineEvidenceJudge({
  name: 'semantic',
  summary: 'closer in meaning to the agent’s reply than to the replies of similar tickets',
  options: NONE,
  create: () => ({ semantic: { pair, negatives } }) => scoreOnly(judgeSemantic(pair, negatives)),
});

const topic = defineEvidenceJudge({
  name: 'topic',
  summary: 'closer in meaning to the agent’s reply than replies to random tickets are: on topic',
  options: NONE,
  create: () => ({ semantic: { pair, unrelated } }) => scoreOnly(judgeTopic(pair, unrelated)),
});

export type JudgeMap = Readonly<Record<string, JudgeDefinition>>;

/** A map keyed by each judge's own name, in the order a judged ticket lists their scores. */
export function judgeMap<const T extends readonly JudgeDefinition[]>(definitions: T): ByName<T> {
  return namedMap(definitions, (name) => `two judges are named "${name}"`);
}

export const JUDGES = judgeMap([actions, keyFacts, askedFacts, conflicts, entities, semantic, topic, wording, deflection, language, macro, intent, grounding, safety, llm]);
/** What verdict rules may refer to: a name not in the map does not type-check. */
export type JudgeName = keyof typeof JUDGES;

/** Every judge of the map, built with its defaults (or its example), in the map's order. */
export function createJudges(map: JudgeMap = JUDGES): Array<(input: JudgeCase) => JudgeScore | undefined> {
  return Object.values(map).map(createWithDefaults);
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
