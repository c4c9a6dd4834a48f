import { join } from 'node:path';
import { DEMO_DATA_DIR } from '../../datasets/demo/location.ts';
import { importSources, type ImportReport } from '../../pipelines/import.ts';
import { builtOnce } from './built-once.ts';

/**
 * The bundled demo imported, once per run (built-once.ts), and the import's report: the importer's
 * test checks it, the oracle's indexes a copy of it. Read-only.
 */
export async function importedDemo(): Promise<{ workspace: string; report: ImportReport }> {
  const { folder, value } = await builtOnce('demo-imported', (into) => importSources([{ path: DEMO_DATA_DIR }], { workspace: join(into, 'ws') }));
  return { workspace: join(folder, 'ws'), report: value };
}
