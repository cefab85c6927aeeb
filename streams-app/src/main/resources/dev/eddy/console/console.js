// Eddy's live console: / lists every model, /?model=<id> draws one model's curves. It only reads the application's
// JSON (/models, /models/{id}, /models/{id}/history, /console/latest), once a second, and builds every piece of text
// with textContent: a model id or an event's detail is never parsed as markup. When the application is down or
// restarting it keeps what it drew, says "reconnecting", and carries on when answers come back. It costs little while
// open: the DOM is written only where a value changed, a chart redraws only when new points came, and a hidden page
// (another tab in front, a minimized window) does not poll at all until it is shown again.
'use strict';

(function () {
  const POLL_MS = 1000;
  const KEEP = 2000; // the server keeps the last 2,000 points per model; so does the page
  const COLORS = {
    train: '#1f77b4', holdout: '#ff7f0e', metric: '#2ca02c', preq: '#9467bd', preqWindow: '#8c564b',
    lr: '#d62728', snapshot: '#7b8794', stop: '#c62828', event: '#ef6c00',
  };

  const main = document.getElementById('main');
  const title = document.getElementById('title');
  const connection = document.getElementById('connection');

  // el('td', {class: 'x', 'data-field': 'steps'}, 'text', node, ...): an element whose text children are text nodes.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function setConnection(ok, text) {
    const className = ok ? 'live' : 'lost';
    if (connection.className !== className) connection.className = className;
    if (connection.textContent !== text) connection.textContent = text;
  }

  // Runs tick (async, resolving to the milliseconds until the next run) now and again after each run, while the page
  // is visible; a hidden page makes no requests and starts again at once when shown.
  function poll(tick) {
    let timer = null;
    let running = false;
    async function run() {
      timer = null;
      if (document.visibilityState === 'hidden') return; // resumed by visibilitychange
      running = true;
      let again = POLL_MS;
      try {
        again = await tick();
      } finally {
        running = false;
      }
      if (document.visibilityState !== 'hidden') timer = setTimeout(run, again);
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && timer === null && !running) run();
    });
    run();
  }

  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-store' });
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      // not JSON: the status says what happened
    }
    return { status: r.status, body };
  }

  function num(v) {
    return typeof v === 'number' && isFinite(v) ? v : null;
  }

  function fmt(v) {
    v = num(v);
    if (v === null) return '–';
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e5) return Math.round(v).toLocaleString('en');
    if (a < 1e-3) return v.toExponential(2);
    return v.toPrecision(4);
  }

  // Axis ticks: three significant digits, no trailing zeros (0.0015, not 0.002 twice).
  function axisValue(v) {
    return v == null ? '' : Math.abs(v) >= 1e5 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  }

  function fmtInt(v) {
    v = num(v);
    return v === null ? '–' : Math.round(v).toLocaleString('en');
  }

  function modelLink(id) {
    return el('a', { href: '/?model=' + encodeURIComponent(id) }, id);
  }

  // ---- / : every model in a table -------------------------------------------------------------------------------

  const COLUMNS = [
    ['model', 'model'], ['state', 'state'], ['version', 'version served'], ['steps', 'steps'],
    ['examples', 'examples'], ['examplesPerSecond', 'examples/s'], ['learningRate', 'learning rate'],
    ['trainLoss', 'training loss'], ['holdoutLoss', 'holdout loss'], ['holdoutMetric', 'holdout metric'],
    ['prequential', 'prequential'], ['prequentialWindow', 'prequential (window)'], ['drift', 'drift'],
    ['wait', 'early-stopping wait'],
  ];

  function modelsView() {
    title.textContent = 'models';
    document.title = 'Eddy console';
    const tbody = el('tbody');
    const table = el('table', { id: 'models' },
      el('thead', {}, el('tr', {}, ...COLUMNS.map(([, label]) => el('th', {}, label)))), tbody);
    const empty = el('p', { class: 'message', id: 'no-models' }, 'no models yet: waiting for the first status.');
    main.replaceChildren(empty);
    const rows = new Map();
    let ready = false;
    // The newest statuses /models gave: shown while it answers 503 (a restarted application restoring its stores),
    // so the served versions and states do not fall back to what the history alone knows.
    let statuses = [];

    function row(id) {
      let r = rows.get(id);
      if (!r) {
        const cells = {};
        const tr = el('tr', { 'data-model': id });
        for (const [field] of COLUMNS) {
          cells[field] = el('td', { 'data-field': field, class: field === 'state' || field === 'drift' ? 'text' : '' });
          tr.append(cells[field]);
        }
        cells.model.append(modelLink(id));
        r = { tr, cells };
        rows.set(id, r);
      }
      return r;
    }

    function set(cell, text) {
      if (cell.textContent !== text) cell.textContent = text;
    }

    function setClass(cell, className) {
      if (cell.className !== className) cell.className = className;
    }

    function render(statuses, latest) {
      const byId = new Map();
      for (const s of statuses) byId.set(s.model, { status: s });
      for (const l of latest) {
        const e = byId.get(l.model) || {};
        e.latest = l;
        byId.set(l.model, e);
      }
      const ids = [...byId.keys()].sort();
      if (ids.length === 0 && rows.size > 0) return; // a restarted application has not read its state yet: keep the rows
      for (const id of ids) {
        const { status: s = {}, latest: l = {} } = byId.get(id);
        const p = l.point || {};
        const c = row(id).cells;
        const state = s.state || (p.paused === undefined ? '–' : p.paused ? 'paused' : 'training');
        set(c.state, state);
        setClass(c.state, 'text' + (state === 'paused' ? ' paused' : ''));
        set(c.version, s.acceptedVersion == null ? '–' : String(s.acceptedVersion));
        set(c.steps, s.steps == null ? fmtInt(p.step) : fmtInt(s.steps));
        set(c.examples, fmtInt(p.examples));
        set(c.examplesPerSecond, fmtInt(p.examplesPerSecond));
        set(c.learningRate, fmt(s.learningRate != null ? s.learningRate : p.learningRate));
        set(c.trainLoss, fmt(s.lastTrainLoss != null ? s.lastTrainLoss : p.trainLoss));
        const h = s.holdout || {};
        set(c.holdoutLoss, fmt(h.loss != null ? h.loss : p.holdoutLoss));
        const metricName = h.metric || l.holdoutMetricName;
        const metricValue = h.value != null ? h.value : p.holdoutMetric;
        set(c.holdoutMetric, metricName ? metricName + ' ' + fmt(metricValue) : fmt(metricValue));
        set(c.prequential, fmt(p.prequential));
        set(c.prequentialWindow, fmt(p.prequentialWindow));
        set(c.drift, s.drift ? s.drift.state + (s.drift.detections ? ' (' + s.drift.detections + ' drifts)' : '') : '–');
        set(c.wait, s.earlyStopping ? String(s.earlyStopping.wait) : p.earlyStoppingWait == null ? '–' : String(p.earlyStoppingWait));
      }
      const wanted = ids.map((id) => rows.get(id).tr);
      if (tbody.children.length !== wanted.length || wanted.some((tr, i) => tbody.children[i] !== tr)) {
        tbody.replaceChildren(...wanted);
      }
      if (ids.length > 0 && main.firstChild !== table) main.replaceChildren(table);
      if (ids.length > 0 && !ready) {
        ready = true;
        document.body.dataset.tableReady = performance.now().toFixed(0); // time from navigation, read by the benchmark
      }
    }

    async function tick() {
      try {
        const [status, latest] = await Promise.all([getJson('/models'), getJson('/console/latest')]);
        if (latest.status !== 200) throw new Error('/console/latest: HTTP ' + latest.status);
        if (status.status === 200) {
          statuses = status.body;
          render(statuses, latest.body);
          setConnection(true, 'live');
        } else {
          // 503 while the application rebalances or restores: the history still answers
          render(statuses, latest.body);
          setConnection(false, 'status ' + status.status + ((status.body && status.body.error) ? ': ' + status.body.error : ''));
        }
      } catch (e) {
        setConnection(false, 'reconnecting…');
      }
      return POLL_MS;
    }
    poll(tick);
  }

  // ---- /?model=<id> : one model's curves ------------------------------------------------------------------------

  // Vertical markers along examples seen: snapshots (a tick at the bottom), early stops and events (full lines; those
  // at the same point share one line and one label).
  function markers(points, events) {
    const out = [];
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const before = i > 0 ? points[i - 1] : null;
      if (p.snapshotVersion != null && (before === null ? p.snapshotVersion === 1 : p.snapshotVersion !== before.snapshotVersion)) {
        out.push({ x: p.examples, kind: 'snapshot', label: 'v' + p.snapshotVersion });
      }
      if (p.paused && before !== null && !before.paused) out.push({ x: p.examples, kind: 'stop', label: 'early stop' });
    }
    for (const e of events) out.push({ x: e.examples, kind: 'event', label: e.kind });
    const lines = new Map();
    for (const m of out) {
      if (m.kind === 'snapshot') continue;
      const line = lines.get(m.x) || { x: m.x, kind: m.kind, labels: [] };
      if (m.kind === 'stop') line.kind = 'stop';
      if (!line.labels.includes(m.label)) line.labels.push(m.label);
      lines.set(m.x, line);
    }
    return out.filter((m) => m.kind === 'snapshot')
      .concat([...lines.values()].map((l) => {
        // A warning that came with a drift or a stop at the same point is said by the events table below.
        const said = l.labels.length > 1 ? l.labels.filter((k) => !k.endsWith('-warning')) : l.labels;
        return { x: l.x, kind: l.kind, label: said.join(' + ') };
      }))
      .sort((a, b) => a.x - b.x);
  }

  function drawMarkers(u, marks) {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const [xmin, xmax] = [u.scales.x.min, u.scales.x.max];
    ctx.save();
    ctx.font = Math.round(10 * devicePixelRatio) + 'px sans-serif';
    ctx.textAlign = 'left'; // uPlot leaves its axes' alignment behind
    ctx.textBaseline = 'alphabetic';
    const rowEnds = [-Infinity, -Infinity, -Infinity]; // labels go on the first of three rows where they fit
    for (const m of marks) {
      if (m.x < xmin || m.x > xmax) continue;
      const x = Math.round(u.valToPos(m.x, 'x', true));
      ctx.strokeStyle = COLORS[m.kind];
      ctx.fillStyle = COLORS[m.kind];
      ctx.lineWidth = devicePixelRatio;
      ctx.beginPath();
      if (m.kind === 'snapshot') {
        ctx.moveTo(x, top + height);
        ctx.lineTo(x, top + height - 6 * devicePixelRatio);
      } else {
        ctx.setLineDash(m.kind === 'stop' ? [6, 4] : []);
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        const w = ctx.measureText(m.label).width;
        const at = Math.min(x + 3, left + width - w);
        const row = rowEnds.findIndex((end) => at > end + 4);
        if (row >= 0) {
          ctx.fillText(m.label, at, top + (12 + 12 * row) * devicePixelRatio);
          rowEnds[row] = at + w;
        }
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();
  }

  function modelView(id) {
    title.textContent = id;
    document.title = id + ' · Eddy console';
    const status = el('div', { class: 'status', id: 'status' });
    const message = el('p', { class: 'message', id: 'waiting' }, 'no metrics records of ' + id + ' yet: waiting…');
    const charts = el('div', { class: 'charts' });
    const legend = el('div', { class: 'legend-markers' },
      el('span', { class: 'mark-snapshot' }, '▎ snapshot'), el('span', { class: 'mark-stop' }, '┊ early stop'),
      el('span', { class: 'mark-event' }, '│ event (drift, challenger, …)'));
    const eventsBody = el('tbody');
    const eventsTable = el('table', { id: 'events' },
      el('thead', {}, el('tr', {}, el('th', {}, 'examples'), el('th', {}, 'step'), el('th', { class: 'text' }, 'kind'),
        el('th', { class: 'text' }, 'detail'))),
      eventsBody);
    const noEvents = el('p', { id: 'no-events' }, 'none reported');
    main.replaceChildren(status, message);

    // A restarted application numbers its history anew and refills it from the training-metrics topic; the page
    // keeps its curves until the new history reaches the examples they reach (or REFILL_MS passed), so they never
    // shrink or blank while it refills.
    const REFILL_MS = 30000;
    let run = null;
    let seq = 0;
    let points = [];
    let events = [];
    let metricName = null;
    let plots = null;
    let marks = [];
    let drawnOnce = false;
    let shownStatus = null;
    let shownEvents = events;
    let refillSince = null;

    function chart(name, heading, series) {
      const box = el('div', { class: 'chart', id: 'chart-' + name }, el('h2', {}, heading));
      charts.append(box);
      return {
        box, series, heading,
        make(data) {
          const opts = {
            width: Math.max(300, box.clientWidth - 10),
            height: 230,
            scales: { x: { time: false } },
            axes: [{ label: 'examples seen' }, { size: 60, values: (u, vals) => vals.map(axisValue) }],
            // Away from the cursor the legend shows the newest values.
            series: [{ label: 'examples', value: (u, v, si, i) => fmtInt(i == null ? newest(u.data[0]) : v) }]
              .concat(series.map((s) => ({
                label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: { show: false },
                value: (u, v, si, i) => fmt(i == null ? newest(u.data[si]) : v),
              }))),
            hooks: {
              draw: [(u) => {
                drawMarkers(u, marks);
                box.dataset.drawn = String(u.data[0].length);
                if (!drawnOnce && u.data[0].length > 0 && plots && plots.every((p) => p.box.dataset.drawn)) {
                  drawnOnce = true;
                  document.body.dataset.chartsReady = performance.now().toFixed(0); // read by the benchmark
                }
              }],
            },
          };
          this.plot = new uPlot(opts, data, box);
        },
      };
    }

    function newest(values) {
      for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i];
      return null;
    }

    function dataFor(fields) {
      const x = points.map((p) => p.examples);
      return [x].concat(fields.map((f) => points.map((p) => num(p[f]))));
    }

    function draw() {
      if (points.length === 0) return;
      if (plots === null) {
        main.replaceChildren(status, legend, charts, el('h3', {}, 'events'), noEvents);
        plots = [
          chart('loss', 'loss', [
            { label: 'training loss', color: COLORS.train, field: 'trainLoss' },
            { label: 'holdout loss', color: COLORS.holdout, field: 'holdoutLoss' }]),
          // A model that monitors its holdout loss has it in the loss chart already.
          chart('metric', metricName === 'loss' ? 'prequential' : 'holdout metric and prequential', [
            { label: 'holdout ' + (metricName || 'metric'), color: COLORS.metric, field: 'holdoutMetric' },
            { label: 'prequential', color: COLORS.preq, field: 'prequential' },
            { label: 'prequential (window)', color: COLORS.preqWindow, field: 'prequentialWindow' },
          ].filter((s) => !(metricName === 'loss' && s.field === 'holdoutMetric'))),
          chart('lr', 'learning rate', [{ label: 'learning rate', color: COLORS.lr, field: 'learningRate' }]),
        ];
      }
      marks = markers(points, events);
      for (const c of plots) {
        const data = dataFor(c.series.map((s) => s.field));
        if (c.plot) c.plot.setData(data);
        else c.make(data);
      }
      renderEvents();
    }

    function renderEvents() {
      if (events.length === 0 || events === shownEvents) return;
      shownEvents = events;
      eventsBody.replaceChildren(...events.slice().reverse().map((e) => el('tr', {},
        el('td', {}, fmtInt(e.examples)), el('td', {}, fmtInt(e.step)), el('td', { class: 'text' }, e.kind),
        el('td', { class: 'text' }, e.detail))));
      if (noEvents.isConnected) noEvents.replaceWith(eventsTable);
    }

    function renderStatus(s) {
      const parts = [
        ['state', s.state], ['version served', s.acceptedVersion == null ? '–' : s.acceptedVersion],
        ['latest version', s.latestVersion == null ? '–' : s.latestVersion], ['steps', fmtInt(s.steps)],
        ['examples trained', fmtInt(s.examplesTrained)], ['learning rate', fmt(s.learningRate)],
        ['early-stopping wait', s.earlyStopping ? s.earlyStopping.wait : '–'],
        ['drift', s.drift ? s.drift.state + ', ' + s.drift.detections + ' detections' : '–'],
        ['instance', s.instance || '–'],
      ];
      const text = JSON.stringify(parts);
      if (text === shownStatus) return;
      shownStatus = text;
      status.replaceChildren(...parts.map(([k, v]) => el('span', { 'data-field': k }, k + ': ', el('b', {}, String(v)))));
    }

    function unknown(body) {
      const known = (body && Array.isArray(body.models)) ? body.models : [];
      const p = el('p', { class: 'message', id: 'unknown' }, 'no model ' + id + '; known: ');
      if (known.length === 0) p.append('none');
      known.forEach((k, i) => p.append(i > 0 ? ', ' : '', modelLink(k)));
      main.replaceChildren(p);
      plots = null;
      charts.replaceChildren();
    }

    // The newest point's examples seen, or -1.
    function reach(list) {
      return list.length === 0 ? -1 : list[list.length - 1].examples;
    }

    async function tick() {
      let again = POLL_MS;
      try {
        const restarted = refillSince !== null;
        const after = run === null || restarted ? 0 : seq;
        const q = '/models/' + encodeURIComponent(id);
        const [h, s] = await Promise.all([getJson(q + '/history?after=' + after), getJson(q)]);
        if (h.status === 404 && points.length > 0) {
          // A model this page has drawn, unknown for a moment: an application restarting. Keep the charts.
          setConnection(false, 'waiting for ' + id + '…');
        } else if (h.status === 404) {
          unknown(h.body);
          run = null;
          setConnection(true, 'live');
        } else if (h.status !== 200) {
          throw new Error('history: HTTP ' + h.status);
        } else if (run !== null && h.body.run !== run && !restarted) {
          // The application restarted: its numbering starts again. Read everything.
          refillSince = Date.now();
          again = 0;
        } else if (restarted && reach(h.body.points) < reach(points) && Date.now() - refillSince < REFILL_MS) {
          setConnection(false, 'refilling the history of ' + id + '…');
        } else {
          if (h.body.run !== run) {
            run = h.body.run;
            refillSince = null;
            points = [];
            events = [];
          }
          seq = h.body.seq;
          metricName = h.body.holdoutMetricName || metricName;
          const fresh = h.body.points.length > 0 || h.body.events.length > 0;
          if (h.body.points.length > 0) points = points.concat(h.body.points).slice(-KEEP);
          if (h.body.events.length > 0) events = events.concat(h.body.events).slice(-KEEP);
          if (s.status === 200) renderStatus(s.body);
          if (fresh) draw();
          setConnection(true, 'live');
        }
      } catch (e) {
        setConnection(false, 'reconnecting…');
      }
      return again;
    }

    window.addEventListener('resize', () => {
      for (const c of plots || []) {
        if (c.plot) c.plot.setSize({ width: Math.max(300, c.box.clientWidth - 10), height: 230 });
      }
    });
    poll(tick);
  }

  const model = new URLSearchParams(location.search).get('model');
  if (model) modelView(model);
  else modelsView();
})();
