import { generateDemo } from '../datasets/demo/generate.ts';
import { judgeRun } from '../eval/judges/judge-run.ts';
import { replay, type Selection } from '../eval/replay/replay.ts';
import { responderFor } from '../eval/responders/index.ts';
import { buildReport } from '../eval/metrics/run-report.ts';
import { replayWindowStart, simulate } from '../eval/simulate.ts';
import { ensureBuiltinModel } from '../pipelines/embed/workspace-model.ts';
import { importSources } from '../pipelines/import.ts';
import { buildIndex, refreshIndex, type IndexProgress } from '../pipelines/search-index.ts';
import { writeReports } from '../reports/index.ts';
import { peakRssMb } from './_shared.ts';

/**
 * One stage of the scale benchmark, alone in its process so that its peak RSS is its own.
 * Takes one JSON argument ({ stage, … }) and prints one JSON line: seconds, peak RSS, details.
 */

export type ScaleStage = 'baseline' | 'generate' | 'import' | 'fit' | 'index' | 'replay' | 'judge' | 'report' | 'e2e';

export interface StageRequest {
  stage: ScaleStage;
  tickets?: number;
  dataDir?: string;
  workspace?: string;
  runDir?: string;
  candidates?: string[];
  selection?: Selection;
}

export interface StageResult {
  seconds: number;
  /** CPU time of the process (user + system, all its threads): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssMb: number;
  /** Sub-stages measured inside the process: seconds, and the peak RSS reached by the end of each. */
  parts?: Record<string, { seconds: number; peakRssMb: number }>;
  details?: Record<string, unknown>;
}

const request = JSON.parse(process.argv[2]!) as StageRequest;
const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
let details: Record<string, unknown> = {};
let parts: StageResult['parts'];

/** Times the stages buildIndex reports (fit, embed, write), each with the peak RSS at its end. */
function indexParts(): { onProgress: (progress: IndexProgress) => void; finish: () => NonNullable<StageResult['parts']> } {
  const marks: Array<{ stage: string; at: number; peak: number }> = [{ stage: 'start', at: performance.now(), peak: peakRssMb() }];
  const mark = (stage: string) => marks.push({ stage, at: performance.now(), peak: peakRssMb() });
  return {
    onProgress: (progress) => {
      if (progress.stage === 'fit' && progress.done === progress.total) mark('fit');
      if (progress.stage === 'write' && progress.done === 0) mark('embed');
    },
    finish: () => {
      mark('write');
      const out: NonNullable<StageResult['parts']> = {};
      for (let i = 1; i < marks.length; i++) out[marks[i]!.stage] = { seconds: (marks[i]!.at - marks[i - 1]!.at) / 1000, peakRssMb: marks[i]!.peak };
      return out;
    },
  };
}

switch (request.stage) {
  case 'baseline':
    // What every child costs before doing anything: Node, tsx and the modules above.
    break;
  case 'generate': {
    const summary = await generateDemo({ outDir: request.dataDir!, tickets: request.tickets!, seed: 7 });
    details = { tickets: summary.tickets, orders: summary.orders };
    break;
  }
  case 'import': {
    const report = await importSources([{ path: request.dataDir! }], { workspace: request.workspace! });
    details = { read: report.totals.read, imported: report.totals.imported, skipped: report.totals.skipped };
    break;
  }
  case 'fit': {
    const fitted = await ensureBuiltinModel(request.workspace!);
    details = { refitted: fitted.refitted, documents: fitted.documents };
    break;
  }
  case 'index': {
    const progress = indexParts();
    const summary = await buildIndex({ workspace: request.workspace!, onProgress: progress.onProgress });
    parts = progress.finish();
    details = { texts: summary.texts, embedded: summary.embedded, tickets: summary.tickets, knowledgePassages: summary.knowledgePassages, embedSeconds: summary.embedSeconds, refitted: summary.modelFit?.refitted };
    break;
  }
  case 'replay': {
    const summary = await replay({ workspace: request.workspace!, runDir: request.runDir!, candidates: request.candidates!.map(responderFor), selection: request.selection!, concurrency: 4 });
    details = { tickets: summary.tickets, answered: summary.answered };
    break;
  }
  case 'judge': {
    const summary = await judgeRun({ runDir: request.runDir!, workspace: request.workspace! });
    details = { judged: summary.judged.length };
    break;
  }
  case 'report': {
    // buildReport judges again (it is what `shadowdesk report` runs), then metrics, pricing, gaps.
    const report = await buildReport({ runDir: request.runDir!, workspace: request.workspace! });
    const built = elapsed();
    await writeReports(report, request.runDir!);
    details = { buildReportSeconds: built, writeSeconds: elapsed() - built, tickets: report.tickets.length };
    break;
  }
  case 'e2e': {
    // What `shadowdesk demo` does: import, index (fit + embed + write), replay, judge, price, report.
    const marks: NonNullable<StageResult['parts']> = {};
    let at = performance.now();
    const mark = (name: string) => {
      marks[name] = { seconds: (performance.now() - at) / 1000, peakRssMb: peakRssMb() };
      at = performance.now();
    };
    const imported = await importSources([{ path: request.dataDir! }], { workspace: request.workspace! });
    mark('import');
    const progress = indexParts();
    // Fitted before the replay window, as simulate requires, and used as it is when it was (as `shadowdesk demo` does).
    const cutoff = await replayWindowStart(request.workspace!, request.selection!);
    const index = await refreshIndex({ workspace: request.workspace!, cutoff, onProgress: progress.onProgress });
    for (const [name, part] of Object.entries(progress.finish())) marks[`index.${name}`] = part;
    mark('index');
    const simulating = performance.now();
    const { replay: summary, report } = await simulate({
      workspace: request.workspace!,
      runDir: request.runDir!,
      candidates: request.candidates!.map(responderFor),
      selection: request.selection!,
    });
    const simulated = performance.now();
    marks.replay = { seconds: summary.seconds, peakRssMb: peakRssMb() };
    marks['judge+report'] = { seconds: (simulated - simulating) / 1000 - summary.seconds, peakRssMb: peakRssMb() };
    at = simulated;
    await writeReports(report, request.runDir!);
    mark('write reports');
    parts = marks;
    details = { imported: imported.totals.imported, embedded: index.embedded, texts: index.texts, refitted: index.modelFit?.refitted, replayed: summary.tickets, answers: summary.answered };
    break;
  }
}

const usage = process.resourceUsage();
process.stdout.write(`${JSON.stringify({ seconds: elapsed(), cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, peakRssMb: peakRssMb(), ...(parts && { parts }), details } satisfies StageResult)}\n`);
// LanceDB and onnxruntime can keep handles open; the result is written.
process.exit(0);
