// The policylog page: a timeline of the landscape drawn as SVG from /api/timeline, the
// state as of the chosen date from /api/state, the changes since a second date from
// /api/diff, and for any entry the quote it rests on, shown in its source document.
// Plain JavaScript, no build step, nothing fetched from anywhere but this server.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const DAY = 86400000;
  const SECTIONS = [
    { key: 'membership', label: 'Membership', cat: 'member' },
    { key: 'roles', label: 'Roles', cat: 'role' },
    { key: 'calls', label: 'Calls and statements', cat: 'call' },
    { key: 'commitments', label: 'Commitments', cat: 'commitment' },
    { key: 'instruments', label: 'Instruments', cat: 'instrument' },
    { key: 'meetings', label: 'Meetings', cat: 'meeting' },
    { key: 'publications', label: 'Publications', cat: 'publication' },
  ];
  const ROW = 18;
  const SECTION_GAP = 20;
  const TOP = 36;
  const LABEL_WIDTH = 270;

  const view = {
    timeline: null,
    rows: [],
    facts: new Map(),
    names: {},
    evidence: {},
    docs: new Map(),
    asOf: '',
    compare: '',
    live: false,
    loads: { state: 0, diff: 0, timeline: 0 },
  };

  const $ = (selector) => document.querySelector(selector);

  function h(tag, attrs, ...children) {
    return build(document.createElement(tag), attrs, children);
  }

  function s(tag, attrs, ...children) {
    return build(document.createElementNS(SVG, tag), attrs, children);
  }

  function build(element, attrs, children) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'dataset') Object.assign(element.dataset, value);
      else if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
      else element.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : String(child));
    }
    return element;
  }

  // ---- dates: days are 'YYYY-MM-DD' strings, which sort as they should

  const ms = (day) => {
    const [y, m, d] = day.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
  };
  const dayOf = (time) => new Date(time).toISOString().slice(0, 10);
  const today = () => dayOf(Date.now());

  /** A date typed in a URL: a day as is, a month or a year as its last day. */
  function queryDay(text) {
    if (!text) return '';
    let match = /^(\d{4})$/.exec(text);
    if (match) return `${match[1]}-12-31`;
    match = /^(\d{4})-(\d{2})$/.exec(text);
    if (match) return dayOf(Date.UTC(Number(match[1]), Number(match[2]), 0));
    match = /^\d{4}-\d{2}-\d{2}$/.exec(text);
    return match && !Number.isNaN(ms(text)) ? text : '';
  }

  const first = (span) => (span.start ? span.start[0] : null);
  const last = (span) => (span.end ? span.end[1] : null);

  // ---- names

  function name(id) {
    const entity = view.names[id];
    if (entity) return entity.acronym || entity.name;
    return String(id).replace(/^[a-z]+:/, '').replace(/-/g, ' ');
  }

  function fullName(id) {
    const entity = view.names[id];
    return entity ? entity.name : name(id);
  }

  // ---- fetching

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `${url}: HTTP ${response.status}`);
    return body;
  }

  function showError(error) {
    const box = $('#error');
    box.textContent = error ? String(error.message || error) : '';
    box.hidden = !error;
  }

  async function documentOf(sha) {
    if (!view.docs.has(sha)) {
      view.docs.set(sha, getJSON(`/api/documents/${encodeURIComponent(sha)}`));
    }
    return view.docs.get(sha);
  }

  // ---- the timeline model: one row per thing, bars for terms, marks for occurrences

  function buildRows(timeline) {
    const rows = new Map();
    const row = (section, key, label, title) => {
      if (!rows.has(key)) {
        rows.set(key, { section, key, label, title, bars: [], marks: [], ids: [], valids: new Set() });
      }
      const r = rows.get(key);
      if (label && r.label === key) {
        r.label = label;
        r.title = title;
      }
      return r;
    };
    const facts = timeline.facts;
    const roleEnds = facts.filter((f) => f.kind === 'role.ended');
    const departures = facts.filter((f) => f.kind === 'membership.left');

    for (const f of facts) {
      const p = f.payload || {};
      switch (f.kind) {
        case 'membership.joined': {
          const r = row('membership', `member|${p.group}|${p.member}`,
            `${name(p.member)} in ${name(p.group)}`,
            `${fullName(p.member)}, member of ${fullName(p.group)}`);
          r.ids.push(f.id);
          const joinFirst = first(f.span);
          const joinLast = last(f.span);
          const leaving = departures.find((l) => l.payload.group === p.group
            && l.payload.member === p.member && (first(l.span) || '') >= (joinFirst || ''));
          const ids = leaving ? [f.id, leaving.id] : [f.id];
          if (leaving) r.ids.push(leaving.id);
          if (joinFirst !== joinLast || f.span.qualified) {
            r.bars.push({ from: joinFirst, to: joinLast, certain: false, ids });
          }
          r.bars.push({ from: joinLast, to: leaving ? first(leaving.span) : null,
            certain: !f.span.qualified, ids });
          if (leaving && first(leaving.span) !== last(leaving.span)) {
            r.bars.push({ from: first(leaving.span), to: last(leaving.span), certain: false, ids });
          }
          break;
        }
        case 'role.assigned': {
          const key = `role|${p.group}|${p.role}|${p.holder}`;
          const r = row('roles', key, `${p.role} · ${name(p.holder)}`,
            `${fullName(p.holder)}: ${p.role} of ${fullName(p.group)}`);
          r.ids.push(f.id);
          if (r.valids.has(f.valid)) {
            for (const bar of r.bars) if (bar.valid === f.valid) bar.ids.push(f.id);
            break;
          }
          r.valids.add(f.valid);
          const span = f.span;
          const ids = [f.id];
          if (span.point) {
            r.bars.push({ from: span.start[0], to: span.start[1], certain: !span.qualified, ids, valid: f.valid });
            break;
          }
          let end = span.end;
          if (!end) {
            const ended = roleEnds.find((e) => `role|${e.payload.group}|${e.payload.role}|${e.payload.holder}` === key
              && (first(e.span) || '') >= (first(span) || ''));
            if (ended) {
              end = [first(ended.span), last(ended.span)];
              ids.push(ended.id);
              r.ids.push(ended.id);
            }
          }
          const start = span.start;
          r.bars.push({ from: start ? start[0] : null, to: end ? end[1] : null, certain: false, ids, valid: f.valid });
          const certainFrom = start ? start[1] : null;
          const certainTo = end ? end[0] : null;
          if (!span.qualified && (certainFrom === null || certainTo === null || certainFrom <= certainTo)) {
            r.bars.push({ from: certainFrom, to: certainTo, certain: true, ids, valid: f.valid });
          }
          break;
        }
        case 'call.issued':
          mark(row('calls', p.call, p.title, p.title), f, 'issued');
          break;
        case 'commitment.set':
          mark(row('commitments', p.commitment, p.title, `${p.title} (${name(p.owner)})`), f, 'set');
          break;
        case 'commitment.withdrawn':
          mark(row('commitments', p.commitment), f, 'withdrawn');
          break;
        case 'instrument.status':
          mark(row('instruments', p.instrument, name(p.instrument), fullName(p.instrument)), f, p.status);
          break;
        case 'meeting.held':
          mark(row('meetings', p.meeting, p.title, p.title), f, 'held');
          break;
        case 'publication.released':
          mark(row('publications', p.publication, p.title, p.title), f, 'released');
          break;
        default:
          break;
      }
    }
    const start = (r) => {
      const days = [...r.bars, ...r.marks].map((x) => x.from || x.to).filter(Boolean).sort();
      return days[0] || '';
    };
    return SECTIONS.map((section) => ({
      ...section,
      rows: [...rows.values()].filter((r) => r.section === section.key)
        .sort((a, b) => start(a).localeCompare(start(b)) || a.label.localeCompare(b.label)),
    })).filter((section) => section.rows.length);
  }

  function mark(r, f, what) {
    r.ids.push(f.id);
    const from = first(f.span);
    const to = last(f.span);
    r.marks.push({ from, to, precise: from !== null && from === to && !f.span.qualified, ids: [f.id], what, valid: f.valid });
  }

  // ---- drawing

  function axisRange(sections) {
    let lo = null;
    let hi = null;
    for (const section of sections) {
      for (const r of section.rows) {
        for (const x of [...r.bars, ...r.marks]) {
          for (const day of [x.from, x.to]) {
            if (!day) continue;
            if (lo === null || day < lo) lo = day;
            if (hi === null || day > hi) hi = day;
          }
        }
      }
    }
    const thisYear = Number(today().slice(0, 4));
    let y0 = lo ? Number(lo.slice(0, 4)) : thisYear - 5;
    let y1 = hi ? Number(hi.slice(0, 4)) : thisYear;
    for (const day of [view.asOf, view.compare]) {
      if (!day) continue;
      const y = Number(day.slice(0, 4));
      y0 = Math.max(Math.min(y0, y), y0 - 30);
      y1 = Math.min(Math.max(y1, y), y1 + 5);
    }
    return [y0, y1];
  }

  function renderTimeline() {
    const box = $('#timeline');
    const sections = view.rows;
    if (!sections.length) {
      box.replaceChildren(h('p', { class: 'muted' }, 'The log has no memberships, terms, calls, meetings or publications yet.'));
      return;
    }
    const width = Math.max(box.clientWidth || 1200, 900);
    const [y0, y1] = axisRange(sections);
    const t0 = Date.UTC(y0, 0, 1);
    const t1 = Date.UTC(y1 + 1, 0, 1);
    const x0 = LABEL_WIDTH;
    const x1 = width - 14;
    const x = (day) => x0 + ((ms(day) - t0) / (t1 - t0)) * (x1 - x0);
    const xEnd = (day) => x(dayOf(ms(day) + DAY));
    const clampX = (value) => Math.min(Math.max(value, x0), x1);
    const rowCount = sections.reduce((n, section) => n + section.rows.length, 0);
    const height = TOP + rowCount * ROW + sections.length * SECTION_GAP + 8;
    const root = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'Timeline of the landscape' });

    const defs = s('defs');
    for (const section of SECTIONS) {
      defs.append(s('pattern', { id: `hatch-${section.cat}`, class: `hatch cat-${section.cat}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        s('rect', { width: 6, height: 6, class: 'hatch-bg' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 6, 'stroke-width': 3 })));
    }
    root.append(defs);

    // Years: grid lines and labels; clicking the axis moves the as-of date there.
    const axis = s('g', { class: 'axis' });
    for (let year = y0; year <= y1 + 1; year++) {
      const xx = x(`${year}-01-01`);
      axis.append(s('line', { x1: xx, x2: xx, y1: TOP - 10, y2: height - 4 }));
      if (year <= y1) axis.append(s('text', { x: xx + (x(`${year + 1}-01-01`) - xx) / 2, y: TOP - 12, 'text-anchor': 'middle' }, year));
    }
    const axisBand = s('rect', { x: x0, y: 0, width: x1 - x0, height: TOP - 6, class: 'axis-band', fill: 'transparent' },
      s('title', {}, 'Click to show the state as of that day'));
    axisBand.addEventListener('click', (event) => {
      const rect = root.getBoundingClientRect();
      const scale = width / rect.width;
      const at = (event.clientX - rect.left) * scale;
      const day = dayOf(t0 + ((at - x0) / (x1 - x0)) * (t1 - t0));
      setAsOf(day);
    });
    axis.append(axisBand);
    root.append(axis);

    let y = TOP;
    const maxChars = Math.floor((LABEL_WIDTH - 24) / 6.4);
    for (const section of sections) {
      root.append(s('text', { x: 6, y: y + 13, class: 'section-label' }, section.label));
      y += SECTION_GAP;
      for (const r of section.rows) {
        const g = s('g', { class: `row cat-${section.cat}`, dataset: { key: r.key }, tabindex: 0 });
        g.append(s('rect', { x: 0, y, width, height: ROW, class: 'row-band' }));
        const label = r.label.length > maxChars ? `${r.label.slice(0, maxChars - 1)}…` : r.label;
        g.append(s('text', { x: 14, y: y + 13, class: 'row-label' }, label, s('title', {}, r.title || r.label)));
        for (const bar of r.bars) {
          const left = bar.from ? x(bar.from) : x0;
          const right = bar.to ? xEnd(bar.to) : x1;
          const later = bar.from && view.asOf && bar.from > view.asOf;
          g.append(s('rect', {
            x: clampX(left), y: y + 4, width: Math.max(clampX(right) - clampX(left), 2), height: ROW - 8, rx: 2,
            class: `bar ${bar.certain ? 'certain' : 'possible'}${later ? ' later' : ''}`,
          }, s('title', {}, `${r.title || r.label}: ${bar.valid || ''} ${bar.certain ? '(certain)' : '(possible)'}`)));
          if (!bar.to) g.append(s('text', { x: x1 + 2, y: y + 13, class: 'open-end' }, '›'));
        }
        for (const m of r.marks) {
          const later = m.from && view.asOf && m.from > view.asOf;
          const title = s('title', {}, `${r.title || r.label}: ${m.what} ${m.valid}${m.precise ? '' : ' (imprecise)'}`);
          if (m.precise) {
            g.append(s('circle', { cx: (x(m.from) + xEnd(m.from)) / 2, cy: y + ROW / 2, r: 5, class: `mark precise${later ? ' later' : ''}` }, title));
          } else {
            const left = m.from ? x(m.from) : x0;
            const right = m.to ? xEnd(m.to) : x1;
            g.append(s('rect', {
              x: clampX(left), y: y + 6, width: Math.max(clampX(right) - clampX(left), 2), height: ROW - 12,
              class: `range${later ? ' later' : ''}`,
            }));
            g.append(s('circle', { cx: clampX(right), cy: y + ROW / 2, r: 4, class: `mark imprecise${later ? ' later' : ''}` }, title));
          }
        }
        g.addEventListener('click', () => select(g, r.title || r.label, r.ids));
        g.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') select(g, r.title || r.label, r.ids);
        });
        root.append(g);
        y += ROW;
      }
    }

    // The as-of and compare-with dates, on top of everything; their labels point away
    // from each other.
    const cursor = (day, lineClass, labelClass, label, anchorEnd) => {
      const xx = clampX((x(day) + xEnd(day)) / 2);
      root.append(s('line', { x1: xx, x2: xx, y1: 14, y2: height - 4, class: lineClass, dataset: { day } }));
      root.append(s('text', { x: anchorEnd ? xx - 4 : xx + 4, y: 11, 'text-anchor': anchorEnd ? 'end' : 'start', class: labelClass }, label));
    };
    const asOfLabelLeft = view.compare ? view.compare > view.asOf : view.asOf > dayOf((t0 + t1) / 2);
    if (view.compare) cursor(view.compare, 'compare-line', 'compare-label', `compare ${view.compare}`, !asOfLabelLeft);
    if (view.asOf) cursor(view.asOf, 'cursor', 'cursor-label', `as of ${view.asOf}`, asOfLabelLeft);
    root.id = 'timeline-svg';
    root.dataset.asOf = view.asOf;
    box.replaceChildren(root);
  }

  function renderLegend() {
    const sample = (cls, cat) => s('svg', { width: 34, height: 12, 'aria-hidden': 'true' },
      s('g', { class: `cat-${cat}` }, ...cls));
    const box = $('#legend');
    box.replaceChildren(
      h('span', {}, sample([s('rect', { x: 1, y: 1, width: 32, height: 10, rx: 2, class: 'bar certain' })], 'role'), 'certain term'),
      h('span', {}, sample([s('rect', { x: 1, y: 1, width: 32, height: 10, rx: 2, class: 'bar possible' })], 'role'), 'possible (imprecise start or end)'),
      h('span', {}, sample([s('circle', { cx: 17, cy: 6, r: 5, class: 'mark precise' })], 'meeting'), 'on a known day'),
      h('span', {}, sample([s('rect', { x: 1, y: 3, width: 28, height: 6, class: 'range' }), s('circle', { cx: 29, cy: 6, r: 4, class: 'mark imprecise' })], 'meeting'), 'some time in the span'),
      h('span', {}, 'click a row or an entry for its quote and source; click the years to move the date'),
    );
  }

  // ---- the state, the diff and the evidence panels

  function certaintyBadge(certainty) {
    return certainty ? h('span', { class: `badge ${certainty}` }, certainty) : null;
  }

  function entry(cls, text, when, certainty, evidence, data) {
    const li = h('li', { class: `entry ${cls}`, dataset: data || {}, tabindex: 0 },
      text, when ? h('span', { class: 'when' }, when) : null, certaintyBadge(certainty));
    li.addEventListener('click', () => select(li, text, evidence));
    li.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') select(li, text, evidence);
    });
    return li;
  }

  function list(title, items) {
    return items.length ? [h('h3', {}, title), h('ul', {}, items)] : [];
  }

  const number = new Intl.NumberFormat('en');

  function renderState(land) {
    Object.assign(view.names, land.entities);
    Object.assign(view.evidence, land.evidence);
    const body = [];
    for (const [group, g] of Object.entries(land.groups)) {
      body.push(h('h3', { class: 'group', title: fullName(group) }, `${name(group)}: ${fullName(group)}`));
      if (g.members.length) {
        body.push(h('h4', {}, 'Members'), h('ul', { class: 'members' }, g.members.map((m) =>
          entry('member', name(m.member), `since ${m.since}`, m.certainty, m.evidence, { member: m.member, group }))));
      }
      if (g.roles.length) {
        body.push(h('h4', {}, 'Roles'), h('ul', { class: 'roles' }, g.roles.map((r) =>
          entry('role', `${r.role}: ${name(r.holder)}${r.representative ? ` (${name(r.representative)})` : ''}`,
            `term ${r.term}`, r.certainty, r.evidence, { role: r.role, holder: r.holder, group }))));
      }
    }
    body.push(...list('Calls and statements', land.calls.map((c) =>
      entry('call', c.title, `${c.issued}${c.action_count ? `, ${c.action_count} actions` : ''}`, c.certainty, c.evidence, { id: c.call }))));
    body.push(...list('Commitments in force', land.commitments.map((c) => {
      const li = entry('commitment', `${c.title} (${name(c.owner)})`, `since ${c.since}, revision ${c.revision}`, c.certainty, c.evidence, { id: c.commitment });
      li.append(h('details', {}, h('summary', {}, `${c.items.length} items`), h('ul', {}, c.items.map((item) => h('li', {}, item)))));
      return li;
    })));
    body.push(...list('Instruments', land.instruments.map((i) =>
      entry('instrument', `${name(i.instrument)}: ${i.status.replace(/_/g, ' ')}`, `since ${i.since}`, i.certainty, i.evidence, { id: i.instrument }))));
    body.push(...list('Statistics (latest report)', land.statistics.map((st) =>
      entry('statistic', `${st.label}: ${st.qualifier ? `${st.qualifier} ` : ''}${number.format(Number(st.value))} ${st.unit}`,
        `period ${st.period}`, st.certainty, st.evidence, { id: st.indicator }))));
    body.push(...list('Meetings', land.meetings.map((m) =>
      entry('meeting', m.title, m.held, m.certainty, m.evidence, { id: m.meeting }))));
    body.push(...list('Publications', land.publications.map((p) =>
      entry('publication', `${p.title} (${name(p.publisher)})`, p.released, p.certainty, p.evidence, { id: p.publication }))));
    if (!body.length) body.push(h('p', { class: 'muted' }, 'Nothing in the log holds as of this date.'));
    $('#state-date').textContent = land.as_of;
    $('#state-body').replaceChildren(...body);
    $('#state').dataset.asOf = land.as_of;
  }

  function describe(value) {
    if (!value) return '';
    return value.term ? `term ${value.term}`
      : value.since ? `since ${value.since}`
        : value.issued || value.held || value.released || value.period || '';
  }

  function renderDiff(diff) {
    const section = $('#diff');
    if (!diff) {
      section.hidden = true;
      delete section.dataset.range;
      return;
    }
    section.hidden = false;
    $('#diff-range').textContent = `from ${diff.from} to ${diff.to}`;
    const body = [];
    for (const sec of diff.sections) {
      if (!sec.changes.length) continue;
      body.push(h('h3', {}, sec.name), h('ul', {}, sec.changes.map((c) => {
        const value = c.after || c.before || {};
        const subject = value.title || value.label
          || c.subject.split(' / ').filter((part) => part !== 'org:icat')
            .map((part) => (part.includes(':') ? name(part) : part)).join(' · ');
        const when = c.before && c.after ? `${describe(c.before)} → ${describe(c.after)}` : describe(value);
        const li = h('li', { class: `change ${c.change}`, tabindex: 0, dataset: { subject: c.subject } },
          h('span', { class: 'what' }, c.what), ' ', subject, when ? h('span', { class: 'when' }, when) : null);
        li.addEventListener('click', () => select(li, `${c.what} ${subject}`, c.evidence));
        return li;
      })));
    }
    if (!body.length) body.push(h('p', { class: 'muted' }, `Nothing changed between ${diff.from} and ${diff.to}.`));
    $('#diff-body').replaceChildren(...body);
    section.dataset.range = `${diff.from}/${diff.to}`;
  }

  function select(element, title, ids) {
    for (const old of document.querySelectorAll('.selected')) old.classList.remove('selected');
    element.classList.add('selected');
    showEvidence(title, ids);
  }

  function evidenceOf(id) {
    const fact = view.facts.get(id);
    if (fact) return fact;
    const e = view.evidence[id];
    return e ? { id, kind: e.kind, valid: e.valid, source: e.source, quote: e.quote } : { id, kind: 'event', valid: '' };
  }

  async function showEvidence(title, ids) {
    const unique = [...new Set(ids)];
    const items = unique.map((id) => {
      const e = evidenceOf(id);
      const cite = h('p', { class: 'source muted' }, e.source ? 'Source: …' : 'No source document.');
      const article = h('article', { class: 'evidence', dataset: { id } },
        h('p', { class: 'kind' }, `${e.kind} · valid ${e.valid} · `, h('code', {}, id)),
        e.quote ? h('blockquote', {}, e.quote) : null,
        cite);
      if (e.source) {
        const button = h('button', { type: 'button' }, 'Show in the document');
        button.addEventListener('click', () => showInDocument(e));
        article.append(button);
        documentOf(e.source).then((doc) => {
          cite.replaceChildren('Source: ', h('cite', {}, doc.title), `, ${doc.publisher}, ${doc.published}`);
        }).catch((error) => { cite.textContent = String(error.message); });
      }
      return article;
    });
    $('#detail-body').replaceChildren(h('h3', {}, title), ...items);
    const firstWithSource = unique.map(evidenceOf).find((e) => e.source && e.quote);
    if (firstWithSource) await showInDocument(firstWithSource);
  }

  /** Character offsets of the quote in the text: from the log, or found again. */
  function quoteSpan(chars, text, e) {
    if (Number.isInteger(e.quote_start) && Number.isInteger(e.quote_end)) return [e.quote_start, e.quote_end];
    const words = (e.quote || '').trim().split(/\s+/).filter(Boolean)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    if (!words.length) return null;
    const match = new RegExp(words.join('\\s+'), 'u').exec(text);
    if (!match) return null;
    const start = Array.from(text.slice(0, match.index)).length;
    return [start, start + Array.from(match[0]).length];
  }

  async function showInDocument(e) {
    let doc;
    try {
      doc = await documentOf(e.source);
    } catch (error) {
      showError(error);
      return;
    }
    const chars = Array.from(doc.text);
    const span = quoteSpan(chars, doc.text, e);
    const box = span
      ? h('div', { id: 'document', dataset: { id: e.id } },
        chars.slice(0, span[0]).join(''), h('mark', {}, chars.slice(span[0], span[1]).join('')), chars.slice(span[1]).join(''))
      : h('div', { id: 'document', dataset: { id: e.id } }, doc.text);
    const old = $('#document');
    if (old) old.replaceWith(box);
    else $('#detail-body').append(h('h4', {}, 'In the document'), box);
    const highlighted = box.querySelector('mark');
    if (highlighted) box.scrollTop = Math.max(highlighted.offsetTop - box.clientHeight / 3, 0);
  }

  // ---- loading

  function renderHead(head) {
    if (head) view.head = head;
    if (!view.head) return;
    $('#head').textContent = `log head ${view.head.seq} · ${view.head.hash.slice(0, 12)}${view.live ? ' · following new events' : ''}`;
  }

  async function loadTimeline() {
    const ticket = ++view.loads.timeline;
    const timeline = await getJSON('/api/timeline');
    if (ticket !== view.loads.timeline) return;
    view.timeline = timeline;
    Object.assign(view.names, timeline.entities);
    view.facts = new Map(timeline.facts.map((f) => [f.id, f]));
    view.rows = buildRows(timeline);
    renderHead(timeline.log_head);
    renderTimeline();
  }

  async function loadState() {
    const ticket = ++view.loads.state;
    const land = await getJSON(`/api/state?as_of=${encodeURIComponent(view.asOf)}`);
    if (ticket !== view.loads.state) return;
    renderState(land);
  }

  async function loadDiff() {
    const ticket = ++view.loads.diff;
    if (!view.compare) {
      renderDiff(null);
      return;
    }
    const [from, to] = [view.compare, view.asOf].sort();
    const diff = await getJSON(`/api/diff?from=${from}&to=${to}`);
    if (ticket !== view.loads.diff) return;
    renderDiff(diff);
  }

  async function reload(withTimeline) {
    try {
      // The timeline first: it names every entity the state and the diff refer to.
      if (withTimeline) await loadTimeline();
      else renderTimeline();
      await Promise.all([loadState(), loadDiff()]);
      showError(null);
      document.body.dataset.ready = 'true';
    } catch (error) {
      showError(error);
    }
  }

  function syncUrl() {
    const params = new URLSearchParams();
    params.set('as_of', view.asOf);
    if (view.compare) params.set('compare', view.compare);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }

  function setAsOf(day) {
    if (!queryDay(day) || day === view.asOf) return;
    view.asOf = day;
    $('#as-of').value = day;
    syncUrl();
    reload(false);
  }

  function setCompare(day) {
    view.compare = queryDay(day);
    $('#compare').value = view.compare;
    syncUrl();
    reload(false);
  }

  function follow() {
    if (!window.EventSource) return;
    const events = new EventSource('/api/events/stream');
    let pending = null;
    events.onopen = () => {
      view.live = true;
      renderHead();
    };
    events.onerror = () => {
      view.live = false;
      renderHead();
    };
    events.onmessage = () => {
      clearTimeout(pending);
      pending = setTimeout(() => {
        view.docs.clear();
        reload(true);
      }, 300);
    };
  }

  function start() {
    const params = new URLSearchParams(location.search);
    view.asOf = queryDay(params.get('as_of') || '') || today();
    view.compare = queryDay(params.get('compare') || '');
    $('#as-of').value = view.asOf;
    $('#compare').value = view.compare;
    $('#controls').addEventListener('submit', (event) => event.preventDefault());
    $('#as-of').addEventListener('change', (event) => setAsOf(event.target.value));
    $('#compare').addEventListener('change', (event) => setCompare(event.target.value));
    $('#clear-compare').addEventListener('click', () => setCompare(''));
    let resizing = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizing);
      resizing = setTimeout(renderTimeline, 150);
    });
    renderLegend();
    reload(true);
    // `live=0` leaves out the event stream (for headless screenshots that wait for the
    // network to go quiet).
    if (params.get('live') !== '0') follow();
  }

  start();
})();
