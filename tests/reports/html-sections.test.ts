import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide, TARGET_ACCURACY, type Assumptions } from '../../eval/pricing/decision.ts';
import { money } from '../../reports/_format.ts';
import { headlineText, quotedText, wrongText } from '../../reports/decision-text.ts';
import { makeReport, RULE_XSS_NAME, RULE_XSS_SUBJECT, XSS_PAYLOADS } from './_report-factory.ts';
import { ARTIFACTS, CHROMIUM_SUITE, hasChromium, useChromium } from './_chromium.ts';

/** The HTML report's sections in a real Chromium: the decision, rules, label-corrected figures and unsent answers (see _chromium.ts). */

describe.skipIf(!hasChromium)(CHROMIUM_SUITE, () => {
  const { open, pageInfo, timed } = useChromium();

  it('renders the decision first and recomputes every figure with the library when the reader changes an assumption', async () => {
    const report = await makeReport({ tickets: 300, candidates: 3, labels: true });
    const { page, url, errors, requests } = await open(report, 'decision.html');
    expect(await page.evaluate(`document.querySelector('main > section').id`)).toBe('decision');
    const currency = report.pricing.currency;

    const expectFigures = async (overrides: Partial<Assumptions>) => {
      const decision = decide(report.pricing.decisionInputs, report.gaps, overrides);
      expect(await page.locator('#decision-headline').innerText()).toBe(headlineText(decision));
      const rows = await page.locator('#decision-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(rows).toEqual(
        decision.candidates.map((candidate) => {
          const plan = candidate.plans.find((entry) => entry.cheapest)!;
          return [candidate.candidate, quotedText(candidate.automation), wrongText(candidate), plan.label, money(plan.monthly, currency), money(plan.twelveMonths, currency), expect.stringMatching(/^(saves|costs) \$/)];
        }),
      );
      const shown = decision.candidates.find((candidate) => candidate.candidate === decision.cheapest?.candidate) ?? decision.candidates[0]!;
      await page.selectOption('#decision-candidate', shown.candidate);
      for (const plan of shown.plans) {
        const cells = await page.locator(`#decision-plans tr[data-plan="${plan.id}"] td`).allTextContents();
        expect(cells.slice(1, 3)).toEqual([money(plan.monthly, currency), money(plan.twelveMonths, currency)]);
      }
      return decision;
    };

    const before = await expectFigures({});
    await page.fill('#wi-volume', '5000');
    const bigger = await expectFigures({ monthlyTickets: 5000 });
    expect(bigger.baseline.twelveMonths).not.toBe(before.baseline.twelveMonths);
    await page.fill('#wi-human', '7.25');
    const dearer = await expectFigures({ monthlyTickets: 5000, humanCostPerTicket: 7.25 });
    expect(dearer.baseline.twelveMonths).toBeCloseTo(bigger.baseline.twelveMonths * (7.25 / 5), 1);
    await page.fill('#wi-growth', '3');
    await page.fill('#wi-threshold', '0.5');
    await page.selectOption('#wi-strictness', 'confirmed');
    await expectFigures({ monthlyTickets: 5000, humanCostPerTicket: 7.25, growth: 0.03, threshold: 0.5, strictness: 'confirmed' });
    expect(await page.locator('#decision-assumptions').innerText()).toContain('set in the page');
    // A value that makes no sense is ignored and marked, not computed with.
    await page.fill('#wi-volume', '-4');
    expect(await page.locator('#wi-volume').getAttribute('aria-invalid')).toBe('true');
    await expectFigures({ humanCostPerTicket: 7.25, growth: 0.03, threshold: 0.5, strictness: 'confirmed' });
    await page.click('#wi-reset');
    await expectFigures({});

    // The knowledge gaps to fix first: the planted label shows as text, an example opens its ticket.
    expect(await page.locator('#decision-fix').innerText()).toContain(XSS_PAYLOADS[0]);
    expect(await page.locator('#decision script, #decision img, #decision svg').count()).toBe(0);
    const example = page.locator('#decision-fix a.gap-example').first();
    const exampleId = await example.innerText();
    await example.click();
    await expect.poll(() => page.locator('#detail h3').first().innerText()).toContain(`Ticket ${exampleId}`);

    // The threshold chart starts where the cards are, and draws no accuracy the table says is never reached.
    const sweepData = (await page.evaluate(
      `Object.fromEntries(Chart.getChart(document.getElementById('sweep-chart')).data.datasets.map((set) => [set.label, set.data.map((point) => point.y)]))`,
    )) as Record<string, Array<number | null>>;
    const target = TARGET_ACCURACY;
    for (const card of report.metrics.candidates) {
      expect(sweepData[`${card.candidate} automation`]![0]).toBeCloseTo(card.automation.verified.value! * 100, 2);
      expect(sweepData[`${card.candidate} accuracy`]![0]).toBeCloseTo(card.accuracy.value! * 100, 2);
      const row = await page.locator('#sweep-table tbody tr', { hasText: card.candidate }).locator('td').nth(2).innerText();
      if (row === 'never reached') for (const y of sweepData[`${card.candidate} accuracy`]!) if (y !== null) expect(y).toBeLessThan(target * 100);
    }

    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.locator('#decision').screenshot({ path: join(ARTIFACTS, 'decision.png') });
    await page.close();
  }, 60_000);

  it('renders the rules section: a row per rule, the chart, examples and counts, payloads as text', async () => {
    const report = await makeReport({ tickets: 40, candidates: 2, rules: true });
    const rules = report.rules!;
    const { page, url, errors, requests } = await open(report, 'rules.html');

    const rows = page.locator('#rules-table tbody tr');
    expect(await rows.count()).toBe(rules.result.rules.length);
    expect(await page.locator('#rules-table .rule-name').allInnerTexts()).toEqual(
      rules.result.rules.map((rule) => `${rule.name.replace('\n', ' ')}${rule.enabled ? '' : ' disabled'}\n${rule.trigger}`),
    );
    const row = (name: string) => rows.filter({ hasText: name }).locator('td').allInnerTexts();
    expect(await row('where is my order')).toEqual(['where is my order\nticket-created', '4', '50%', '100% (4/4)', '100% (4/4)', '50% (2/4)', '50% (2/4)', '–', '–', '–', '–', '–']);
    expect(await row('parcel auto-reply')).toEqual(['parcel auto-reply\ncustomer-message', '4 (5 firings)', '50%', '–', '–', '–', '–', '4 tickets · 4 customers', '1 (25%)', '1 (25%)', '–', '–']);
    expect(await row('vip to billing')).toEqual(['vip to billing\nticket-created', '2', '25%', '–', '–', 'team — not comparable', '–', '–', '–', 'low on 2', '–']);
    expect(await row('close thanks')).toContain('1, 1 answered after');
    expect(await page.locator('#rules-table tr.disabled').innerText()).toContain('legacy');
    expect(await page.locator('#rules-table thead').innerText()).toContain('Answered within 15 min anyway');

    // The chart: one line per rule that fired, over every month of the period, drawn.
    const chart = (await page.evaluate(
      `(() => { const c = document.getElementById('rules-chart'); const chart = Chart.getChart(c); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return { labels: chart.data.labels, sets: chart.data.datasets.map((set) => set.label), inked: n }; })()`,
    )) as { labels: string[]; sets: string[]; inked: number };
    expect(chart.labels).toEqual(['2025-01', '2025-02', '2025-03', '2025-04']);
    expect(chart.sets).toEqual(['where is my order', 'parcel auto-reply', RULE_XSS_NAME, 'vip to billing', 'close thanks']);
    expect(chart.inked).toBeGreaterThan(1000);
    expect(await page.locator('canvas').count()).toBe(4);

    // The first rule's examples open by default; its planted subject shows as text.
    expect(await page.locator('#rule-detail h3').innerText()).toContain('refunds | urgent <img src=x onerror="window.__xss=1">');
    expect(await page.locator('#rule-detail').innerText()).toContain(`100000 · ${RULE_XSS_SUBJECT}`);
    expect(await page.locator('#rule-detail .pane', { hasText: 'agents tagged, rule missed' }).locator('li').allInnerTexts()).toEqual(['100006 · Produit']);
    await rows.filter({ hasText: 'where is my order' }).click();
    expect(await page.locator('#rules-table tr.open').innerText()).toContain('where is my order');
    const missed = page.locator('#rule-detail .pane', { hasText: 'Agents assigned Hugo Bernard, rule missed' });
    expect(await missed.locator('li').allInnerTexts()).toEqual([`100000 · ${RULE_XSS_SUBJECT}`, '100003 · Refund']);
    // An example the explorer holds opens there.
    await missed.locator('a.rule-example').first().click();
    await expect.poll(() => page.locator('#detail h3').first().innerText()).toContain('Ticket 100000');

    expect(await page.locator('#rules-conflicts tbody tr').allInnerTexts()).toEqual([
      'priority\trefunds | urgent <img src=x onerror="window.__xss=1"> vs vip to billing\t1\t\n100003 · Refund',
      'assignee\twhere is my order vs vip to billing\t1\t\n100004 · Commande',
    ]);
    expect(await page.locator('#rules-overlaps tbody tr').count()).toBe(rules.result.overlaps.length);
    expect(await page.locator('#rules-both tbody tr td:nth-child(1)').allInnerTexts()).toEqual(['composite', 'past-ticket']);
    expect(await page.locator('#rules-both tbody tr td:nth-child(2)').allInnerTexts()).toEqual(['4 (10%)', '3 (7.5%)']);
    expect(await page.locator('#rules-billing tbody tr').allInnerTexts()).toEqual(['2025-01\t0\t1', '2025-02\t1\t1', '2025-03\t0\t1', '2025-04\t0\t2', 'Total\t1\t5']);
    expect(await page.locator('#rules-info').innerText()).toContain('Rules file rules/<b>helpdesk</b>.yaml · 5 of 6 rules enabled, replayed on 8 tickets (2025-01-03 – 2025-04-10)');

    expect(await page.locator('#rules script, #rules img, #rules svg, #rules b').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.locator('#rules').screenshot({ path: join(ARTIFACTS, 'rules.png') });
    await page.close();
  });

  it('shows each candidate’s label-corrected figures under the judge’s, and what its costs use', async () => {
    const report = await makeReport({ tickets: 120, candidates: 3, labels: true });
    const { page, url, errors, requests } = await open(report, 'labels.html');
    const corrections = new Map(report.labels!.corrected.candidates.map((candidate) => [candidate.candidate, candidate]));
    const cards = page.locator('.card');
    expect(await cards.count()).toBe(3);
    for (let index = 0; index < 3; index++) {
      const card = cards.nth(index);
      const correction = corrections.get((await card.getAttribute('data-candidate'))!)!;
      expect(await card.locator('.note').innerText()).toMatch(/^verified automation, judge \(/);
      expect(await card.locator('.corrected-headline').innerText()).toMatch(new RegExp(`^\\d+(\\.\\d)?% \\(\\d+(\\.\\d)?%–\\d+(\\.\\d)?%\\) corrected by ${correction.labelled} labels$`));
      // Under confirmed, accuracy and wrong answers: the corrected figure.
      const terms = await card.locator('dt').allInnerTexts();
      for (const judged of ['Confirmed', 'Accuracy of sent answers', 'Wrong answers sent']) expect(terms[terms.indexOf(judged) + 1]).toBe('↳ corrected');
      expect(await card.locator('dt.corrected').count()).toBe(3);
      const precision = correction.precision;
      expect(await card.locator('dt:text-is("Precision of automated") + dd').innerText()).toMatch(new RegExp(` · ${precision.successes} of ${precision.trials}$`));
    }
    const basis = async () => page.locator('#cost-basis').innerText();
    const shown = await page.locator('#focus-candidate').inputValue();
    expect(await basis()).toMatch(/^Costs use the label-corrected verified automation rate, \d+(\.\d)?% instead of the judge's \d+(\.\d)?%\.$/);
    const other = report.metrics.candidates.map((candidate) => candidate.candidate).find((name) => name !== shown)!;
    const before = await basis();
    await page.selectOption('#focus-candidate', other);
    await expect.poll(basis).not.toBe(before);
    expect(await page.locator('#labels-note').innerText()).toContain('prediction-powered inference');
    expect(await page.locator('#run-info').innerText()).toContain('automation billed at "verified", label-corrected');

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.locator('#headline').screenshot({ path: join(ARTIFACTS, 'labels.png') });
    await page.close();
  });

  it('shows unsent answers as "not sent" with what they would have been or the kind of their failure, and says once what a breakdown lacks (French and English tickets)', async () => {
    const report = await makeReport({ tickets: 120, candidates: 2 });
    // A history with no channel at all, and a few tickets without a language.
    for (const list of Object.values(report.metrics.breakdowns)) {
      for (const breakdown of list) {
        if (breakdown.dimension === 'channel') Object.assign(breakdown, { groups: [], unrecorded: 120, noData: 'This history does not say which channel any ticket came through, so there is no breakdown by channel.' });
        if (breakdown.dimension === 'language') breakdown.unrecorded = 7;
      }
    }
    // Each candidate's first unsent French and English answers failed, each of its own kind.
    const failures = { fr: { kind: 'timeout', message: 'http://127.0.0.1:9/v1 : délai dépassé après 5000 ms' }, en: { kind: 'invalid-output', message: 'the model did not answer with the expected JSON: Sure!' } } as const;
    for (const candidate of report.run.candidates) {
      for (const language of ['fr', 'en'] as const) {
        const ticket = report.tickets.find((entry) => entry.language === language && entry.answers.some((answer) => answer.candidate === candidate && !answer.sent))!;
        ticket.answers.find((answer) => answer.candidate === candidate)!.failure = failures[language];
      }
    }
    const { page, url, errors, requests } = await open(report, 'not-sent.html');
    const best = await page.locator('#f-candidate').inputValue();

    const unsent = report.tickets.flatMap((ticket) => ticket.answers.filter((answer) => answer.candidate === best && !answer.sent).map((answer) => ({ ticket, answer })));
    expect(unsent.every(({ answer }) => answer.verdict === 'not-sent' && answer.verdictIfSent !== undefined)).toBe(true);
    await timed(page, () => page.selectOption('#f-verdict', 'not-sent'));
    expect(await pageInfo(page)).toBe(`1–${Math.min(50, unsent.length)} of ${unsent.length} answers`);
    expect(new Set(await page.locator('#rows .badge').allInnerTexts())).toEqual(new Set(['not sent']));

    for (const language of ['fr', 'en'] as const) {
      const { ticket, answer } = unsent.find((entry) => entry.ticket.language === language)!;
      // Waited for: the text filter applies after a pause; each search starts from the whole not-sent list.
      await timed(page, () => page.fill('#f-text', ticket.ticketId));
      await page.locator(`#rows tr[data-ticket="${ticket.ticketId}"]`).click();
      await expect.poll(() => page.locator('#detail h3').first().innerText()).toContain(`Ticket ${ticket.ticketId}`);
      expect(await page.locator('#detail .pane .badge').innerText()).toBe('not sent');
      expect(await page.locator('#detail .pane .meta').first().innerText()).toContain(`Would have been: ${answer.verdictIfSent}`);
      expect(await page.locator('#detail .switch').innerText()).toContain(`${best}: not sent`);
      expect(await page.locator('#detail .pane .meta').first().innerText()).toContain(`Failed (${failures[language].kind}): ${failures[language].message}`);
      await timed(page, () => page.fill('#f-text', ''));
    }
    // The explorer's search finds failed answers by their kind.
    await timed(page, () => page.fill('#f-text', 'invalid-output'));
    expect(await pageInfo(page)).toBe('1–1 of 1 answers');
    await timed(page, () => page.fill('#f-text', ''));
    // A sent answer keeps its verdict and no "would have been".
    await timed(page, () => page.selectOption('#f-verdict', 'wrong'));
    await page.locator('#rows tr').first().click();
    expect(await page.locator('#detail .pane .badge').innerText()).toBe('wrong');
    expect(await page.locator('#detail .pane .meta').first().innerText()).not.toContain('Would have been');

    expect(await page.locator('#breakdown-channel').count()).toBe(0);
    expect(await page.locator('#breakdown-channel-note').innerText()).toBe('This history does not say which channel any ticket came through, so there is no breakdown by channel.');
    expect(await page.locator('#breakdown-language tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#breakdown-language-note').innerText()).toBe('7 tickets have no language and are in no row of the breakdown by language.');
    expect(await page.locator('#breakdown-month-note, #breakdown-tag-note').count()).toBe(0);

    expect(await page.locator('#rows script, #rows img, #rows svg, #detail script, #detail img, #detail svg').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  }, 60_000);

  // The explorer pages, filters and recomputes a large report; how fast at 10,000 tickets is
  // `npm run bench:report-page`'s to say (this test at that size, with its time limits), not a
  // check that fails on a busy machine.
});
