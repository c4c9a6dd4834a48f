/**
 * A command for tests/bin/commands/_child.test.ts, run as `node child-command.mjs <mode> …` with
 * SHADOWDESK_CHILD_MODULE naming bin/commands/_child of the compiled package (or as `node --import
 * tsx …` naming the source): it runs itself again in a child with SHADOWDESK_TEST_CHILD=1, as
 * `shadowdesk index` does, and the child does what `mode` says. Plain JavaScript, so that a test
 * starting a dozen of them does not pay tsx's start-up in each.
 *
 * - `exit <code>`: prints its pid and environment, exits with `code`;
 * - `signal <name>`: ends itself by that signal;
 * - `wait`: prints `ready <pid>` and runs until a signal (or its parent's death) stops it;
 * - `count`: the same, but counts each SIGINT it gets (printing `SIGINT <n>`), and exits 130
 *   half a second after the first, so that a second one would be seen.
 */

const { exitLike, runInChild, stopWithParent } = await import(process.env.SHADOWDESK_CHILD_MODULE);
const [mode, value] = process.argv.slice(2);

if (process.env.SHADOWDESK_TEST_CHILD === undefined) {
  exitLike(await runInChild({ SHADOWDESK_TEST_CHILD: '1' }));
} else {
  stopWithParent();
  if (mode === 'exit') {
    process.stdout.write(`child ${process.pid} of ${process.ppid}: SHADOWDESK_TEST_CHILD=${process.env.SHADOWDESK_TEST_CHILD}, parent pid passed on: ${process.env.SHADOWDESK_PARENT_PID ?? 'no'}\n`);
    process.exitCode = Number(value);
  } else if (mode === 'signal') {
    process.kill(process.pid, value);
  } else {
    let interrupts = 0;
    if (mode === 'count') {
      process.on('SIGINT', () => {
        process.stdout.write(`SIGINT ${++interrupts}\n`);
        if (interrupts === 1) setTimeout(() => process.exit(130), 500);
      });
    }
    setInterval(() => {}, 1000);
    process.stdout.write(`ready ${process.pid}\n`);
  }
}
