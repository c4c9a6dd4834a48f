import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JUDGED_FILE } from '../../../eval/judges/judge-run.ts';
import { importLabels, type LabelAgreement } from '../../../eval/labels/labels.ts';
import { readLabelsInRun } from '../../../eval/labels/in-run.ts';
import { judged } from '../../helpers/judged.ts';
import { useTempDir } from '../../helpers/temp.ts';

/** The label agreement a report reads from its run folder: present, absent, damaged or foreign. */

const tempDir = useTempDir();

/** A run folder with four verified answers, labelled in English and in French by `label import`. */
async function labelledRun(): Promise<{ runDir: string; written: LabelAgreement }> {
  const runDir = await tempDir();
  const answers = ['1', '2', '3', '4'].map((id) => judged(id, { sent: true, answered: true, verdict: 'correct', outcome: 'automated', resolution: { contained: true, verified: true } }));
  await writeFile(join(runDir, JUDGED_FILE), answers.map((answer) => `${JSON.stringify(answer)}\n`).join(''));
  const file = join(runDir, 'filled.csv');
  await writeFile(file, 'ticket_id,candidate,label\n1,a,correct\n2,a,faux\n3,a,correcte\n4,a,wrong\n');
  await importLabels({ runDir, file });
  return { runDir, written: JSON.parse(await readFile(join(runDir, 'label-agreement.json'), 'utf8')) as LabelAgreement };
}

async function runWith(agreement: string): Promise<{ runDir: string; file: string }> {
  const runDir = await tempDir();
  const file = join(runDir, 'label-agreement.json');
  await writeFile(file, agreement);
  return { runDir, file };
}

describe('readLabelsInRun', () => {
  it('reads what `label import` wrote: the labels, κ and every corrected rate', async () => {
    const { runDir, written } = await labelledRun();
    const labels = await readLabelsInRun(runDir);
    expect(labels).toEqual({ labelled: 4, kappa: written.kappa, corrected: written.corrected });
    expect(labels!.corrected.candidates[0]!.automation.verified.corrected.estimate).toBe(0.5);
  });

  it('has nothing to say about a run with no labels imported', async () => {
    expect(await readLabelsInRun(await tempDir())).toBeUndefined();
  });

  it('stops on a damaged file, naming it and its line', async () => {
    const { runDir, file } = await runWith('{"labelled": 4,\n"corrected": {"candidates": [');
    await expect(readLabelsInRun(runDir)).rejects.toMatchObject({ code: 'SD_INPUT_INVALID', message: expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: not valid JSON`)) });
  });

  it('stops on a foreign file, naming it and what is wrong', async () => {
    const { runDir, file } = await runWith('{"corrected": {"candidates": [{"candidate": 1}]}}');
    const error = await readLabelsInRun(runDir).catch((caught: Error) => caught);
    expect(error).toMatchObject({ code: 'SD_INPUT_INVALID' });
    expect((error as Error).message).toContain(`${file}:1: labelled:`);
    expect((error as Error).message).toContain(`${file}:1: corrected.candidates[0].candidate:`);
    expect((error as Error).message).toContain(`${file} is not a label agreement this shadowdesk reads; import the labels again`);
  });

  it('stops on an agreement written before corrected rates existed, or with a rate out of range', async () => {
    const { runDir, written } = await labelledRun();
    const file = join(runDir, 'label-agreement.json');
    const { corrected, ...older } = written;
    await writeFile(file, JSON.stringify(older));
    await expect(readLabelsInRun(runDir)).rejects.toMatchObject({ code: 'SD_INPUT_INVALID', message: expect.stringContaining(`${file}:1: corrected:`) });
    corrected.candidates[0]!.automation.verified.corrected.estimate = 1.5;
    await writeFile(file, JSON.stringify({ ...older, corrected }));
    await expect(readLabelsInRun(runDir)).rejects.toMatchObject({ message: expect.stringContaining('corrected.candidates[0].automation.verified.corrected.estimate:') });
  });

  it('names a label agreement it cannot read', async () => {
    const runDir = await tempDir();
    await mkdir(join(runDir, 'label-agreement.json'));
    await expect(readLabelsInRun(runDir)).rejects.toMatchObject({ code: 'SD_INPUT_INVALID', message: expect.stringContaining(join(runDir, 'label-agreement.json')) });
  });
});
