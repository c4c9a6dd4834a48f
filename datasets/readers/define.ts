import { ShadowdeskError } from '../../errors.ts';
import type { Reader } from '../reader.ts';

/**
 * A reader is already a named definition (its `--format` name, a description for the docs, the
 * records it yields, how it detects and reads a file): the map of them gives `shadowdesk formats`,
 * the guide's list and the contract tests. The map's keys are what `--format` takes, so each must be
 * its reader's own name.
 */
export type ReaderMap = Readonly<Record<string, Reader>>;

export function readerMap<const M extends ReaderMap>(readers: M): M {
  for (const [format, reader] of Object.entries(readers)) {
    if (reader.name !== format) throw new ShadowdeskError('SD_INPUT_INVALID', `the format "${format}" holds the reader named "${reader.name}"; register a reader under its own name`);
  }
  return readers;
}
