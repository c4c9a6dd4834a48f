import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ShadowdeskError } from '../errors.ts';
import { requireImport } from './workspace.ts';

/** The index's manifest: which model made its vectors, which import its tables were built from, and where they are. */

/** Bumped whenever what the index stores changes (v2: vectors of texts with identifiers masked; v5: IVF_RQ; v6: with 8 bits; v7: the answer's personal parts; v8: full text stemmed per language; v9: past answers' vectors indexed above 50,000 tickets). */
export const INDEX_FORMAT = 9;

/** What a query needs to know about the index: which model made its vectors, and where its tables are. */
export interface IndexManifest {
  format: number;
  model: string;
  /** The model folder or hub id; for the built-in model, relative to the workspace on disk and resolved on reading. */
  modelPath: string;
  /** Changes whenever the vectors would change (a refitted built-in model). */
  modelKey: string;
  /** The built-in model was fitted only on what existed before this date; absent: on the whole import. */
  modelCutoff?: string;
  dimensions: number;
  builtAt: string;
  /** The folder under index/ (or under `tablesUri`) holding this build's tables; a rebuild writes a new one. */
  tables: string;
  /** A LanceDB URI the tables live under instead of the workspace (s3://, gs://, az://, file://). */
  tablesUri?: string;
  /** The import the tables were built from: while it and the model stay current, there is nothing to rebuild. */
  importId: string;
  knowledgePassages: number;
  tickets: number;
  texts: number;
}

export function indexDir(workspace: string): string {
  return join(workspace, 'index');
}

/** Where a build's tables are: under the workspace's index folder, or under the URI it was built with. */
export function tablesLocation(workspace: string, manifest: Pick<IndexManifest, 'tables' | 'tablesUri'>): string {
  return manifest.tablesUri ? `${manifest.tablesUri.replace(/\/+$/, '')}/${manifest.tables}` : join(indexDir(workspace), manifest.tables);
}

/** A path as a shell reads it back: quoted only when it holds more than plain path characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that rebuilds a workspace's index as it was built: with its model, since `index` otherwise fits the built-in one. */
export function indexCommand(workspace: string, model?: string): string {
  return `shadowdesk index --workspace ${shellWord(workspace)}${model && model !== 'builtin' ? ` --model ${shellWord(model)}` : ''}`;
}

export async function readManifest(workspace: string): Promise<IndexManifest> {
  let manifest: IndexManifest;
  try {
    manifest = JSON.parse(await readFile(join(indexDir(workspace), 'manifest.json'), 'utf8')) as IndexManifest;
  } catch (cause) {
    throw new ShadowdeskError('SD_WORKSPACE', `${workspace}: no search index yet; run \`${indexCommand(workspace)}\` first`, { cause });
  }
  if (manifest.format !== INDEX_FORMAT) {
    throw new ShadowdeskError('SD_WORKSPACE', `${workspace}: the search index was built by an older shadowdesk; run \`${indexCommand(workspace, manifest.model)}\` again`);
  }
  return manifest.model === 'builtin' ? { ...manifest, modelPath: join(workspace, manifest.modelPath) } : manifest;
}

/**
 * Why an index is not the one of the workspace's current import, or undefined when it is. An
 * import is never changed once committed (a new export is a new import, with a new id), so the
 * id names the records the tables were built from; an index of an earlier import still finds
 * tickets the new export deleted.
 */
export function staleIndexReason(workspace: string, manifest: IndexManifest, currentImportId: string): string | undefined {
  if (manifest.format !== INDEX_FORMAT) return 'it was built by an older shadowdesk';
  if (manifest.importId !== currentImportId) return `it was built from an earlier import (${manifest.importId}), not from the current one (${currentImportId})`;
  // Tables in object storage are not listed here: opening them says soon enough when they are gone.
  if (!manifest.tablesUri && !existsSync(tablesLocation(workspace, manifest))) return `its tables are missing (${tablesLocation(workspace, manifest)})`;
  return undefined;
}

/** The manifest of an index built from the current import: searching any other would answer from records that are no longer the workspace's. */
export async function readCurrentManifest(workspace: string): Promise<IndexManifest> {
  const manifest = await readManifest(workspace);
  const stale = staleIndexReason(workspace, manifest, basename(await requireImport(workspace)));
  if (stale) {
    throw new ShadowdeskError('SD_WORKSPACE', `${workspace}: the search index is out of date: ${stale}; run \`${indexCommand(workspace, manifest.model)}\` before searching or replaying`);
  }
  return manifest;
}
