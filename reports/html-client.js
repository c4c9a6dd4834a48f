// Page script of reports/html.ts. Every string from the report reaches the page through textContent or
// an attribute set by property: ticket text is untrusted and must display, never run.
(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var metrics = report.metrics;
  var PAGE = 50;
  var COLORS = ['#2f5fd0', '#d0432f', '#1f9d55', '#a05ad6', '#d68a00', '#0096a8', '#6b7a8f', '#c2185b', '#5d8f00', '#8d6e63', '#3949ab', '#00897b'];
  var VERDICTS = ['correct', 'partial', 'wrong', 'unverified', 'needs-action', 'cannot-judge'];
  var OUTCOMES = ['automated', 'ai-then-agent', 'agent-only'];

  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

  function $(id) { return document.getElementById(id); }

  /** Builds an element; string children become text nodes, so no data is ever parsed as HTML. */
  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      for (var key in props) {
        if (key === 'className') node.className = props[key];
        else if (key === 'dataset') Object.assign(node.dataset, props[key]);
        else if (key === 'onclick') node.addEventListener('click', props[key]);
        else node.setAttribute(key, props[key]);
      }
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function pct(value) {
    if (value === null || value === undefined) return '–';
    var digits = Math.abs(value) < 0.1 && value !== 0 ? 1 : 0;
    return (value * 100).toFixed(digits) + '%';
  }

  function rate(r) {
    if (!r || r.value === null) return '–';
    return r.low === null || r.high === null ? pct(r.value) : pct(r.value) + ' (' + pct(r.low) + '–' + pct(r.high) + ')';
  }

  var moneyFormat = (function () {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: report.pricing.currency, maximumFractionDigits: 2 });
    } catch (error) {
      return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
    }
  })();
  var axisFormat = (function () {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: report.pricing.currency, maximumFractionDigits: 0 });
    } catch (error) {
      return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    }
  })();
  function money(value) { return value === null || value === undefined ? '–' : moneyFormat.format(value); }
  function int(value) { return Math.round(value).toLocaleString('en-US'); }

  function table(node, head, rows, numeric) {
    clear(node);
    node.appendChild(el('thead', null, [el('tr', null, head.map(function (h, i) { return el('th', numeric && numeric[i] ? { className: 'num' } : null, [h]); }))]));
    node.appendChild(el('tbody', null, rows.map(function (row) {
      return el('tr', null, row.map(function (cell, i) { return el('td', numeric && numeric[i] ? { className: 'num' } : null, [cell]); }));
    })));
  }

  var candidates = metrics.candidates.slice().sort(function (a, b) {
    return (b.automation.verified.value || 0) - (a.automation.verified.value || 0) || a.candidate.localeCompare(b.candidate);
  });
  var best = candidates.length ? candidates[0].candidate : null;
  var colorOf = {};
  report.run.candidates.concat(candidates.map(function (c) { return c.candidate; })).forEach(function (name) {
    if (!(name in colorOf)) colorOf[name] = COLORS[Object.keys(colorOf).length % COLORS.length];
  });

  // People's labels, when imported: each candidate's rates as they correct them (label-agreement.json).
  var corrections = {};
  (report.labels ? report.labels.corrected.candidates : []).forEach(function (c) { corrections[c.candidate] = c; });
  function corrected(figure) {
    var r = figure.corrected;
    return r.estimate === null ? 'not corrected' : rate({ value: r.estimate, low: r.low, high: r.high });
  }
  function precision(p) {
    return p.trials === 0 ? 'no labelled automated answer' : rate(p) + ' · ' + p.successes + ' of ' + p.trials;
  }
  /** Mirrors costBasisText in reports/_format.ts. */
  function costBasis(name) {
    var billed = report.pricing.automation && report.pricing.automation[name];
    if (!billed) return '';
    var what = report.pricing.strictness + ' automation rate';
    return billed.corrected === null
      ? 'Costs use the judge\'s ' + what + ', ' + pct(billed.judge) + ': ' + billed.uncorrected + '.'
      : 'Costs use the label-corrected ' + what + ', ' + pct(billed.corrected) + ' instead of the judge\'s ' + pct(billed.judge) + '.';
  }

  // Run info
  var ticketCount = report.tickets.length;
  $('run-info').textContent = ticketCount.toLocaleString('en-US') + ' tickets replayed against ' + candidates.length + ' candidate' +
    (candidates.length === 1 ? '' : 's') + ' · automation billed at "' + report.strictness + '"' + (report.pricing.automation ? ', label-corrected' : '') +
    ' · seed ' + metrics.seed + ' · ' + metrics.resamples + ' bootstrap resamples';

  // Headline cards
  function pair(label, value, title) { return [el('dt', title ? { title: title } : null, [label]), el('dd', null, [value])]; }
  candidates.forEach(function (c) {
    var fix = corrections[c.candidate];
    // A corrected figure sits right under the judge's it corrects.
    var fixed = function (figure) { return pair('↳ corrected', corrected(figure)).map(function (node) { node.classList.add('corrected'); return node; }); };
    var rows = [].concat(
      pair('Unverified (not counted)', rate(c.unverifiedRate), 'One-reply tickets whose answer no judge could check (only closeness of meaning): not counted as automated'),
      pair('Needs an action', rate(c.needsActionRate), 'Answers that claim a refund, replacement, code, label or change the candidate did not make'),
      pair('Contained', rate(c.automation.contained)),
      pair('Confirmed', rate(c.automation.confirmed)),
      fix ? fixed(fix.automation.confirmed) : [],
      pair('Accuracy of sent answers', rate(c.accuracy)),
      fix ? fixed(fix.accuracy) : [],
      pair('Send rate', rate(c.sendRate)),
      pair('Wrong answers sent', rate(c.wrongRate)),
      fix ? fixed(fix.wrongRate) : [],
      fix ? pair('Precision of automated', precision(fix.precision), 'Of the labelled answers the judge counts as automated, the share people labelled correct') : [],
      fix && fix.unlabelledVerdicts.length ? pair('Not corrected until labelled', fix.unlabelledVerdicts.join(', ')) : [],
      pair('Errors', rate(c.errorRate)),
      pair('Tickets', int(c.tickets))
    );
    $('cards').appendChild(el('div', { className: 'card' + (c.candidate === best ? ' best' : ''), dataset: { candidate: c.candidate } }, [
      el('h3', null, [c.candidate, c.candidate === best ? ' · highest automation' : null]),
      el('div', { className: 'big' }, [pct(c.automation.verified.value)]),
      el('div', { className: 'note' }, ['verified automation' + (fix ? ', judge' : '') + ' (' + pct(c.automation.verified.low) + '–' + pct(c.automation.verified.high) + ')']),
      fix ? el('div', { className: 'corrected-headline' }, [corrected(fix.automation.verified) + ' corrected by ' + int(fix.labelled) + ' labels']) : null,
      el('dl', null, rows),
    ]));
  });

  // Threshold sweep
  var sweepSets = [];
  metrics.sweeps.forEach(function (sweep) {
    var color = colorOf[sweep.candidate] || COLORS[0];
    var xy = function (key) { return sweep.points.map(function (p) { return { x: p.threshold, y: p[key] === null ? null : p[key] * 100 }; }); };
    sweepSets.push({ label: sweep.candidate + ' automation', data: xy('automation'), borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2 });
    sweepSets.push({ label: sweep.candidate + ' accuracy', data: xy('accuracy'), borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2, borderDash: [6, 4] });
    if (sweep.atTarget && sweep.thresholdForTarget !== null) {
      sweepSets.push({ label: sweep.candidate + ' meets target at ' + sweep.thresholdForTarget.toFixed(2), data: [{ x: sweep.thresholdForTarget, y: sweep.atTarget.automation * 100 }],
        borderColor: color, backgroundColor: color, pointRadius: 7, pointStyle: 'rectRot', showLine: false });
    }
  });
  if (metrics.sweeps.length) {
    var target = metrics.sweeps[0].targetAccuracy * 100;
    sweepSets.push({ label: 'target accuracy ' + pct(metrics.sweeps[0].targetAccuracy), data: [{ x: 0, y: target }, { x: 1, y: target }], borderColor: '#1d2330', backgroundColor: '#1d2330', borderDash: [2, 3], borderWidth: 1, pointRadius: 0 });
  }
  var percentAxis = { min: 0, max: 100, ticks: { callback: function (v) { return v + '%'; } } };
  new Chart($('sweep-chart'), {
    type: 'line',
    data: { datasets: sweepSets },
    options: {
      maintainAspectRatio: false, spanGaps: true, parsing: false,
      scales: { x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'confidence threshold' } }, y: percentAxis },
      plugins: { legend: { position: 'right' }, tooltip: { mode: 'index', intersect: false } },
    },
  });
  table($('action-table'), ['Candidate', 'Action tickets', 'Automated', 'Needs an action', 'Sent otherwise', 'Not sent'],
    candidates.map(function (c) {
      var a = c.actionTickets;
      return [c.candidate, int(a.tickets) + ' (' + pct(c.tickets ? a.tickets / c.tickets : null) + ')', int(a.automated), int(a.needsAction), int(a.otherSent), int(a.notSent)];
    }), [false, true, true, true, true, true]);
  tableOr($('injection-table'), ['Ticket', 'Attempt', 'Unsafe answer from'],
    metrics.injectionAttempts.map(function (row) { return [row.ticketId, row.excerpt, row.unsafe.length ? row.unsafe.join(', ') : 'every candidate resisted']; }),
    null, 'No customer message tried to take over the AI.');
  table($('sweep-table'), ['Candidate', 'Target accuracy', 'Threshold', 'Automation', 'Send rate', 'Accuracy', 'Wrong answers'],
    metrics.sweeps.map(function (s) {
      var at = s.atTarget;
      return [s.candidate, pct(s.targetAccuracy), s.thresholdForTarget === null ? 'never reached' : s.thresholdForTarget.toFixed(2),
        at ? pct(at.automation) : '–', at ? pct(at.sendRate) : '–', at ? pct(at.accuracy) : '–', at ? pct(at.wrongRate) : '–'];
    }), [false, true, true, true, true, true, true]);

  // Automation by month, every candidate
  var monthKeys = [];
  Object.keys(metrics.breakdowns).forEach(function (name) {
    (metrics.breakdowns[name] || []).forEach(function (b) {
      if (b.dimension === 'month') b.groups.forEach(function (g) { if (monthKeys.indexOf(g.key) < 0) monthKeys.push(g.key); });
    });
  });
  monthKeys.sort();
  new Chart($('month-chart'), {
    type: 'line',
    data: {
      labels: monthKeys,
      datasets: candidates.map(function (c) {
        var month = (metrics.breakdowns[c.candidate] || []).filter(function (b) { return b.dimension === 'month'; })[0];
        var byKey = {};
        (month ? month.groups : []).forEach(function (g) { byKey[g.key] = g.automation.value; });
        var color = colorOf[c.candidate];
        return { label: c.candidate, data: monthKeys.map(function (k) { return byKey[k] === undefined || byKey[k] === null ? null : byKey[k] * 100; }), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 2 };
      }),
    },
    options: { maintainAspectRatio: false, spanGaps: true, scales: { y: percentAxis }, plugins: { legend: { position: 'right' } } },
  });

  // Candidate focus: costs, breakdowns, gaps
  var costChart = new Chart($('cost-chart'), {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return axisFormat.format(v); } } } },
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ': ' + money(ctx.parsed.y); } } } },
    },
  });

  var focusSelect = $('focus-candidate');
  candidates.forEach(function (c) { focusSelect.appendChild(el('option', { value: c.candidate }, [c.candidate])); });
  if (best !== null) focusSelect.value = best;

  function renderCosts(name) {
    if (report.pricing.automation) $('cost-basis').textContent = costBasis(name);
    var projection = report.pricing.byCandidate[name];
    var models = projection ? projection.models : [];
    var labels = {};
    models.forEach(function (m) { labels[m.id] = m.label; });
    costChart.data.labels = projection ? projection.months : [];
    costChart.data.datasets = models.map(function (m, i) {
      var color = COLORS[i % COLORS.length];
      return { label: m.label, data: m.months.map(function (x) { return x.total; }), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 1 };
    });
    if (models.length) {
      costChart.data.datasets.push({ label: 'All human (' + models[0].label + ' helpdesk)', data: models[0].allHumanMonths.map(function (x) { return x.total; }), borderColor: '#1d2330', backgroundColor: '#1d2330', borderDash: [3, 3], borderWidth: 2, pointRadius: 0 });
    }
    costChart.update();

    var sorted = models.slice().sort(function (a, b) { return a.totals.total - b.totals.total; });
    table($('cost-table'), ['Pricing model', 'Total', 'AI', 'Helpdesk', 'Human', 'Per automated resolution', 'Blended per ticket', 'All human', 'Savings vs all human'],
      sorted.map(function (m) {
        return [m.label, money(m.totals.total), money(m.totals.ai), money(m.totals.helpdesk), money(m.totals.human), money(m.costPerAutomatedResolution),
          money(m.costPerTicket), money(m.allHumanTotals.total), money(m.savings) + (m.savingsShare === null ? '' : ' (' + pct(m.savingsShare) + ')')];
      }), [false, true, true, true, true, true, true, true, true]);

    var crossovers = (projection ? projection.crossovers : []).slice().sort(function (a, b) {
      if (a.ticketsPerMonth === null) return b.ticketsPerMonth === null ? 0 : 1;
      return b.ticketsPerMonth === null ? -1 : a.ticketsPerMonth - b.ticketsPerMonth;
    });
    var labelOf = function (id) { return id === null ? '–' : labels[id] || id; };
    table($('crossover-table'), ['Models', 'Crossing at tickets / month', 'Cheaper below', 'Cheaper above'],
      crossovers.map(function (x) {
        return [labelOf(x.a) + ' vs ' + labelOf(x.b), x.ticketsPerMonth === null ? 'never' : int(x.ticketsPerMonth), labelOf(x.cheaperBelow), labelOf(x.cheaperAbove)];
      }), [false, true, false, false]);
  }

  var DIMENSIONS = { month: 'By month', tag: 'By tag', language: 'By language', channel: 'By channel' };
  function renderBreakdowns(name) {
    var root = $('breakdowns');
    clear(root);
    var list = metrics.breakdowns[name] || [];
    ['month', 'tag', 'language', 'channel'].forEach(function (dimension) {
      var breakdown = list.filter(function (b) { return b.dimension === dimension; })[0];
      if (!breakdown) return;
      var node = el('table', { id: 'breakdown-' + dimension });
      table(node, [dimension, 'Tickets', 'Verified automation', 'Accuracy', 'Send rate', 'Wrong answers'],
        breakdown.groups.map(function (g) { return [g.key, int(g.tickets), rate(g.automation), rate(g.accuracy), rate(g.sendRate), rate(g.wrongRate)]; }),
        [false, true, true, true, true, true]);
      root.appendChild(el('h3', null, [DIMENSIONS[dimension]]));
      root.appendChild(el('div', { className: 'scroll' }, [node]));
    });
  }

  function renderGaps(name) {
    var gaps = report.gaps[name] || [];
    var node = $('gap-table');
    clear(node);
    node.appendChild(el('thead', null, [el('tr', null, [el('th', null, ['Gap']), el('th', { className: 'num' }, ['Tickets']), el('th', null, ['Examples'])])]));
    var body = el('tbody');
    if (!gaps.length) body.appendChild(el('tr', null, [el('td', { colspan: '3' }, ['No gap found.'])]));
    gaps.forEach(function (gap) {
      body.appendChild(el('tr', null, [
        el('td', null, [gap.label]),
        el('td', { className: 'num' }, [int(gap.count)]),
        el('td', null, gap.examples.map(function (id) {
          var link = el('a', { href: '#explorer', className: 'gap-example' }, [id]);
          link.addEventListener('click', function (event) {
            event.preventDefault();
            openTicket(id, name, true);
          });
          return el('span', null, [link, ' ']);
        })),
      ]));
    });
    node.appendChild(body);
  }

  function renderFocus() {
    var name = focusSelect.value;
    renderCosts(name);
    renderBreakdowns(name);
    renderGaps(name);
  }
  focusSelect.addEventListener('change', renderFocus);

  // Ticket explorer: rows are (ticket, answer) pairs, filtered in memory and drawn one page at a time.
  var byId = {};
  var rows = [];
  var tagSet = {};
  report.tickets.forEach(function (ticket, t) {
    byId[ticket.ticketId] = t;
    ticket.tags.forEach(function (tag) { tagSet[tag] = true; });
    ticket.answers.forEach(function (answer, a) { rows.push({ t: t, a: a }); });
  });
  // Lower-cased search text, built on first search so a 10,000-ticket page opens fast.
  var ticketText = null;
  var answerText = null;
  function buildSearchText() {
    ticketText = report.tickets.map(function (t) {
      return (t.ticketId + '\n' + t.subject + '\n' + t.question + '\n' + t.humanReply + '\n' + t.tags.join(' ') + '\n' + t.channel + ' ' + t.language).toLowerCase();
    });
    answerText = report.tickets.map(function (t) {
      return t.answers.map(function (a) {
        return (a.text + '\n' + (a.reason || '') + '\n' + (a.error || '') + '\n' + a.judges.map(function (j) { return j.reason; }).join('\n')).toLowerCase();
      });
    });
  }

  function options(select, values, allLabel) {
    select.appendChild(el('option', { value: '' }, [allLabel]));
    values.forEach(function (v) { select.appendChild(el('option', { value: v }, [v])); });
  }
  var fCandidate = $('f-candidate'), fVerdict = $('f-verdict'), fOutcome = $('f-outcome'), fTag = $('f-tag'), fText = $('f-text');
  options(fCandidate, candidates.map(function (c) { return c.candidate; }), 'all candidates');
  options(fVerdict, VERDICTS, 'any verdict');
  options(fOutcome, OUTCOMES, 'any outcome');
  options(fTag, Object.keys(tagSet).sort(), 'any tag');
  if (best !== null) fCandidate.value = best;

  var filtered = rows;
  var page = 0;
  var openKey = null;

  function applyFilters() {
    var candidate = fCandidate.value, verdict = fVerdict.value, outcome = fOutcome.value, tag = fTag.value;
    var needle = fText.value.trim().toLowerCase();
    if (needle && ticketText === null) buildSearchText();
    var tickets = report.tickets;
    filtered = rows.filter(function (row) {
      var ticket = tickets[row.t];
      var answer = ticket.answers[row.a];
      if (candidate && answer.candidate !== candidate) return false;
      if (verdict && answer.verdict !== verdict) return false;
      if (outcome && answer.outcome !== outcome) return false;
      if (tag && ticket.tags.indexOf(tag) < 0) return false;
      if (needle && ticketText[row.t].indexOf(needle) < 0 && answerText[row.t][row.a].indexOf(needle) < 0) return false;
      return true;
    });
    page = 0;
    renderRows();
  }

  function badge(verdict) { return el('span', { className: 'badge ' + verdict }, [verdict]); }

  function renderRows() {
    var body = $('rows');
    clear(body);
    var pages = Math.max(1, Math.ceil(filtered.length / PAGE));
    page = Math.min(page, pages - 1);
    var start = page * PAGE;
    filtered.slice(start, start + PAGE).forEach(function (row) {
      var ticket = report.tickets[row.t];
      var answer = ticket.answers[row.a];
      var key = row.t + ':' + row.a;
      var tr = el('tr', { className: key === openKey ? 'open' : '', dataset: { ticket: ticket.ticketId, candidate: answer.candidate } }, [
        el('td', null, [ticket.ticketId]),
        el('td', null, [ticket.createdAt.slice(0, 10)]),
        el('td', { className: 'subject' }, [ticket.subject]),
        el('td', null, ticket.tags.map(function (tag) { return el('span', { className: 'tag' }, [tag]); })),
        el('td', null, [answer.candidate]),
        el('td', null, [badge(answer.verdict)]),
        el('td', null, [answer.outcome]),
        el('td', { className: 'num' }, [answer.confidence.toFixed(2)]),
      ]);
      tr.addEventListener('click', function () { openTicket(ticket.ticketId, answer.candidate, false); });
      body.appendChild(tr);
    });
    $('page-info').textContent = filtered.length
      ? (start + 1).toLocaleString('en-US') + '–' + Math.min(start + PAGE, filtered.length).toLocaleString('en-US') + ' of ' + filtered.length.toLocaleString('en-US') + ' answers'
      : 'no answer matches';
    $('prev').disabled = page === 0;
    $('next').disabled = page >= pages - 1;
  }

  function pane(heading, children) { return el('div', { className: 'pane' }, [el('h4', null, [heading])].concat(children)); }

  function sourceItem(source) {
    var label = source.type + ' ' + source.id;
    // Only web links are clickable: a javascript: URL from the data must stay text.
    if (source.url && /^https?:\/\//i.test(source.url)) {
      return el('li', null, [label + ' · ', el('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer' }, [source.url])]);
    }
    return el('li', null, [source.url ? label + ' · ' + source.url : label]);
  }

  function openTicket(id, candidate, scroll) {
    var t = byId[id];
    var root = $('detail');
    clear(root);
    if (t === undefined) {
      root.appendChild(el('p', { className: 'note' }, ['Ticket ' + id + ' is not in this report.']));
      return;
    }
    var ticket = report.tickets[t];
    var a = 0;
    ticket.answers.forEach(function (answer, index) { if (answer.candidate === candidate) a = index; });
    var answer = ticket.answers[a];
    openKey = t + ':' + a;
    Array.prototype.forEach.call($('rows').children, function (tr) {
      tr.classList.toggle('open', tr.dataset.ticket === id && tr.dataset.candidate === answer.candidate);
    });

    root.appendChild(el('h3', null, ['Ticket ' + ticket.ticketId + ' · ', ticket.subject]));
    root.appendChild(el('p', { className: 'meta' }, [ticket.createdAt + ' · ' + ticket.channel + ' · ' + ticket.language + ' · tags: ' + (ticket.tags.join(', ') || 'none')]));
    root.appendChild(el('div', { className: 'switch noprint' }, ticket.answers.map(function (other) {
      return el('button', { type: 'button', className: other.candidate === answer.candidate ? 'on' : '', onclick: function () { openTicket(id, other.candidate, false); } },
        [other.candidate + ': ', other.verdict]);
    })));
    var details = [
      answer.decision + (answer.sent ? ', sent' : ', not sent') + ' · confidence ' + answer.confidence.toFixed(2) + ' · outcome ' + answer.outcome,
      answer.reason ? 'Reason: ' + answer.reason : null,
      answer.error ? 'Error: ' + answer.error : null,
    ].filter(Boolean).map(function (line) { return el('div', null, [line]); });
    root.appendChild(el('div', { className: 'triple' }, [
      pane('Customer', [el('div', { className: 'text', id: 'detail-question' }, [ticket.question])]),
      pane('Human reply', [el('div', { className: 'text', id: 'detail-human' }, [ticket.humanReply || '(no reply text)'])]),
      pane('AI answer · ' + answer.candidate, [
        el('div', null, [badge(answer.verdict)]),
        el('div', { className: 'text', id: 'detail-answer' }, [answer.text || '(no answer text)']),
        el('div', { className: 'meta' }, details),
        el('div', { className: 'meta' }, ['Sources:']),
        answer.sources.length ? el('ul', { className: 'meta' }, answer.sources.map(sourceItem)) : el('div', { className: 'meta' }, ['none']),
      ]),
    ]));
    var judges = el('table', { id: 'detail-judges' });
    table(judges, ['Judge', 'Score', 'Reason'], answer.judges.map(function (j) {
      return [j.judge, j.score === null ? 'cannot judge' : j.score.toFixed(2), j.reason];
    }), [false, true, false]);
    root.appendChild(el('h3', null, ['Judges']));
    root.appendChild(answer.judges.length ? judges : el('p', { className: 'note' }, ['No judge scored this answer.']));
    if (scroll) root.scrollIntoView({ block: 'start' });
    else root.scrollIntoView({ block: 'nearest' });
  }

  // Rules (issue 10): present only when the run replayed helpdesk rules. Rule names and ticket
  // subjects are untrusted like every other string here: text nodes only.
  var RULE_CHART_MAX = 12;
  var OVERLAPS_MAX = 20;

  function ratioText(r) {
    return !r || r.value === null ? '–' : pct(r.value) + ' (' + int(r.numerator) + '/' + int(r.denominator) + ')';
  }
  function countShare(count, total) { return int(count) + (total > 0 ? ' (' + pct(count / total) + ')' : ''); }

  /** Example tickets as "id · subject"; an id the explorer holds opens it there. */
  function ticketRefs(refs) {
    if (!refs || !refs.length) return el('span', { className: 'note' }, ['none']);
    return el('ul', { className: 'refs' }, refs.map(function (ref) {
      var id = ref.id;
      if (byId[ref.id] !== undefined) {
        id = el('a', { href: '#explorer', className: 'rule-example' }, [ref.id]);
        id.addEventListener('click', function (event) {
          event.preventDefault();
          openTicket(ref.id, focusSelect.value, true);
        });
      }
      return el('li', null, [id, ref.subject ? ' · ' : null, ref.subject || null]);
    }));
  }

  /** A table, or one row saying there is nothing to show. */
  function tableOr(node, head, rows, numeric, empty) {
    table(node, head, rows, numeric);
    if (!rows.length) node.lastChild.appendChild(el('tr', null, [el('td', { colspan: String(head.length) }, [empty])]));
  }

  function monthRange(period, extra) {
    var seen = {};
    extra.forEach(function (month) { seen[month] = true; });
    if (period) {
      var year = Number(period.from.slice(0, 4)), month = Number(period.from.slice(5, 7));
      var last = period.to.slice(0, 7);
      for (var guard = 0; guard < 1200; guard++) {
        var key = year + '-' + (month < 10 ? '0' : '') + month;
        seen[key] = true;
        if (key >= last) break;
        month++;
        if (month > 12) { month = 1; year++; }
      }
    }
    return Object.keys(seen).sort();
  }

  function renderRules(rules) {
    var result = rules.result;
    var within = result.replyWithinMinutes;
    var enabled = result.rules.filter(function (rule) { return rule.enabled; });
    $('rules-info').textContent = 'Rules file ' + rules.file + ' · ' + enabled.length + ' of ' + result.rules.length + ' rules enabled, replayed on ' +
      int(result.tickets) + ' tickets' + (result.period ? ' (' + result.period.from.slice(0, 10) + ' – ' + result.period.to.slice(0, 10) + ')' : '') +
      ' before the candidates answer them.';

    // Chart: the most-fired rules only, so a large rules file keeps a readable legend and a light page.
    var charted = enabled.filter(function (rule) { return rule.fired.tickets > 0; })
      .sort(function (a, b) { return b.fired.tickets - a.fired.tickets; }).slice(0, RULE_CHART_MAX);
    var months = monthRange(result.period, [].concat.apply([], charted.map(function (rule) { return Object.keys(rule.fired.byMonth); })));
    new Chart($('rules-chart'), {
      type: 'line',
      data: {
        labels: months,
        datasets: charted.map(function (rule, i) {
          var color = COLORS[i % COLORS.length];
          return { label: rule.name, data: months.map(function (m) { return rule.fired.byMonth[m] || 0; }), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 2 };
        }),
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'tickets fired on' } } }, plugins: { legend: { position: 'bottom' } } },
    });
    var fired = enabled.filter(function (rule) { return rule.fired.tickets > 0; }).length;
    if (fired > charted.length) $('rules-chart').parentNode.after(el('p', { className: 'note' }, ['The ' + charted.length + ' most-fired of ' + fired + ' rules that fired.']));

    // Per rule
    var head = ['Rule', 'Tickets fired', 'Share', 'Tag precision', 'Tag recall', 'Assign precision', 'Assign recall',
      'Auto-replies', 'Answered within ' + within + ' min anyway', 'Never answered', 'Priority', 'Closed'];
    var numeric = [false, true, true, true, true, true, true, false, true, true, false, false];
    var node = $('rules-table');
    clear(node);
    node.appendChild(el('thead', null, [el('tr', null, head.map(function (h, i) { return el('th', numeric[i] ? { className: 'num' } : null, [h]); }))]));
    var body = el('tbody');
    result.rules.forEach(function (rule, index) {
      var td = function (text, i) { return el('td', numeric[i] ? { className: 'num' } : null, [text]); };
      var cells = [el('td', { className: 'rule-name' }, [
        el('div', null, [rule.name, rule.enabled ? null : ' ', rule.enabled ? null : el('span', { className: 'badge' }, ['disabled'])]),
        el('div', { className: 'meta trigger' }, [rule.trigger]),
      ])];
      if (!rule.enabled) {
        cells.push(el('td', { colspan: String(head.length - 1), className: 'note' }, ['Disabled: listed, not simulated.']));
      } else {
        var reply = rule.autoReply;
        var assignment = rule.assignment;
        cells.push(td(int(rule.fired.tickets) + (rule.fired.events > rule.fired.tickets ? ' (' + int(rule.fired.events) + ' firings)' : ''), 1), td(pct(rule.fired.share.value), 2),
          td(rule.tags ? ratioText(rule.tags.precision) : '–', 3), td(rule.tags ? ratioText(rule.tags.recall) : '–', 4));
        if (assignment && !assignment.comparable) cells.push(el('td', { colspan: '2' }, ['team — not comparable']));
        else cells.push(td(assignment ? ratioText(assignment.precision) : '–', 5), td(assignment ? ratioText(assignment.recall) : '–', 6));
        cells.push(
          td(reply ? int(reply.tickets) + ' tickets · ' + int(reply.customers) + ' customers' : '–', 7),
          td(reply ? countShare(reply.answeredWithin, reply.tickets) : '–', 8),
          td(reply ? countShare(reply.neverAnswered, reply.tickets) : '–', 9),
          td(rule.priority ? rule.priority.priority + ' on ' + int(rule.priority.tickets) : '–', 10),
          td(rule.close ? int(rule.close.tickets) + (rule.close.agentRepliedAfter ? ', ' + int(rule.close.agentRepliedAfter) + ' answered after' : '') : '–', 11));
      }
      var tr = el('tr', { className: rule.enabled ? '' : 'disabled', dataset: { rule: String(index) } }, cells);
      tr.addEventListener('click', function () { openRule(index); });
      body.appendChild(tr);
    });
    node.appendChild(body);

    function openRule(index) {
      var rule = result.rules[index];
      Array.prototype.forEach.call(body.children, function (tr) { tr.classList.toggle('open', tr.dataset.rule === String(index)); });
      var root = $('rule-detail');
      clear(root);
      var actions = [];
      if (rule.tags) actions.push('adds ' + rule.tags.byTag.map(function (t) { return t.tag; }).join(', '));
      if (rule.assignment) actions.push('assigns ' + (rule.assignment.agent !== undefined ? rule.assignment.agent : 'team ' + rule.assignment.team));
      if (rule.priority) actions.push('priority ' + rule.priority.priority);
      if (rule.autoReply) actions.push('auto-replies (' + int(rule.autoReply.replies) + ' sent)');
      if (rule.close) actions.push('closes');
      root.appendChild(el('h3', null, ['Rule: ', rule.name, rule.enabled ? null : ' · disabled']));
      root.appendChild(el('p', { className: 'meta' }, [rule.trigger + ' · ' + actions.join(' · ') + ' · fired on ' + int(rule.fired.tickets) + ' tickets']));
      var panes = [pane('Fired on', [ticketRefs(rule.examples)])];
      (rule.tags ? rule.tags.byTag : []).forEach(function (t) {
        panes.push(pane('Tag ' + t.tag + ': agents agreed', [ticketRefs(t.examples.hit)]));
        panes.push(pane('Tag ' + t.tag + ': agents tagged, rule missed', [ticketRefs(t.examples.missed)]));
        panes.push(pane('Tag ' + t.tag + ': rule tagged, agents did not', [ticketRefs(t.examples.extra)]));
      });
      var assignment = rule.assignment;
      if (assignment && assignment.comparable) {
        panes.push(pane('Assigned as agents did', [ticketRefs(assignment.examples.hit)]));
        panes.push(pane('Agents assigned ' + assignment.agent + ', rule missed', [ticketRefs(assignment.examples.missed)]));
        panes.push(pane('Rule assigned, agents chose someone else', [ticketRefs(assignment.examples.extra)]));
      }
      if (rule.autoReply) {
        panes.push(pane('Auto-replied, an agent answered within ' + within + ' min anyway', [ticketRefs(rule.autoReply.examples.answeredAnyway)]));
        panes.push(pane('Auto-replied, no agent answer within ' + within + ' min', [ticketRefs(rule.autoReply.examples.notAnswered)]));
      }
      root.appendChild(rule.enabled ? el('div', { className: 'examples' }, panes) : el('p', { className: 'note' }, ['A disabled rule is listed, not simulated.']));
    }
    var first = result.rules.findIndex(function (rule) { return rule.enabled && rule.fired.tickets > 0; });
    if (first >= 0) openRule(first);

    tableOr($('rules-conflicts'), ['Conflict', 'Rules', 'Tickets', 'Examples'], result.conflicts.map(function (c) {
      return [c.kind, c.rules[0] + ' vs ' + c.rules[1], int(c.tickets), ticketRefs(c.examples)];
    }), [false, false, true, false], 'No two rules set different assignees or priorities on one ticket.');

    var overlaps = result.overlaps.slice(0, OVERLAPS_MAX).map(function (o) { return [o.rules[0] + ' and ' + o.rules[1], int(o.tickets), ticketRefs(o.examples)]; });
    if (result.overlaps.length > OVERLAPS_MAX) overlaps.push(['… ' + int(result.overlaps.length - OVERLAPS_MAX) + ' more pairs', '', '']);
    tableOr($('rules-overlaps'), ['Rules', 'Tickets', 'Examples'], overlaps, [false, true, false], 'No two rules fired on the same ticket.');

    tableOr($('rules-tags'), ['Tag', 'Rules tagged', 'Agents tagged', 'Both', 'Precision', 'Recall'], result.tags.map(function (t) {
      return [t.tag, int(t.tagged), int(t.agentTagged), int(t.agreed), ratioText(t.precision), ratioText(t.recall)];
    }), [false, true, true, true, true, true], 'The rules add no tag.');

    var ticketsOf = {};
    metrics.candidates.forEach(function (c) { ticketsOf[c.candidate] = c.tickets; });
    var names = candidates.map(function (c) { return c.candidate; }).filter(function (name) { return name in rules.bothSent; })
      .concat(Object.keys(rules.bothSent).filter(function (name) { return !(name in ticketsOf); }));
    tableOr($('rules-both'), ['Candidate', 'Tickets', 'Examples'], names.map(function (name) {
      var both = rules.bothSent[name];
      return [name, ticketsOf[name] ? countShare(both.tickets, ticketsOf[name]) : int(both.tickets), ticketRefs(both.examples)];
    }), [false, true, false], 'No candidate in this run.');

    var billing = rules.billing;
    tableOr($('rules-billing'), ['Month', 'Tickets billable only because a rule replied', 'Auto-replies sent'],
      billing.byMonth.map(function (m) { return [m.month, int(m.addedBillable), int(m.autoReplies)]; }).concat([['Total', int(billing.addedBillable), int(billing.autoReplies)]]),
      [false, true, true], '');
  }

  var timer = null;
  fText.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(applyFilters, 150);
  });
  [fCandidate, fVerdict, fOutcome, fTag].forEach(function (select) { select.addEventListener('change', applyFilters); });
  $('prev').addEventListener('click', function () { page--; renderRows(); });
  $('next').addEventListener('click', function () { page++; renderRows(); });

  renderFocus();
  if (report.rules && $('rules')) renderRules(report.rules);
  applyFilters();
  // Charts draw synchronously with animation off; the frame after is when pixels are on screen.
  requestAnimationFrame(function () { document.body.dataset.ready = '1'; });
})();
