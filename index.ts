/** shadowdesk's library API: everything the CLI does is available from here. */
export { ShadowdeskError, isShadowdeskError, type ShadowdeskErrorCode } from './errors.ts';
export * from './datasets/records.ts';
export type { Probe, ReadItem, ReadOptions, Reader, SourceLocation } from './datasets/reader.ts';
export { READERS, detectReader, probePath, readerFor, type FormatName } from './datasets/readers/index.ts';
export { cleanBody, cleanText, htmlToText } from './pipelines/clean.ts';
export {
  importSources,
  type FileImportReport,
  type ImportIssue,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type ImportSource,
} from './pipelines/import.ts';
export { DEFAULT_WORKSPACE, readRecords } from './pipelines/workspace.ts';
export { formatImportReport } from './reports/import-report.ts';
