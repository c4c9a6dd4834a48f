import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';

/**
 * What several test files need the same of (the compiled CLI, a workspace imported and indexed),
 * built once per run into a folder of the run's (tests/global-setup.ts), by whichever worker asks
 * first: the others wait for its outcome. Built per file, the same import and index cost each file
 * its seconds of CPU again. A file that changes what it was given works on a copy of it.
 */

const WAIT_MS = 100;

export interface Built<T> {
  /** The folder `build` filled, removed with the run's folder. */
  folder: string;
  /** What `build` returned, as JSON: a timing, what a search answered. */
  value: T;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

const asked = new Map<string, Promise<Built<unknown>>>();

/** The folder `name` of this run, built by `build` if no worker has yet; `build` returns plain JSON. */
export function builtOnce<T>(name: string, build: (folder: string) => Promise<T>): Promise<Built<T>> {
  let built = asked.get(name);
  if (!built) {
    built = buildOrWait(join(inject('runFolder'), name), build);
    asked.set(name, built);
  }
  return built as Promise<Built<T>>;
}

async function buildOrWait<T>(folder: string, build: (folder: string) => Promise<T>): Promise<Built<T>> {
  const done = `${folder}.outcome.json`;
  try {
    // mkdir is atomic: the worker that makes the lock builds, the others wait for its outcome.
    await mkdir(`${folder}.lock`);
  } catch {
    return { folder, value: await waitFor<T>(done) };
  }
  try {
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    const value = await build(folder);
    await settle(done, { ok: true, value });
    return { folder, value };
  } catch (error) {
    await settle(done, { ok: false, error: `${folder} was not built: ${(error as Error).message}` });
    throw error;
  }
}

/** Written whole, then renamed: a waiting worker never reads half an outcome. */
async function settle<T>(done: string, outcome: Outcome<T>): Promise<void> {
  await writeFile(`${done}.part`, JSON.stringify(outcome));
  await rename(`${done}.part`, done);
}

async function waitFor<T>(done: string): Promise<T> {
  for (;;) {
    const text = await readFile(done, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const outcome = JSON.parse(text) as Outcome<T>;
      if (!outcome.ok) throw new Error(outcome.error);
      return outcome.value;
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
  }
}
