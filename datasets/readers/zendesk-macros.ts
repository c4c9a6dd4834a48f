import { htmlToText, normalizeWhitespace } from '../text/clean.ts';
import { isObject, splitTags, str, toIsoDate } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import type { KnowledgeDoc } from '../records.ts';
import { jsonItems } from './_json-records.ts';
import { macroVariables } from './gorgias-macros.ts';

/** Field names from the Zendesk Macros API. */
interface ZendeskMacroAction {
  field?: unknown;
  value?: unknown;
}

interface ZendeskMacro {
  id?: unknown;
  title?: unknown;
  active?: unknown;
  description?: unknown;
  actions?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
}

/** Words for the actions a support lead would want to read in the macro's body. */
const ACTION_WORDS: Record<string, string> = {
  status: 'Sets status',
  priority: 'Sets priority',
  type: 'Sets type',
  subject: 'Sets subject',
  set_tags: 'Sets tags',
  current_tags: 'Adds tags',
  remove_tags: 'Removes tags',
  assignee_id: 'Assigns to',
  group_id: 'Assigns to group',
  comment_mode_is_public: 'Comment is public',
};

const REPLY_FIELDS = new Set(['comment_value', 'comment_value_html']);

/** An action's value as text: older macros give the comment as `["channel:all", "text"]`. */
function commentText(value: unknown): string | undefined {
  if (Array.isArray(value)) return str(value.at(-1));
  return str(value);
}

function replyText(action: ZendeskMacroAction): string | undefined {
  const text = commentText(action.value);
  if (!text) return undefined;
  return str(normalizeWhitespace(action.field === 'comment_value_html' ? htmlToText(text) : text));
}

/** The comment the macro writes (its plain text first, else its HTML), else what it does, one line each. */
function macroBody(actions: ZendeskMacroAction[]): string {
  const replies = actions.filter((action) => REPLY_FIELDS.has(String(action.field)));
  const reply = replies.find((action) => action.field === 'comment_value') ?? replies[0];
  const text = reply && replyText(reply);
  if (text) return text;
  return actions
    .filter((action) => !REPLY_FIELDS.has(String(action.field)))
    .map((action) => {
      const field = str(action.field) ?? 'action';
      const label = ACTION_WORDS[field] ?? `Sets ${field.replace(/_/g, ' ')}`;
      const detail = Array.isArray(action.value) ? str(action.value.map((item) => str(item) ?? '').join(' ')) : str(action.value);
      return detail ? `${label}: ${detail}` : label;
    })
    .join('\n');
}

/** Zendesk tags hold no spaces: a tags value is a space-separated string, or a list. */
function tagsOf(value: unknown): string[] {
  return Array.isArray(value) ? splitTags(value) : (str(value)?.split(/\s+/) ?? []);
}

function toItem(value: unknown, at: SourceLocation): ReadItem {
  if (!isObject(value)) return { type: 'skip', at, reason: 'expected a macro object' };
  const raw = value as ZendeskMacro;
  const rawId = str(raw.id);
  if (!rawId) return { type: 'skip', at, reason: `the macro${str(raw.title) ? ` "${str(raw.title)}"` : ''} has no id` };
  const id = `zendesk-macro-${rawId}`;
  const located = { ...at, id };
  const actions = (Array.isArray(raw.actions) ? raw.actions : []).filter(isObject) as ZendeskMacroAction[];
  if (actions.length === 0) return { type: 'skip', at: located, reason: 'the macro has no actions' };
  const body = macroBody(actions);
  if (body === '') return { type: 'skip', at: located, reason: 'the macro writes no text and does nothing else' };

  // The title is what agents pick the macro by, and what a ticket's applied macro names.
  const doc: KnowledgeDoc = { id, kind: 'macro', title: str(raw.title) ?? id, body, variables: macroVariables(body) };
  const updatedAt = toIsoDate(raw.updated_at) ?? toIsoDate(raw.created_at);
  if (updatedAt) doc.updatedAt = updatedAt;
  const tags = [
    ...new Set([
      ...actions.filter((action) => action.field === 'set_tags' || action.field === 'current_tags').flatMap((action) => tagsOf(action.value)),
      ...(raw.active === false ? ['inactive'] : []),
    ]),
  ];
  if (tags.length > 0) doc.tags = tags;
  return recordItem('knowledge', doc, located);
}

export const zendeskMacrosReader: Reader = {
  name: 'zendesk-macros',
  description: 'Zendesk macros ({macros: [...]} from GET /api/v2/macros): the comment each writes, keeping {{placeholders}}; inactive ones tagged "inactive"',
  kinds: ['knowledge'],
  detect(probe) {
    if (probe.isDirectory || probe.ext !== '.json') return 0;
    const head = probe.head;
    return /"macros"\s*:\s*\[/.test(head) && /"actions"\s*:\s*\[\s*\{\s*"field"\s*:/.test(head) ? 0.95 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['macros'], toItem);
  },
};
