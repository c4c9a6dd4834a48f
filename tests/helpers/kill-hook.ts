import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';

/**
 * Preloaded into a CLI child, compiled to JavaScript (`node --import <this file as .mjs>
 * dist/bin/shadowdesk.js …`: tests/pipelines/crash-safety/_crash.ts `compiledKillHook`), to
 * SIGKILL it at a point too short for a timer to hit reliably.
 * SHADOWDESK_TEST_KILL_AT=tickets-fts: right after LanceDB has written a new `tickets` table,
 * before its full-text index is built (pipelines/search-tables.ts `writeTables`).
 */

type CreateEmptyTable = (...args: unknown[]) => Promise<lancedb.Table>;

if (process.env.SHADOWDESK_TEST_KILL_AT === 'tickets-fts') {
  // LocalConnection is not exported: reach its prototype through a throwaway connection.
  const dir = await mkdtemp(join(tmpdir(), 'shadowdesk-kill-hook-'));
  const probe = await lancedb.connect(dir);
  const prototype = Object.getPrototypeOf(probe) as { createEmptyTable: CreateEmptyTable };
  probe.close();
  await rm(dir, { recursive: true, force: true });
  const createEmptyTable = prototype.createEmptyTable;
  prototype.createEmptyTable = async function (this: unknown, ...args: unknown[]) {
    const table = await createEmptyTable.apply(this, args);
    if (args[0] === 'tickets') {
      table.createIndex = async () => {
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => {});
      };
    }
    return table;
  };
}
