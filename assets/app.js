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
  // Two layouts. Wide: a column of row labels on the left, one lane of ROW px per row.
  // Compact (a timeline box narrower than COMPACT_BELOW, as on a phone): each row's label
  // on a line of its own above its lane, so the lanes get the whole width, and the
  // drawing is never scaled down (scaled, its text was 5 px tall at 390 px). When the
  // years need more room than the box has (YEAR_MIN px each), the drawing grows wider
  // than the box, the box scrolls sideways and the labels stay pinned to its left edge.
  const ROW = 18;
  const SECTION_GAP = 20;
  const TOP = 36;
  const LABEL_WIDTH = 270;
  const COMPACT_BELOW = 640;
  const COMPACT_TOP = 50;
  const COMPACT_LABEL = 14;
  const YEAR_MIN = 52;
  // Room a year's label needs; on a crowded axis only every 2nd, 5th, 10th… is written.
  const YEAR_LABEL_ROOM = 44;

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

  function layoutFor(boxWidth, years) {
    if (boxWidth >= COMPACT_BELOW) {
      return {
        compact: false, width: boxWidth, x0: LABEL_WIDTH, x1: boxWidth - 14, top: TOP,
        label: 0, labelX: 14, labelY: 13, labelRoom: LABEL_WIDTH - 24,
      };
    }
    const pad = 8;
    const track = Math.max(boxWidth - pad - 14, years * YEAR_MIN);
    return {
      compact: true, width: pad + track + 14, x0: pad, x1: pad + track, top: COMPACT_TOP,
      label: COMPACT_LABEL, labelX: pad, labelY: 11, labelRoom: boxWidth - 2 * pad,
    };
  }

  /** Shortens a label until its rendered width fits `room` (measured, not guessed). */
  function fitLabel(element, node, full, room) {
    node.data = full;
    if (element.getComputedTextLength() <= room) return;
    let lo = 0;
    let hi = full.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      node.data = `${full.slice(0, mid)}…`;
      if (element.getComputedTextLength() <= room) lo = mid;
      else hi = mid - 1;
    }
    node.data = `${full.slice(0, lo).trimEnd()}…`;
  }

  /** Keeps the row and section labels at the left edge of a timeline scrolled sideways. */
  function pinLabels() {
    const box = $('#timeline');
    const dx = box.scrollLeft;
    for (const element of box.querySelectorAll('.pin')) {
      if (dx) element.setAttribute('transform', `translate(${dx} 0)`);
      else element.removeAttribute('transform');
    }
  }

  function renderTimeline() {
    const box = $('#timeline');
    const sections = view.rows;
    if (!sections.length) {
      box.replaceChildren(h('p', { class: 'muted' }, 'The log has no memberships, terms, calls, meetings or publications yet.'));
      return;
    }
    const [y0, y1] = axisRange(sections);
    const L = layoutFor(box.clientWidth || 1200, y1 - y0 + 1);
    const { width, x0, x1, top } = L;
    const t0 = Date.UTC(y0, 0, 1);
    const t1 = Date.UTC(y1 + 1, 0, 1);
    const x = (day) => x0 + ((ms(day) - t0) / (t1 - t0)) * (x1 - x0);
    const xEnd = (day) => x(dayOf(ms(day) + DAY));
    const clampX = (value) => Math.min(Math.max(value, x0), x1);
    const rowHeight = L.label + ROW;
    const rowCount = sections.reduce((n, section) => n + section.rows.length, 0);
    const height = top + rowCount * rowHeight + sections.length * SECTION_GAP + 8;
    const root = s('svg', {
      viewBox: `0 0 ${width} ${height}`, width, height, role: 'group', 'aria-label': 'Timeline of the landscape',
      class: L.compact ? 'compact' : 'wide',
    });

    const defs = s('defs');
    for (const section of SECTIONS) {
      defs.append(s('pattern', { id: `hatch-${section.cat}`, class: `hatch cat-${section.cat}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        s('rect', { width: 6, height: 6, class: 'hatch-bg' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 6, 'stroke-width': 3 })));
    }
    root.append(defs);

    // Years: grid lines, and one cell per year across the top. Clicking (tapping) a year
    // moves the as-of date to its last day, as the CLI reads a bare year (`--as-of 2023`
    // is 2023-12-31), rather than to whatever day lies under the pointer.
    const axis = s('g', { class: 'axis' });
    for (let year = y0; year <= y1 + 1; year++) {
      const xx = x(`${year}-01-01`);
      axis.append(s('line', { x1: xx, x2: xx, y1: top - 10, y2: height - 4 }));
    }
    const yearWidth = (x1 - x0) / (y1 - y0 + 1);
    const step = [1, 2, 5, 10, 20, 50, 100].find((n) => n * yearWidth >= YEAR_LABEL_ROOM) || 100;
    for (let year = y0; year <= y1; year++) {
      const left = x(`${year}-01-01`);
      const right = x(`${year + 1}-01-01`);
      const end = `${year}-12-31`;
      const cell = s('g', { class: 'year', role: 'button', tabindex: 0, 'aria-label': `State as of ${end}`, dataset: { year, day: end } },
        s('rect', { x: left, y: 0, width: right - left, height: top - 4, class: 'year-band' }),
        s('title', {}, `Show the state as of ${end}, the end of ${year}`));
      if (year % step === 0) cell.append(s('text', { x: (left + right) / 2, y: top - 12, 'text-anchor': 'middle' }, year));
      cell.addEventListener('click', () => setAsOf(end));
      cell.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          setAsOf(end);
        }
      });
      axis.append(cell);
    }
    root.append(axis);
    // Compact, the as-of and compare lines go beneath the rows, so that the labels, which
    // lie across the lanes' whole width there, stay readable over them.
    const beneath = s('g', { class: 'cursors' });
    root.append(beneath);

    let y = top;
    const labels = [];
    for (const section of sections) {
      root.append(s('text', { x: L.labelX - (L.compact ? 0 : 8), y: y + 13, class: 'section-label pin' }, section.label));
      y += SECTION_GAP;
      for (const r of section.rows) {
        const lane = y + L.label;
        const g = s('g', { class: `row cat-${section.cat}`, dataset: { key: r.key }, tabindex: 0 });
        g.append(s('rect', { x: 0, y, width, height: rowHeight, class: 'row-band' }));
        const text = document.createTextNode(r.label);
        const label = s('text', { x: L.labelX, y: y + L.labelY, class: 'row-label pin' }, text, s('title', {}, r.title || r.label));
        labels.push([label, text, r.label]);
        g.append(label);
        for (const bar of r.bars) {
          const left = bar.from ? x(bar.from) : x0;
          const right = bar.to ? xEnd(bar.to) : x1;
          const later = bar.from && view.asOf && bar.from > view.asOf;
          g.append(s('rect', {
            x: clampX(left), y: lane + 4, width: Math.max(clampX(right) - clampX(left), 2), height: ROW - 8, rx: 2,
            class: `bar ${bar.certain ? 'certain' : 'possible'}${later ? ' later' : ''}`,
          }, s('title', {}, `${r.title || r.label}: ${bar.valid || ''} ${bar.certain ? '(certain)' : '(possible)'}`)));
          if (!bar.to) g.append(s('text', { x: x1 + 2, y: lane + 13, class: 'open-end' }, '›'));
        }
        for (const m of r.marks) {
          const later = m.from && view.asOf && m.from > view.asOf;
          const title = s('title', {}, `${r.title || r.label}: ${m.what} ${m.valid}${m.precise ? '' : ' (imprecise)'}`);
          if (m.precise) {
            g.append(s('circle', { cx: (x(m.from) + xEnd(m.from)) / 2, cy: lane + ROW / 2, r: 5, class: `mark precise${later ? ' later' : ''}` }, title));
          } else {
            const left = m.from ? x(m.from) : x0;
            const right = m.to ? xEnd(m.to) : x1;
            g.append(s('rect', {
              x: clampX(left), y: lane + 6, width: Math.max(clampX(right) - clampX(left), 2), height: ROW - 12,
              class: `range${later ? ' later' : ''}`,
            }));
            g.append(s('circle', { cx: clampX(right), cy: lane + ROW / 2, r: 4, class: `mark imprecise${later ? ' later' : ''}` }, title));
          }
        }
        g.addEventListener('click', () => select(g, r.title || r.label, r.ids));
        g.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') select(g, r.title || r.label, r.ids);
        });
        root.append(g);
        y += rowHeight;
      }
    }

    // The as-of and compare-with dates, on top of everything (but letting clicks through
    // to the years and rows beneath; compact, the lines beneath the rows); their labels
    // point away from each other.
    const cursors = [];
    const cursor = (day, lineClass, labelClass, label, anchorEnd) => {
      const xx = clampX((x(day) + xEnd(day)) / 2);
      (L.compact ? beneath : root).append(s('line', { x1: xx, x2: xx, y1: 14, y2: height - 4, class: lineClass, dataset: { day } }));
      const text = s('text', { x: anchorEnd ? xx - 4 : xx + 4, y: 11, 'text-anchor': anchorEnd ? 'end' : 'start', class: labelClass }, label);
      root.append(text);
      cursors.push({ text, xx, anchorEnd });
    };
    const asOfLabelLeft = view.compare ? view.compare > view.asOf : view.asOf > dayOf((t0 + t1) / 2);
    if (view.compare) cursor(view.compare, 'compare-line', 'compare-label', `compare ${view.compare}`, !asOfLabelLeft);
    if (view.asOf) cursor(view.asOf, 'cursor', 'cursor-label', `as of ${view.asOf}`, asOfLabelLeft);
    root.id = 'timeline-svg';
    root.dataset.asOf = view.asOf;
    const scrolled = box.scrollLeft;
    box.replaceChildren(root);

    // What needs the drawing in the page to be measured: labels cut to their room, and
    // the cursors' labels turned inwards where they would run off the drawing.
    for (const [element, node, full] of labels) fitLabel(element, node, full, L.labelRoom);
    for (const c of cursors) {
      const b = c.text.getBBox();
      if (b.x >= 0 && b.x + b.width <= width) continue;
      c.anchorEnd = !c.anchorEnd;
      c.text.setAttribute('x', c.anchorEnd ? c.xx - 4 : c.xx + 4);
      c.text.setAttribute('text-anchor', c.anchorEnd ? 'end' : 'start');
    }
    if (L.compact && cursors.length === 2) {
      const [a, b] = cursors.map((c) => c.text.getBBox());
      if (a.x < b.x + b.width + 6 && b.x < a.x + a.width + 6) cursors[0].text.setAttribute('y', 24);
    }

    // A drawing wider than its box keeps the box's scroll position across redraws, and
    // brings the as-of date into view when it lies outside.
    if (width > box.clientWidth) {
      box.scrollLeft = scrolled;
      const at = view.asOf ? clampX((x(view.asOf) + xEnd(view.asOf)) / 2) : null;
      if (at !== null && (at < box.scrollLeft + 24 || at > box.scrollLeft + box.clientWidth - 24)) {
        box.scrollLeft = at - box.clientWidth / 2;
      }
    }
    pinLabels();
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
      h('span', {}, 'click a row or an entry for its quote and source; click a year for its last day'),
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

  /** The panels stand one above the other (a narrow screen): see style.css. */
  const stacked = () => getComputedStyle($('#panels')).flexDirection === 'column';

  function scrollToElement(element, fraction) {
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const top = element.getBoundingClientRect().top + window.scrollY - window.innerHeight * fraction;
    window.scrollTo({ top: Math.max(top, 0), behavior: reduce ? 'auto' : 'smooth' });
  }

  function select(element, title, ids) {
    for (const old of document.querySelectorAll('.selected')) old.classList.remove('selected');
    element.classList.add('selected');
    view.selected = element;
    const shown = showEvidence(title, ids);
    // Stacked, the evidence is below the state and the changes, out of sight: bring it
    // up (again once the document is in: until then the page may be too short to scroll
    // that far), and offer the way back to what was clicked.
    const back = $('#back');
    back.hidden = !stacked();
    if (back.hidden) return;
    scrollToElement($('#detail'), 0.02);
    shown.then(() => {
      if (view.selected === element) scrollToElement($('#detail'), 0.02);
    });
  }

  function goBack() {
    const key = view.selected && view.selected.dataset.key;
    const target = view.selected && view.selected.isConnected ? view.selected
      : (key && document.querySelector(`#timeline-svg g.row[data-key="${CSS.escape(key)}"]`)) || $('#timeline-section');
    scrollToElement(target, 0.3);
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
    $('#back').addEventListener('click', goBack);
    $('#timeline').addEventListener('scroll', pinLabels, { passive: true });
    // Redraw when the timeline's box changes width: a window resized or turned, or the
    // page's scrollbar appearing once the panels fill (the drawing is never scaled).
    let resizing = null;
    let drawnFor = null;
    new ResizeObserver(() => {
      const width = $('#timeline').clientWidth;
      if (width === drawnFor) return;
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        drawnFor = $('#timeline').clientWidth;
        if (view.timeline) renderTimeline();
        $('#back').hidden = !view.selected || !stacked();
      }, 100);
    }).observe($('#timeline'));
    renderLegend();
    reload(true);
    // `live=0` leaves out the event stream (for headless screenshots that wait for the
    // network to go quiet).
    if (params.get('live') !== '0') follow();
  }

  start();
})();
