import { htmlToText, normalizeWhitespace } from '../../pipelines/clean.ts';
import { splitTags, str, toIsoDate } from '../normalize.ts';
import type { ReadItem, Reader, SourceLocation } from '../reader.ts';
import type { KnowledgeDoc } from '../records.ts';
import { jsonItems } from './_json-records.ts';

interface GorgiasMacroAction {
  name?: string;
  title?: string;
  arguments?: { body_text?: string; body_html?: string; tags?: string } | null;
}

interface GorgiasMacro {
  id?: number | string;
  name?: string;
  language?: string | null;
  intent?: string | null;
  archived?: boolean | string | null;
  actions?: GorgiasMacroAction[];
  created_datetime?: string;
  updated_datetime?: string;
}

const VARIABLE = /\{\{\s*([^{}|\s]+)\s*(?:\|[^{}]*)?\}\}/g;

/** Variable paths in order of first use, without filters: `{{ x.y|title }}` → `x.y`. */
export function macroVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1]!))];
}

function responseText(actions: GorgiasMacroAction[]): string | undefined {
  const action = actions.find((candidate) => candidate.name === 'setResponseText');
  const text = str(action?.arguments?.body_text);
  if (text) return normalizeWhitespace(text);
  const html = str(action?.arguments?.body_html);
  return html ? normalizeWhitespace(htmlToText(html)) : undefined;
}

function toItem(value: unknown, at: SourceLocation): ReadItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { type: 'skip', at, reason: 'expected a macro object' };
  const raw = value as GorgiasMacro;
  const rawId = str(raw.id);
  if (!rawId) return { type: 'skip', at, reason: 'missing id' };
  const id = `macro-${rawId}`;
  const located = { ...at, id };
  const actions = Array.isArray(raw.actions) ? raw.actions : [];
  if (actions.length === 0) return { type: 'skip', at: located, reason: 'the macro has no actions' };
  // A macro that only tags or closes still tells what agents did; describe it in words.
  const body =
    responseText(actions) ?? actions.map((action) => `${action.title ?? action.name ?? 'action'}${action.arguments?.tags ? `: ${action.arguments.tags}` : ''}`).join('\n');
  const tags = [
    ...actions.filter((action) => action.name === 'addTags').flatMap((action) => splitTags(action.arguments?.tags)),
    ...(str(raw.intent) ? [str(raw.intent)!] : []),
    ...(raw.archived === true || raw.archived === 'true' ? ['archived'] : []),
  ];
  const doc: KnowledgeDoc = { id, kind: 'macro', title: str(raw.name) ?? id, body, variables: macroVariables(body) };
  const locale = str(raw.language);
  if (locale) doc.locale = locale;
  const updatedAt = toIsoDate(raw.updated_datetime) ?? toIsoDate(raw.created_datetime);
  if (updatedAt) doc.updatedAt = updatedAt;
  if (tags.length > 0) doc.tags = [...new Set(tags)];
  return { type: 'record', kind: 'knowledge', record: doc, at: located };
}

export const gorgiasMacrosReader: Reader = {
  name: 'gorgias-macros',
  description: 'Gorgias macros JSON (array, {data: [...]} or {macros: [...]}), keeping {{variables}}',
  kinds: ['knowledge'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    return /"actions"\s*:/.test(probe.head) && /"(setResponseText|addTags|setStatus)"/.test(probe.head) ? 0.9 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['data', 'macros'], toItem);
  },
};
