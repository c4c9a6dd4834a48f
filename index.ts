/** shadowdesk's library API: everything the CLI does is available from here. */
export { isShadowdeskError, problemLine, problemsError, problemsText, ShadowdeskError, type ProblemAt, type ShadowdeskErrorCode } from './errors.ts';
export * from './datasets/records.ts';
export type { Probe, ReadItem, ReadOptions, Reader, SourceLocation } from './datasets/reader.ts';
export { DEFAULT_MAX_MESSAGE_CHARS } from './datasets/reader.ts';
export { READERS, detectReader, formatsDocList, formatsTable, probePath, readerFor, type FormatName } from './datasets/readers/index.ts';
export { readerMap, type ReaderMap } from './datasets/readers/define.ts';
export { cleanBody, cleanText, htmlToText } from './datasets/text/clean.ts';
export { encodingWarning } from './datasets/io/text.ts';
export {
  currentImportReport,
  importAdvice,
  importSources,
  type FileImportReport,
  type ImportIssue,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type ImportSource,
} from './pipelines/import.ts';
export { plainProgress, type PlainProgressOptions } from './pipelines/progress.ts';
export { currentImportDir, DEFAULT_WORKSPACE, readJsonlLines, readRecords, RECORD_FILES } from './pipelines/workspace.ts';
export { DEMO_DATA_DIR } from './datasets/demo/location.ts';
export { formatImportReport } from './reports/import-report.ts';
export { buildIndex, modelLeakReason, refreshIndex, type IndexOptions, type IndexProgress, type IndexSummary } from './pipelines/search-index.ts';
export { openSearcher, type SearchHit, type SearchMode, type SearchOptions, type Searcher, type SearchTable } from './pipelines/search-tables.ts';
export { asOfCutoff, indexForAsOf, searchAsOf, type IndexRebuild, type SearchAsOfOptions, type SearchAsOfResult } from './pipelines/search-as-of.ts';
export { redact, type PiiKind, type Redaction } from './datasets/text/redact.ts';
export { pullHelpdesk, type PullOptions, type PullReport } from './pipelines/pull/pull.ts';
export { HELPDESKS } from './pipelines/pull/index.ts';
export { pullProgressPrinter } from './pipelines/pull/progress.ts';
export type { Answer, DecidedAnswer, FailedAnswer, Responder, Source, TicketContext, Usage } from './eval/types.ts';
export type { AnswerFailure, FailureKind } from './eval/failure-kind.ts';
export { builtinCandidates, candidatesHelp, defaultCandidates, RESPONDERS, responderFor, responderIn, responderMap, type ResponderMap, type ResponderName } from './eval/responders/index.ts';
export { candidateId, defineResponder, type ResponderBuild, type ResponderDefinition } from './eval/responders/define.ts';
export { createLlmResponder, type LlmResponderOptions } from './eval/responders/llm.ts';
export { candidateSchemaOf, createCandidates, DEFAULT_SEED, llmJudgeOf, loadSimulationConfig, SimulationConfigSchema, type SimulationConfig } from './eval/config/config.ts';
export { readConfig } from './eval/config/config-file.ts';
export { configFlagValue, configJsonSchema, configKeySchema } from './eval/config/config-schema.ts';
export { allowedValuesHint, editDistance, fixHint, jsonSchemaAt, nearest, unknownKeyHint, type JsonSchemaNode } from './eval/config/hints.ts';
export { cliCommand, initProject, type InitResult } from './eval/config/init.ts';
export { describeRefits, readResults, readRunInfo, replay, replayPeriods, selectTickets, type IndexModel, type ReplayOptions, type ReplayPeriod, type ReplaySummary, type Selection, type TicketResult } from './eval/replay/replay.ts';
export { describeCoverage } from './eval/replay/coverage.ts';
export { mergeRuns } from './eval/replay/merge-runs.ts';
export { replayWindowStart, simulate, type SimulateOptions, type SimulationResult } from './eval/simulate.ts';
export { judgeRun, type JudgeRunOptions } from './eval/judges/judge-run.ts';
export { VERDICTS, type JudgedTicket, type JudgeScore, type Outcome, type Verdict } from './eval/judges/types.ts';
export { DEFAULT_VERDICT_RULES, VerdictRulesSchema, type VerdictRules } from './eval/judges/verdict.ts';
export { createJudges, judgeCase, JUDGES, judgeMap, judgesHelp, type JudgeMap, type JudgeName } from './eval/judges/index.ts';
export { defineEvidenceJudge, defineJudge, type EvidenceJudgeDefinition, type JudgeCase, type JudgeDefinition, type JudgeEvidence, type JudgeTexts, type TextJudgeCase, type TextJudgeDefinition } from './eval/judges/define.ts';
export { exportLabelSample, HUMAN_LABELS, importLabels, kappaReading, type LabelAgreement, type LabelPlan } from './eval/labels/labels.ts';
export type { LabelsInRun } from './eval/labels/in-run.ts';
export { computeMetrics, computeRepeatability, type CandidateRepeatability, type JudgedTry, type RunMetrics, type RunRepeatability } from './eval/metrics/metrics.ts';
export { errorRateExceeded, failedAnswers, failureText, type FailedAnswers } from './eval/metrics/failures.ts';
export { noiseFloor, noiseFloorLine } from './eval/metrics/noise-floor.ts';
export type { CandidateCorrection, CorrectedFigure } from './eval/metrics/corrected-rates.ts';
export type { CorrectedRate, Proportion } from './eval/metrics/ppi.ts';
export { loadPricing, PRESETS_FILE } from './eval/pricing/load.ts';
export { projectCosts, type MonthVolume, type PricingProjection } from './eval/pricing/project.ts';
export { priceRun, withCostAssumptions, type CostAssumptions, type RunPricing } from './eval/pricing/price-run.ts';
export { decide, withAssumptions, type Assumptions, type AssumptionOrigins, type Decision, type DecisionInputs } from './eval/pricing/decision.ts';
export type { Strictness } from './eval/pricing/volumes.ts';
export { buildReport, readReport, type ReportOptions, type RunReport } from './eval/metrics/run-report.ts';
export { contextRecallLine } from './eval/judges/context-recall.ts';
export { baselineOf, compareRuns, describeRepeats, planGate, type CompareOptions, type GatePlan, type PlanOptions, type RunComparison } from './eval/metrics/compare.ts';
export { REPORT_FORMATS, REPORT_WRITERS, reportFilesDocList, reportFormatsHelp, writeReports, type ReportFormat } from './reports/index.ts';
export { defineReportWriter, reportWriterMap, type ReportWriter, type ReportWriterMap } from './reports/define.ts';
export { findChromium, writeReportPdf, type PdfOptions } from './reports/pdf.ts';
export { CORRECTED_MEANING, correctedText, costBasisText, money, percent, precisionText, rateText } from './reports/_format.ts';
export { decisionTerminalLines, historyBasisText } from './reports/decision-text.ts';
export { PASS_K_MEANING, repeatabilityRows } from './reports/markdown.ts';
export { gateCases, renderComparisonMarkdown, renderPlanMarkdown } from './reports/comparison.ts';
export { renderJunit } from './reports/junit.ts';
export {
  loadRules,
  parseRules,
  RuleSchema,
  RulesFileSchema,
  type Condition,
  type Priority,
  type Rule,
  type RuleActions,
  type RulesFile,
  type RuleTrigger,
} from './eval/rules/schema.ts';
export { compileRules, runRules, type RuleAction, type RuleFiring, type TicketOutcome } from './eval/rules/engine.ts';
export {
  computeRulesResult,
  RULES_RESULT_VERSION,
  type AssignmentScore,
  type AutoReplyScore,
  type Ratio,
  type RuleConflict,
  type RuleOverlap,
  type RuleResult,
  type RulesResult,
  type TagScore,
  type TicketRef,
} from './eval/rules/metrics.ts';
export { evaluateRules, simulateRules, writeRulesSimulation, type RulesResultFile, type RulesSimulation, type SimulateRulesOptions } from './eval/rules/simulate.ts';
export { loadGorgiasRules, translateGorgiasRules, type GorgiasImport, type GorgiasRule, type GorgiasRuleReport } from './eval/rules/gorgias.ts';
