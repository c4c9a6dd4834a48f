import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { writeJsonlFile } from '../../pipelines/workspace.ts';
import { createRunDir, IDENTITY_FILE, readResults, readRunInfo, RESULTS_FILE, RUN_FILE, type RunInfo, type TicketResult } from './replay.ts';

export interface MergeSummary {
  runs: number;
  results: number;
  tickets: number;
  resultsFile: string;
}

/**
 * Combines the runs of `--shard k/n` jobs into one run, as if one job had answered every ticket.
 * The shards must come from the same candidates and selection and together cover every shard once.
 */
export async function mergeRuns(runDirs: string[], outDir: string): Promise<MergeSummary> {
  if (runDirs.length === 0) throw new ShadowdeskError('SD_INPUT_INVALID', 'name the shard runs to merge');
  const infos = await Promise.all(runDirs.map(readRunInfo));
  const first = infos[0]!;
  const { shard: _, ...selection } = first.selection;
  const expected = JSON.stringify({ candidates: first.candidates, selection, repeat: first.repeat ?? 1 });
  const shards = new Set<number>();
  infos.forEach((info, index) => {
    const { shard, ...rest } = info.selection;
    if (JSON.stringify({ candidates: info.candidates, selection: rest, repeat: info.repeat ?? 1 }) !== expected) {
      throw new ShadowdeskError('SD_INPUT_INVALID', `${runDirs[index]}: its candidates, ticket selection or tries per ticket (--repeat) differ from ${runDirs[0]}; shards of one run must share them`);
    }
    const key = shard?.index ?? -1;
    if (shards.has(key)) throw new ShadowdeskError('SD_INPUT_INVALID', `${runDirs[index]}: shard ${key + 1} is given twice`);
    if (shard && shard.count !== (first.selection.shard?.count ?? 0)) throw new ShadowdeskError('SD_INPUT_INVALID', `${runDirs[index]}: shard counts differ (${shard.count} vs ${first.selection.shard?.count})`);
    shards.add(key);
  });
  const count = first.selection.shard?.count;
  if (count !== undefined && shards.size !== count) {
    const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !shards.has(index)).map((index) => `${index + 1}/${count}`);
    throw new ShadowdeskError('SD_INPUT_INVALID', `shards ${missing.join(', ')} are missing; merge all ${count} shards`);
  }

  const merged: TicketResult[] = [];
  for (const runDir of runDirs) merged.push(...(await readResults(runDir)));
  merged.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.ticketId.localeCompare(b.ticketId) || a.candidate.localeCompare(b.candidate));
  // A folder a simulation claimed would later resume over the merged answers as if they were its own.
  const claimed = await access(join(outDir, IDENTITY_FILE)).then(() => true, () => false);
  if (claimed) throw new ShadowdeskError('SD_INPUT_INVALID', `${outDir}: it holds a simulation's own run (${IDENTITY_FILE}); merge into a new folder`);
  await createRunDir(outDir);
  const resultsFile = join(outDir, RESULTS_FILE);
  await writeJsonlFile(resultsFile, merged);
  const info: RunInfo = { ...first, selection, mergedFrom: runDirs };
  await writeFile(join(outDir, RUN_FILE), `${JSON.stringify(info, null, 2)}\n`);
  return { runs: runDirs.length, results: merged.length, tickets: new Set(merged.map((result) => result.ticketId)).size, resultsFile };
}
