import { ShadowdeskError } from '../errors.ts';
import type { RunReport } from '../eval/metrics/run-report.ts';

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
type ByName<T extends readonly ReportWriter[]> = { readonly [W in T[number] as W['name']]: W };

/** A map keyed by each writer's own name; two writers may not share a name or a file (one would overwrite the other). */
export function reportWriterMap<const T extends readonly ReportWriter[]>(writers: T): ByName<T> {
  for (const key of ['name', 'file'] as const) {
    const values = writers.map((writer) => writer[key]);
    const twice = values.find((value, index) => values.indexOf(value) !== index);
    if (twice !== undefined) throw new ShadowdeskError('SD_INPUT_INVALID', `two report formats have the ${key} "${twice}"`);
  }
  return Object.fromEntries(writers.map((writer) => [writer.name, writer])) as ByName<T>;
}
