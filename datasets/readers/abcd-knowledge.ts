import { readJsonRecords } from '../io/json.ts';
import { isObject, str } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import type { KnowledgeDoc } from '../records.ts';

/**
 * ABCD's knowledge (Action-Based Conversations Dataset, ASAPP, MIT): `guidelines.json`, flows of
 * subflows whose steps tell the agent which buttons to press, and `kb.json`, each subflow id's
 * required agent actions. Both are written to agents ("click [Pull up Account]"), never to
 * customers, so every document is `internal`: the knowledge-base responder must not paste them
 * to a customer as it would a customer-facing `article` or `policy`.
 */

type Fields = Record<string, unknown>;

/** `Reset Two-Factor Auth` → `reset_two_factor_auth`, the snake case ABCD's conversation labels use. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** `pull-up-account` → `Pull up account`. */
function humanize(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.flatMap((item) => (str(item) ? [str(item)!] : [])) : [];
}

/** One numbered step: the button (unless the text already names it, or it is `N/A`), the text, its sub-points. */
function stepText(step: Fields, index: number): string {
  const button = str(step.button);
  const text = str(step.text) ?? '';
  const named = !button || button === 'N/A' || text.includes(`[${button}]`);
  const head = `${index + 1}. ${named ? text : `[${button}] ${text}`}`.trimEnd();
  return [head, ...strings(step.subtext).map((line) => `   - ${line}`)].join('\n');
}

function guidelineItem(flow: string, description: string | undefined, name: string, value: unknown, at: SourceLocation): ReadItem {
  const id = `abcd:${slug(flow)}/${slug(name)}`;
  const located = { ...at, id };
  if (!isObject(value)) return { type: 'skip', at: located, reason: `the subflow "${name}" is not an object` };
  const steps = (Array.isArray(value.actions) ? value.actions : []).filter(isObject).map(stepText);
  const instructions = strings(value.instructions);
  if (steps.length === 0 && instructions.length === 0) return { type: 'skip', at: located, reason: `the subflow "${name}" has no actions or instructions` };
  // ABCD's own layout: the instructions open with "perform the following actions" and close with the wrap-up.
  const [opening, ...closing] = instructions;
  const body = [description ? `${flow}: ${description}` : undefined, opening, steps.join('\n'), ...closing]
    .filter((part): part is string => Boolean(part))
    .join('\n\n');
  const doc: KnowledgeDoc = { id, kind: 'internal', title: `${flow}: ${name}`, body, locale: 'en', tags: [slug(flow), slug(name)] };
  return recordItem('knowledge', doc, located);
}

/** Numbers a file's records in order, across every JSON document a stream of them holds. */
type NextRecord = () => number;

function* guidelineItems(guidelines: Fields, at: SourceLocation, next: NextRecord): Generator<ReadItem> {
  for (const [flow, value] of Object.entries(guidelines)) {
    const subflows = isObject(value) && isObject(value.subflows) ? Object.entries(value.subflows) : [];
    if (subflows.length === 0) {
      yield { type: 'skip', at: { ...at, record: next(), id: `abcd:${slug(flow)}` }, reason: `the flow "${flow}" has no subflows` };
      continue;
    }
    const description = isObject(value) ? str(value.description) : undefined;
    for (const [name, subflow] of subflows) yield guidelineItem(flow, description, name, subflow, { ...at, record: next() });
  }
}

function* kbItems(kb: Fields, at: SourceLocation, next: NextRecord): Generator<ReadItem> {
  for (const [subflow, value] of Object.entries(kb)) {
    const located = { ...at, record: next(), id: `abcd:kb/${subflow}` };
    const actions = strings(value);
    if (actions.length === 0) {
      yield { type: 'skip', at: located, reason: `the subflow "${subflow}" lists no actions` };
      continue;
    }
    const body = ['Actions the agent performs, in order:', ...actions.map((action, index) => `${index + 1}. ${humanize(action)}`)].join('\n');
    const doc: KnowledgeDoc = { id: located.id, kind: 'internal', title: `Required actions: ${humanize(subflow)}`, body, locale: 'en', tags: [subflow] };
    yield recordItem('knowledge', doc, located);
  }
}

/** guidelines.json: `{"Flow Name": {"description": ..., "subflows": {"Subflow Name": {"actions": [{... "button": ...`. */
const GUIDELINES_HEAD = /^\s*\{\s*"[^"]+"\s*:\s*\{\s*"description"\s*:\s*"[^"]*"\s*,\s*"subflows"\s*:\s*\{\s*"[^"]+"\s*:\s*\{\s*"actions"\s*:\s*\[\s*\{\s*"type"/;
/** kb.json: `{"subflow_id": ["kebab-action", ...]}` with ABCD's first action, which every subflow but the FAQs starts with. */
const KB_HEAD = /^\s*\{\s*"[a-z0-9_]+"\s*:\s*\[\s*"[a-z]+(?:-[a-z]+)+"/;

function isGuidelines(value: Fields): boolean {
  return Object.values(value).some((flow) => isObject(flow) && isObject(flow.subflows));
}

export const abcdKnowledgeReader: Reader = {
  name: 'abcd-knowledge',
  description: "ABCD agent guidelines (guidelines.json: one internal document per flow/subflow) or kb.json (each subflow's required actions)",
  kinds: ['knowledge'],
  detect(probe) {
    if (probe.isDirectory || probe.ext !== '.json') return 0;
    const head = probe.head.replace(/^\uFEFF/, '');
    if (GUIDELINES_HEAD.test(head) && /"button"\s*:/.test(head) && /"subtext"\s*:/.test(head)) return 0.9;
    return KB_HEAD.test(head) && head.includes('"pull-up-account"') ? 0.85 : 0;
  },
  async *read(path, options) {
    // Each file is one JSON object; its records are the subflows inside it.
    let record = 0;
    const next = () => ++record;
    for await (const item of readJsonRecords(path, { recordKeys: [], encoding: options.encoding })) {
      const at = { file: path, line: item.line };
      if (item.type === 'error') yield { type: 'skip', at: { ...at, record: next() }, reason: item.reason };
      else if (!isObject(item.value)) yield { type: 'skip', at: { ...at, record: next() }, reason: 'expected an ABCD guidelines or kb object' };
      else yield* isGuidelines(item.value) ? guidelineItems(item.value, at, next) : kbItems(item.value, at, next);
    }
  },
};
