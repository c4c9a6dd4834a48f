import { defineCommand } from 'citty';
import { formatImportReport, HELPDESKS, importAdvice, pullHelpdesk, pullProgressPrinter, type PullReport } from '../../index.ts';
import { EXIT_UNUSABLE, guarded, interruptSignal, positiveInteger, progressPrinter, withExamples } from '../_cli.ts';

const BEFORE = { empty: '', interrupted: ', resuming an interrupted pull', finished: ', already finished in that folder: nothing asked again' } as const;

function pullSummary({ pull }: PullReport): string {
  const streams = pull.streams.map((stream) => {
    if (stream.unavailable) return `no ${stream.stream} (${stream.unavailable})`;
    const perRecord = stream.perRecord ? ` (+ ${stream.perRecord.records.toLocaleString('en-US')} ${stream.perRecord.stream})` : '';
    return `${stream.records.toLocaleString('en-US')} ${stream.stream}${perRecord}`;
  });
  const retries = pull.requests.retries > 0 ? `, ${pull.requests.retries} retried` : '';
  const waited = pull.requests.throttledMs > 0 ? `, ${(pull.requests.throttledMs / 1000).toFixed(1)} s waiting on rate limits` : '';
  return [
    `Pulled from ${pull.helpdesk} (${pull.window.since.slice(0, 10)} to ${pull.window.until.slice(0, 10)})${BEFORE[pull.before]}: ${streams.join(', ')}.`,
    `${pull.requests.requests.toLocaleString('en-US')} requests${retries}${waited}, ${pull.seconds.toFixed(1)} s; raw pages in ${pull.folder}`,
  ].join('\n');
}

const command = defineCommand({
  meta: { name: 'pull', description: 'Read your history straight from the helpdesk API (credentials from environment variables), then import it.' },
  args: {
    helpdesk: { type: 'positional', description: Object.keys(HELPDESKS).join(' | '), required: true },
    since: { type: 'string', description: 'First date to pull (2024-06-30); default two years before --until' },
    until: { type: 'string', description: 'Last date to pull; default now' },
    out: { type: 'string', description: 'Folder for the raw pages (default <workspace>/pulled/<helpdesk>); a re-run resumes from it' },
    rpm: { type: 'string', description: 'Requests per minute at most, retries included (the API’s own limits apply too)' },
    'pages-only': { type: 'boolean', description: 'Write the raw pages only; import them later with `shadowdesk import <folder>`' },
    events: { type: 'boolean', description: 'Zendesk: read the replies from the ticket events export (1,000 a request) instead of each ticket’s comments (one request a ticket)' },
    workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
    json: { type: 'boolean', description: 'Print the pull and import reports as JSON' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const report = await pullHelpdesk(args.helpdesk, {
        workspace: args.workspace,
        ...(args.out && { out: args.out }),
        ...(args.since && { since: args.since }),
        ...(args.until && { until: args.until }),
        ...(args.rpm && { requestsPerMinute: positiveInteger(args.rpm, '--rpm') }),
        noImport: args['pages-only'],
        events: args.events,
        onProgress: args.json ? undefined : pullProgressPrinter(),
        onImportProgress: args.json ? undefined : progressPrinter(),
        signal: interruptSignal(),
      });
      if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${pullSummary(report)}\n${report.import ? `${[formatImportReport(report.import), '', ...importAdvice(report.import)].join('\n')}\n` : ''}`);
      if (report.import && !report.import.committed) process.exitCode = EXIT_UNUSABLE;
    }),
});

export default withExamples(command, [
  'shadowdesk pull zendesk                      (with ZENDESK_SUBDOMAIN, ZENDESK_EMAIL and ZENDESK_API_TOKEN set)',
  'shadowdesk pull gorgias --since 2024-01-01   (with GORGIAS_DOMAIN, GORGIAS_EMAIL and GORGIAS_API_KEY set)',
  'shadowdesk pull zendesk --events             (replies from the ticket events export: far fewer requests)',
  'shadowdesk pull freshdesk --rpm 100 --pages-only',
  'shadowdesk pull shopify --out pulls/shopify',
]);
