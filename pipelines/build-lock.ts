import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** One index build at a time per workspace: a lock file naming the process that holds it. */

const LOCK_FILE = 'build.lock';

/** Whether the process that wrote a lock still runs (on this machine, where the workspace is). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `work` while holding the index folder's lock; a lock whose process has died is taken over. */
export async function withBuildLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  for (;;) {
    const handle = await open(lock, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      return undefined;
    });
    if (handle) {
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    }
    const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
    if (holder > 0 && !running(holder)) await rm(lock, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}
