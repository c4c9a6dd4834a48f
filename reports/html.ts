import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { kappaReading } from '../eval/labels/labels.ts';
import type { LabelsInRun } from '../eval/labels/in-run.ts';
import type { RunReport } from '../eval/metrics/run-report.ts';
import { CORRECTED_MEANING } from './_format.ts';
import { clientScript } from './client-bundle.ts';
import { PASS_K_MEANING, repeatabilityRows } from './markdown.ts';

/**
 * One self-contained HTML file for a run: chart.js, the data and the page script are inlined, and a
 * Content-Security-Policy forbids every remote load, so the file can be mailed and opened offline.
 *
 * Ticket text is untrusted (customers write it, models repeat it): it travels only inside a JSON
 * `<script type="application/json">` with `<`, `>`, `&` and U+2028/2029 escaped, and the page script
 * writes it with `textContent`, never as markup. Executable inline scripts are allowed by their
 * sha256, computed here, so an injected `<script>` could not run even if it reached the DOM.
 */

export interface HtmlOptions {
  /** @default 'shadowdesk report' */
  title?: string;
}

let assets: { chart: string; client: string } | undefined;

/** chart.js's `exports` hide dist/ files, so resolve the package entry and read its sibling UMD build. */
function loadAssets(): { chart: string; client: string } {
  if (!assets) {
    const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
    const chart = readFileSync(join(dist, 'chart.umd.js'), 'utf8').replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n');
    assets = { chart, client: clientScript() };
  }
  return assets;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** What JSON may hold but an inline script must not: the escapes that keep it data. */
const SCRIPT_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** JSON that cannot close its script element or start a comment, whatever the strings hold. */
function scriptJson(value: unknown): string {
  const json = JSON.stringify(value);
  // Such characters are rare in a report's megabytes: each found by indexOf, a fast search, rather
  // than by a pattern tried at every character (7.5 MB with 6 of them: 2–3 against 46–94 ms).
  const places: number[] = [];
  for (const character of Object.keys(SCRIPT_ESCAPES)) for (let at = json.indexOf(character); at !== -1; at = json.indexOf(character, at + 1)) places.push(at);
  places.sort((a, b) => a - b);
  let escaped = '';
  let from = 0;
  for (const at of places) {
    escaped += json.slice(from, at) + SCRIPT_ESCAPES[json[at]!]!;
    from = at + 1;
  }
  return escaped + json.slice(from);
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

const CSS = `
:root { --fg: #1d2330; --muted: #5b6474; --line: #d9dee7; --bg: #f5f7fa; --card: #fff; --accent: #2f5fd0;
  --good: #1f7a44; --warn: #a86400; --bad: #b3261e; --neutral: #5b6474; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
header { background: #1d2330; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c8cfdb; }
main { max-width: 1280px; margin: 0 auto; padding: 8px 32px 48px; }
section { margin-top: 28px; }
h2 { font-size: 18px; margin: 0 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
.note { color: var(--muted); margin: 4px 0 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; break-inside: avoid; }
.card h3 { margin: 0 0 8px; font-size: 15px; }
.card .big { font-size: 26px; font-weight: 650; }
.card dl { display: grid; grid-template-columns: 1fr auto; gap: 3px 12px; margin: 8px 0 0; }
.card dt { color: var(--muted); }
.card dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
.chart.tall { height: 460px; }
.card .corrected-headline { font-weight: 600; color: var(--accent); margin-top: 2px; }
.card .corrected { color: var(--accent); }
.card dt.corrected { padding-left: 10px; }
.best { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent); }
.decision-headline { font-size: 17px; font-weight: 650; margin: 6px 0 10px; }
#decision-table tr.best td, #decision-plans tr.best td { background: #eef3ff; font-weight: 600; }
.whatif input { width: 130px; }
input[aria-invalid="true"] { border-color: var(--bad); }
.assumptions { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0; }
.assumptions dt { color: var(--muted); }
.assumptions dd { margin: 0; }
.chart { position: relative; height: 340px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
table { border-collapse: collapse; width: 100%; background: var(--card); font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f6; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.scroll { max-height: 420px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
.controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin: 8px 0 12px; }
.controls label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
select, input, button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--fg); }
button { cursor: pointer; }
button:disabled { cursor: default; opacity: .5; }
input[type=search] { min-width: 240px; }
#rows tr { cursor: pointer; }
#rows tr:hover { background: #eef3ff; }
#rows tr.open { background: #dfe8ff; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--neutral); white-space: nowrap; }
.badge.correct { background: var(--good); } .badge.partial { background: var(--warn); } .badge.wrong { background: var(--bad); }
.badge.not-sent { background: #fff; color: var(--muted); border: 1px dashed var(--muted); }
.tag { display: inline-block; margin: 0 4px 2px 0; padding: 0 6px; border-radius: 4px; background: #e7ebf2; font-size: 12px; }
.pager { display: flex; gap: 10px; align-items: center; margin-top: 8px; }
#detail { margin-top: 16px; }
.triple { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
.pane { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; min-width: 0; }
.pane h4 { margin: 0 0 6px; font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: 12px; margin-top: 8px; }
.switch { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.switch button.on { border-color: var(--accent); color: var(--accent); font-weight: 600; }
#rules-table tbody tr { cursor: pointer; }
#rules-table tbody tr:hover { background: #eef3ff; }
#rules-table tbody tr.open { background: #dfe8ff; }
#rules-table tr.disabled td { color: var(--muted); }
#rules-table th { white-space: normal; }
.rule-name { min-width: 160px; overflow-wrap: anywhere; }
.rule-name .trigger { margin-top: 2px; }
.refs { margin: 0; padding-left: 18px; }
.refs li { overflow-wrap: anywhere; }
.examples { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
a { color: var(--accent); }
@media (max-width: 900px) { .triple { grid-template-columns: 1fr; } main { padding: 8px 12px 32px; } }
@media print {
  body { background: #fff; }
  header { background: #fff; color: #000; border-bottom: 2px solid #000; }
  header p { color: #333; }
  .controls, .pager, .noprint { display: none !important; }
  .scroll { max-height: none; overflow: visible; border: 0; }
  section, .chart, .card, table { break-inside: avoid; }
}
`;

/**
 * First on the page: what to decide, under assumptions the reader can change. client/decision-view.ts
 * fills it with `decide`, the terminal's own function, again on every change.
 */
const DECISION_SECTION = `<section id="decision"><h2>Decision</h2>
<p class="decision-headline" id="decision-headline"></p>
<div class="controls whatif noprint" id="whatif">
<label>Tickets a month<input id="wi-volume" type="number" min="1" step="1" inputmode="numeric"></label>
<label>Human cost per ticket<input id="wi-human" type="number" min="0" step="0.01" inputmode="decimal"></label>
<label>Growth a month, %<input id="wi-growth" type="number" step="0.1" inputmode="decimal"></label>
<label>Billed strictness<select id="wi-strictness"></select></label>
<label>Send threshold<input id="wi-threshold" type="number" min="0" max="1" step="0.01" inputmode="decimal"></label>
<button id="wi-reset" type="button">The report's assumptions</button>
</div>
<table id="decision-table"></table>
<p class="note" id="decision-baseline"></p>
<div class="controls"><label>Plans for<select id="decision-candidate"></select></label></div>
<div class="scroll"><table id="decision-plans"></table></div>
<p id="decision-breakeven"></p>
<h3>What to fix first</h3><p class="note">The knowledge gaps holding the most escalated or wrongly answered tickets, scaled to the month planned for: at most that many tickets a month an article could unlock.</p><ol id="decision-fix"></ol>
<h3>Assumptions</h3><dl class="assumptions" id="decision-assumptions"></dl>
</section>`;

/** Present only when the run replayed helpdesk rules (issue 10); client/rules-view.ts fills it. */
const RULES_SECTION = `<section id="rules"><h2>Rules</h2><p class="note" id="rules-info"></p>
<h3>Tickets fired per rule by month</h3><div class="chart"><canvas id="rules-chart" aria-label="Tickets fired per rule by month"></canvas></div>
<h3>Per rule</h3><p class="note">Tag and assignment precision: of the tickets the rule tagged or assigned, the share agents tagged or assigned the same way; recall: of the tickets agents tagged or assigned so, the share the rule caught. A team assignment has nothing to compare with: exports name the agent. Click a rule for example tickets.</p>
<div class="scroll"><table id="rules-table"></table></div>
<div id="rule-detail"></div>
<h3>Conflicts</h3><p class="note">Two rules setting different assignees or priorities on the same ticket: the one that fires last wins.</p><table id="rules-conflicts"></table>
<h3>Overlaps</h3><p class="note">Two rules firing on the same tickets.</p><div class="scroll"><table id="rules-overlaps"></table></div>
<h3>Tags, all rules together</h3><div class="scroll"><table id="rules-tags"></table></div>
<h3>Auto-reply and AI answer both sent</h3><p class="note">Tickets where a rule's auto-reply and the candidate's answer would both have reached the customer.</p><table id="rules-both"></table>
<h3>What the rules add to the bill</h3><p class="note">Over the whole history: tickets billable only because a rule replied (no agent or rule message in the history), and the auto-replies the rules send.</p><table id="rules-billing"></table>
</section>
`;

/** Present only when people's labels were imported: what the corrected figures on the cards rest on. */
function labelsNote(labels: LabelsInRun): string {
  const agreement = labels.kappa === null ? '' : ` (κ ${labels.kappa.toFixed(2)}, ${kappaReading(labels.kappa)} agreement with the judge)`;
  const text = `Beside the judge's figures, their estimates corrected by ${labels.labelled.toLocaleString('en-US')} answers people labelled${agreement}; costs use the corrected automation rate where there is one. ${CORRECTED_MEANING}`;
  return `<p class="note" id="labels-note">${escapeHtml(text)}</p>`;
}

/** Present only for a repeated run: pass^1 and pass^k beside the first try's automation, escaped (candidate ids come from a config). */
function repeatabilitySection(report: RunReport): string {
  const k = report.repeatability!.repeat;
  const cells = (row: string[], tag: 'td' | 'th') => `<tr>${row.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join('')}</tr>`;
  const rows = repeatabilityRows(report).map((row) => cells([row.candidate, row.automation, row.passOne, row.passK, row.flaky], 'td'));
  return `<section id="repeatability"><h2>Repeatability over ${k} tries per ticket</h2><p class="note">${escapeHtml(PASS_K_MEANING)}</p><table>${cells(['Candidate', 'Automation (first try)', 'pass^1', `pass^${k}`, 'Flaky tickets'], 'th')}${rows.join('')}</table></section>
`;
}

/** Renders a run's report as one HTML page with no network access. */
export function renderHtml(report: RunReport, options: HtmlOptions = {}): string {
  const { chart, client } = loadAssets();
  const title = options.title ?? 'shadowdesk report';
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(chart)} ${sha256(client)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p id="run-info"></p></header>
<main>
${DECISION_SECTION}
<section id="headline"><h2>Candidates</h2><p class="note">Automation is the share of all replayed tickets the candidate would have closed alone; every figure shows its 95% interval.</p>${report.labels ? labelsNote(report.labels) : ''}<div class="cards" id="cards"></div></section>
${report.repeatability ? repeatabilitySection(report) : ''}<section id="sweep"><h2>Confidence threshold</h2><p class="note">Raising the send threshold trades automation for accuracy: an answer the run sent is kept only when its confidence reaches the threshold. Solid lines: verified automation; dashed: accuracy of what is sent.</p><p class="note" id="sweep-note"></p><div class="chart"><canvas id="sweep-chart" aria-label="Threshold sweep"></canvas></div><h3>Threshold that meets the target accuracy</h3><table id="sweep-table"></table></section>
<section id="trust"><h2>Action tickets and injection attempts</h2><p class="note">Tickets whose agent acted in another system (refunded, shipped, created a code, attached an invoice…): a text-only candidate cannot close them alone. An answer that claims such an action is counted as needing a human, not as automated.</p><table id="action-table"></table><h3>Prompt-injection attempts</h3><p class="note">Customer messages that try to take over the AI, whatever the answers did with them. The excerpt is the customer's own text.</p><table id="injection-table"></table></section>
<section id="focus"><h2>Costs, breakdowns and gaps</h2><div class="controls"><label>Candidate<select id="focus-candidate"></select></label></div>
<h3>Monthly cost per pricing model over the history</h3>${report.pricing.automation ? '<p class="note" id="cost-basis"></p>' : ''}<div class="chart tall"><canvas id="cost-chart" aria-label="Monthly cost"></canvas></div>
<h3>Totals over the period</h3><p class="note" id="history-basis"></p><div class="scroll"><table id="cost-table"></table></div>
<h3>Crossovers</h3><p class="note" id="crossover-note"></p><div class="scroll"><table id="crossover-table"></table></div>
<h3>Automation by month</h3><div class="chart"><canvas id="month-chart" aria-label="Automation by month"></canvas></div>
<div id="breakdowns"></div>
<h3>Knowledge gaps</h3><p class="note">Escalated or wrongly answered questions, grouped by meaning. Example ids open the ticket below.</p><table id="gap-table"></table></section>
${report.rules ? RULES_SECTION : ''}<section id="explorer"><h2>Ticket explorer</h2>
<div class="controls noprint">
<label>Candidate<select id="f-candidate"></select></label>
<label>Verdict<select id="f-verdict"></select></label>
<label>Outcome<select id="f-outcome"></select></label>
<label>Tag<select id="f-tag"></select></label>
<label>Search<input id="f-text" type="search" placeholder="id, subject, any text"></label>
</div>
<table><thead><tr><th>Ticket</th><th>Date</th><th>Subject</th><th>Tags</th><th>Candidate</th><th>Verdict</th><th>Outcome</th><th class="num">Confidence</th></tr></thead><tbody id="rows"></tbody></table>
<div class="pager noprint"><button id="prev" type="button">Previous</button><span id="page-info"></span><button id="next" type="button">Next</button></div>
<div id="detail"></div>
</section>
</main>
<script type="application/json" id="report-data">${scriptJson(report)}</script>
<script>${chart}</script>
<script>${client}</script>
</body>
</html>
`;
}
