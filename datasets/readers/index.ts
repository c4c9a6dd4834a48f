import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { csvHeaderOf } from '../io/csv.ts';
import { readTextHead } from '../io/text.ts';
import type { Probe, Reader } from '../reader.ts';
import { markdownList } from '../text/docs-list.ts';
import { abcdConversationsReader } from './abcd-conversations.ts';
import { abcdKnowledgeReader } from './abcd-knowledge.ts';
import { articlesFolderReader } from './articles-folder.ts';
import { bitextReader } from './bitext-csv.ts';
import { readerMap, type ReaderMap } from './define.ts';
import { freshdeskCsvReader } from './freshdesk-csv.ts';
import { freshdeskJsonReader } from './freshdesk-json.ts';
import { genericCsvReader } from './generic-csv.ts';
import { gorgiasHelpCenterReader } from './gorgias-help-center.ts';
import { gorgiasJsonReader } from './gorgias-json.ts';
import { gorgiasMacrosReader } from './gorgias-macros.ts';
import { ibmTwitterReader } from './ibm-twitter-json.ts';
import { multilingualTicketsReader } from './multilingual-tickets-csv.ts';
import { shadowdeskJsonlReader } from './shadowdesk-jsonl.ts';
import { shopifyGraphqlReader } from './shopify-graphql.ts';
import { shopifyOrdersCsvReader } from './shopify-orders-csv.ts';
import { shopifyProductsCsvReader } from './shopify-products-csv.ts';
import { zendeskArticlesReader } from './zendesk-articles.ts';
import { zendeskJsonReader } from './zendesk-json.ts';
import { zendeskMacrosReader } from './zendesk-macros.ts';

/** Every export format shadowdesk reads, by its `--format` name; adding one is a new reader and one entry here. */
export const READERS = readerMap({
  'gorgias-json': gorgiasJsonReader,
  'zendesk-json': zendeskJsonReader,
  'freshdesk-csv': freshdeskCsvReader,
  'freshdesk-json': freshdeskJsonReader,
  'generic-csv': genericCsvReader,
  'shadowdesk-jsonl': shadowdeskJsonlReader,
  'articles-folder': articlesFolderReader,
  'gorgias-macros': gorgiasMacrosReader,
  'gorgias-help-center': gorgiasHelpCenterReader,
  'zendesk-articles': zendeskArticlesReader,
  'zendesk-macros': zendeskMacrosReader,
  'shopify-products-csv': shopifyProductsCsvReader,
  'shopify-orders-csv': shopifyOrdersCsvReader,
  'shopify-graphql': shopifyGraphqlReader,
  // Public datasets (../shared/datasets), read for quality benchmarks: see each SOURCE.md for its licence.
  'abcd-conversations': abcdConversationsReader,
  'abcd-knowledge': abcdKnowledgeReader,
  'bitext-csv': bitextReader,
  'multilingual-tickets-csv': multilingualTicketsReader,
  'ibm-twitter-json': ibmTwitterReader,
});

export type FormatName = keyof typeof READERS;

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(READERS, name);
}

export function readerFor(name: string): Reader {
  if (!isFormatName(name)) {
    throw new ShadowdeskError(
      'SD_FORMAT_UNKNOWN',
      `unknown format "${name}"; known formats: ${Object.keys(READERS).join(', ')}`,
    );
  }
  return READERS[name];
}

/** What `shadowdesk formats` prints: a line per format, with the records it gives and what it reads. */
export function formatsTable(map: ReaderMap = READERS): string {
  const width = Math.max(...Object.keys(map).map((name) => name.length));
  return Object.values(map)
    .map((reader) => `${reader.name.padEnd(width)}  ${reader.kinds.join('/').padEnd(16)}  ${reader.description}`)
    .join('\n');
}

/** The formats as the support lead's guide lists them (generated: see its test); `<handle>` is text there, not a tag. */
export function formatsDocList(map: ReaderMap = READERS): string {
  const summaryOf = (reader: Reader) => `${reader.kinds.join(', ')} — ${reader.description}`.replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return markdownList(Object.values(map).map((reader) => ({ name: reader.name, summary: summaryOf(reader) })));
}

/** Looks at a path the way detection needs: folder or file, extension, first 64 KiB as text. */
export async function probePath(path: string, encoding?: string): Promise<Probe> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${path}: no such file or folder`, { cause });
  });
  if (info.isDirectory()) return { path, isDirectory: true, ext: '', head: '' };
  const ext = extname(path).toLowerCase();
  const head = await readTextHead(path, encoding);
  const probe: Probe = { path, isDirectory: false, ext, head };
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') probe.csvHeader = csvHeaderOf(head);
  return probe;
}

/** A Gorgias rules export (`GET /api/rules`): rules are tried with `shadowdesk rules`, not imported. */
export function looksLikeGorgiasRules(probe: Probe): boolean {
  return !probe.isDirectory && probe.ext === '.json' && probe.head.includes('"code_ast"') && probe.head.includes('"event_types"');
}

/** Picks the reader most sure it fits; an error lists the formats when none is. */
export function detectReader(probe: Probe): Reader {
  // Said first: no format can be told from nothing, and "could not tell" would send the user looking for one.
  if (!probe.isDirectory && probe.head.replace(/^\uFEFF/, '').trim() === '') {
    throw new ShadowdeskError('SD_FORMAT_UNDETECTED', `${probe.path}: the file is empty; export it again from the helpdesk`);
  }
  if (looksLikeGorgiasRules(probe)) {
    throw new ShadowdeskError(
      'SD_FORMAT_UNDETECTED',
      `${probe.path}: Gorgias rules, not an export of tickets or knowledge: try them with \`shadowdesk rules --gorgias-rules ${probe.path}\``,
    );
  }
  let best: Reader | undefined;
  let bestScore = 0;
  for (const reader of Object.values(READERS)) {
    const score = reader.detect(probe);
    if (score > bestScore) {
      best = reader;
      bestScore = score;
    }
  }
  if (!best || bestScore < 0.5) {
    const what = probe.isDirectory ? 'folder' : 'file';
    throw new ShadowdeskError(
      'SD_FORMAT_UNDETECTED',
      `${probe.path}: could not tell which export format this ${what} is; name it with --format (one of ${Object.keys(READERS).join(', ')})`,
    );
  }
  return best;
}
