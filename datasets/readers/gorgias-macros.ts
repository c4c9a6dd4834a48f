import { htmlToText, normalizeWhitespace } from '../text/clean.ts';
import { isObject, splitTags, str, toIsoDate } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import type { KnowledgeDoc } from '../records.ts';
import { jsonItems } from './_json-records.ts';

interface GorgiasMacroArguments {
  body_text?: unknown;
  body_html?: unknown;
  tags?: unknown;
  status?: unknown;
  subject?: unknown;
}

interface GorgiasMacroAction {
  name?: unknown;
  title?: unknown;
  description?: unknown;
  arguments?: GorgiasMacroArguments | null;
}

interface GorgiasMacro {
  id?: unknown;
  name?: unknown;
  language?: unknown;
  intent?: unknown;
  archived?: unknown;
  archived_datetime?: unknown;
  tags?: unknown;
  actions?: unknown;
  created_datetime?: unknown;
  updated_datetime?: unknown;
}

const VARIABLE = /\{\{\s*([^{}|\s]+)\s*(?:\|[^{}]*)?\}\}/g;

/** Variable paths in order of first use, without filters: `{{ x.y|title }}` → `x.y`. */
export function macroVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1]!))];
}

/** Words for the actions whose effect a support lead would want to read in the macro's body. */
const ACTION_WORDS: Record<string, string> = {
  addTags: 'Adds tags',
  removeTags: 'Removes tags',
  setStatus: 'Sets status',
  setSubject: 'Sets subject',
  addInternalNote: 'Adds an internal note',
};

function textOf(args: GorgiasMacroArguments | null | undefined): string | undefined {
  const text = str(args?.body_text);
  if (text) return normalizeWhitespace(text);
  const html = str(args?.body_html);
  return html ? str(normalizeWhitespace(htmlToText(html))) : undefined;
}

/** `shopifyCancelLastOrder` → `Shopify cancel last order`, for actions without a title. */
function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One line saying what a non-reply action does, e.g. `Adds tags: refund`. */
function describeAction(action: GorgiasMacroAction): string {
  const description = str(action.description);
  if (description) return description;
  const name = str(action.name) ?? 'action';
  const label = str(action.title) ?? ACTION_WORDS[name] ?? humanize(name);
  const args = action.arguments;
  const status = str(args?.status);
  // A title such as "Close" already says `status: closed`.
  const newStatus = status && !status.toLowerCase().startsWith(label.toLowerCase()) ? status : undefined;
  const detail = str(args?.tags) ?? newStatus ?? str(args?.subject) ?? textOf(args);
  return detail ? `${label}: ${detail}` : label;
}

function isResponse(action: GorgiasMacroAction): boolean {
  return action.name === 'setResponseText';
}

/** The reply the macro writes, else what its other actions do, one line each. */
function macroBody(actions: GorgiasMacroAction[]): string {
  const response = actions.filter(isResponse).map((action) => textOf(action.arguments)).find((text) => text !== undefined);
  return response ?? actions.filter((action) => !isResponse(action)).map(describeAction).join('\n');
}

function macroTags(raw: GorgiasMacro, actions: GorgiasMacroAction[]): string[] {
  const archived = raw.archived === true || raw.archived === 'true' || str(raw.archived_datetime) !== undefined;
  return [
    ...new Set([
      ...actions.filter((action) => action.name === 'addTags').flatMap((action) => splitTags(action.arguments?.tags)),
      ...splitTags(raw.tags),
      ...(str(raw.intent) ? [str(raw.intent)!] : []),
      ...(archived ? ['archived'] : []),
    ]),
  ];
}

function toItem(value: unknown, at: SourceLocation): ReadItem {
  if (!isObject(value)) return { type: 'skip', at, reason: 'expected a macro object' };
  const raw = value as GorgiasMacro;
  const rawId = str(raw.id);
  if (!rawId) return { type: 'skip', at, reason: `the macro${str(raw.name) ? ` "${str(raw.name)}"` : ''} has no id` };
  const id = `macro-${rawId}`;
  const located = { ...at, id };
  const actions = (Array.isArray(raw.actions) ? raw.actions : []).filter(isObject) as GorgiasMacroAction[];
  if (actions.length === 0) return { type: 'skip', at: located, reason: 'the macro has no actions' };

  const body = macroBody(actions);
  if (body === '') return { type: 'skip', at: located, reason: 'the macro writes no text and does nothing else' };
  const doc: KnowledgeDoc = { id, kind: 'macro', title: str(raw.name) ?? id, body, variables: macroVariables(body) };
  const locale = str(raw.language);
  if (locale) doc.locale = locale;
  const updatedAt = toIsoDate(raw.updated_datetime) ?? toIsoDate(raw.created_datetime);
  if (updatedAt) doc.updatedAt = updatedAt;
  const tags = macroTags(raw, actions);
  if (tags.length > 0) doc.tags = tags;
  return recordItem('knowledge', doc, located);
}

/** Names only Gorgias macro actions use; a ticket export also carries `actions`, but inside messages. */
const GORGIAS_ACTION = /"name"\s*:\s*"(setResponseText|addTags|removeTags|setStatus|addInternalNote|setSubject|setAssignee|setTeamAssignee|snoozeTicket|forwardByEmail|shopify[A-Z]\w*|recharge[A-Z]\w*)"/;

export const gorgiasMacrosReader: Reader = {
  name: 'gorgias-macros',
  description: 'Gorgias macros JSON (array, {data: [...]} or {macros: [...]}), keeping {{variables}}',
  kinds: ['knowledge'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    if (!/"actions"\s*:\s*\[/.test(probe.head) || !GORGIAS_ACTION.test(probe.head)) return 0;
    return /"messages"\s*:/.test(probe.head) ? 0 : 0.9;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['data', 'macros'], toItem);
  },
};
