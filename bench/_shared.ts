import { spawn } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** What the benchmarks share: the machine they ran on, children measured alone, tables, sizes. */

export interface Machine {
  cpu: string | undefined;
  cpus: number;
  totalMemoryMb: number;
  node: string;
  platform: string;
  date: string;
}

export function machine(): Machine {
  return { cpu: cpus()[0]?.model, cpus: cpus().length, totalMemoryMb: Math.round(totalmem() / 2 ** 20), node: process.version, platform: process.platform, date: new Date().toISOString() };
}

/** The 1, 5 and 15 minute load averages, rounded: noted next to each figure, since the machine is shared. */
export function load(): [number, number, number] {
  const [one, five, fifteen] = loadavg();
  return [one, five, fifteen].map((value) => Math.round((value ?? 0) * 100) / 100) as [number, number, number];
}

export const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

/**
 * Runs a TypeScript script in a fresh Node process, so its peak RSS is its own, and parses the
 * JSON of the last line it prints. Its stderr goes straight to ours (progress). Through tsx's ESM
 * hooks only, as bin/shadowdesk.js runs a checkout: its require hook (`--import tsx`) also rewrites
 * transformers.js' 1.3 MB CommonJS build, 0.8 s of CPU and ~70 MB a process that no user pays.
 */
export function runChild<T>(script: string, args: string[], options: { nodeFlags?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx/esm', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LANCEDB_LOG: 'error', ...options.env },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited with ${signal ?? code}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch (cause) {
        reject(new Error(`${script}: unreadable result ${JSON.stringify(last.slice(0, 200))}`, { cause }));
      }
    });
  });
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Bytes under a path (a file or a folder, recursively); 0 when it does not exist. */
export async function diskBytes(path: string): Promise<number> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await diskBytes(join(path, entry));
  return total;
}

/** The middle of the values (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const fixed = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A plain-text table, right-aligned except the first column. */
export function formatTable(header: string[], rows: string[][]): string {
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  return table.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}
