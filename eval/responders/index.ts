import { ShadowdeskError } from '../../errors.ts';
import { markdownList, wrapped } from '../../datasets/text/docs-list.ts';
import type { Responder } from '../types.ts';
import { composite } from './composite.ts';
import type { ResponderDefinition } from './define.ts';
import { namedMap, type ByName } from '../named-map.ts';
import { knowledgeBase } from './knowledge-base.ts';
import { llm } from './llm.ts';
import { macro } from './macro.ts';
import { oracle } from './oracle.ts';
import { pastTicket } from './past-ticket.ts';

export type ResponderMap = Readonly<Record<string, ResponderDefinition>>;

/** A map keyed by each definition's own name, so a key can never disagree with its entry. */
export function responderMap<const T extends readonly ResponderDefinition[]>(definitions: T): ByName<T> {
  return namedMap(definitions, (name) => `two candidate kinds are named "${name}"`);
}

/**
 * Every candidate kind; adding one is a new module and one entry here. The order is the help's, the
 * docs' and, for the kinds replayed by default, the report's.
 */
export const RESPONDERS = responderMap([knowledgeBase, pastTicket, macro, composite, oracle, llm]);
export type ResponderName = keyof typeof RESPONDERS;

/** The kinds that need no settings: usable by name on the command line and as a composite's part. */
export function builtinCandidates(map: ResponderMap = RESPONDERS): string[] {
  return Object.values(map)
    .filter((definition) => definition.options.safeParse({}).success)
    .map((definition) => definition.name);
}

/** A candidate built by name alone, with its kind's defaults. */
export function responderIn(map: ResponderMap, name: string): Responder {
  const definition = Object.hasOwn(map, name) ? map[name] : undefined;
  if (!definition) throw new ShadowdeskError('SD_INPUT_INVALID', `unknown candidate "${name}"; built-in candidates: ${builtinCandidates(map).join(', ')}`);
  const defaults = definition.options.safeParse({});
  if (!defaults.success) {
    const needed = [...new Set(defaults.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new ShadowdeskError('SD_INPUT_INVALID', `candidate "${name}" needs settings (${needed}): declare it in shadowdesk.yaml`);
  }
  return definition.create(defaults.data, { candidate: (part) => responderIn(map, part) });
}

/** The kinds a run replays when it names none: the built-in ones marked `byDefault`, in the map's order. */
export function defaultCandidates(map: ResponderMap = RESPONDERS): string[] {
  return builtinCandidates(map).filter((name) => map[name]!.byDefault === true);
}

export function responderFor(name: string): Responder {
  return responderIn(RESPONDERS, name);
}

/** The `simulate --candidates` help. */
export function candidatesHelp(map: ResponderMap = RESPONDERS): string {
  return `Built-in candidates instead of a config, comma-separated: ${builtinCandidates(map).join(', ')} (default: ${defaultCandidates(map).join(',')})`;
}

/** The built-in candidates as the support lead's guide lists them (generated: see its test). */
export function candidatesDocList(map: ResponderMap = RESPONDERS): string {
  const defaults = defaultCandidates(map).map((name) => `\`${name}\``);
  const replayed = defaults.length > 1 ? `${defaults.slice(0, -1).join(', ')} and ${defaults.at(-1)}` : defaults.join('');
  return `${markdownList(builtinCandidates(map).map((name) => map[name]!))}\n\n${wrapped(`Without a config or \`--candidates\`, \`simulate\` replays ${replayed}.`, '')}`;
}
