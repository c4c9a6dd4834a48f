import { ShadowdeskError } from '../errors.ts';
import type { RunReport } from '../eval/metrics/run-report.ts';
import { firstRepeated, namedMap, type ByName } from '../eval/named-map.ts';

/**
 * One file a run's report is written as, in one place: the name `--formats` takes, what the docs
 * say of it, the file it goes to and how it is rendered. The `--formats` help and the guide's list
 * are read from the map of these; ticket text in it is untrusted, so `render` escapes it as the
 * file's own language needs (the contract tests check each by the file's extension).
 */
export interface ReportWriter<Name extends string = string> {
  name: Name;
  /** One sentence for a support lead: what the file is for. */
  summary: string;
  file: string;
  render(report: RunReport): string;
}

export function defineReportWriter<const Name extends string>(writer: ReportWriter<Name>): ReportWriter<Name> {
  return writer;
}

export type ReportWriterMap = Readonly<Record<string, ReportWriter>>;

/** A map keyed by each writer's own name; two writers may not share a name or a file (one would overwrite the other). */
export function reportWriterMap<const T extends readonly ReportWriter[]>(writers: T): ByName<T> {
  const map = namedMap(writers, (name) => `two report formats have the name "${name}"`);
  const file = firstRepeated(writers.map((writer) => writer.file));
  if (file !== undefined) throw new ShadowdeskError('SD_INPUT_INVALID', `two report formats have the file "${file}"`);
  return map;
}
