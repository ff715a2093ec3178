// Gantt: when each task of one run was queued and ran, as bars on a shared time axis (UTC).
// Running tasks grow live; a bar opens the task's log.
import { get, paths } from './api.js';
import { refreshNow } from './app.js';
import { dagHeader } from './dag_header.js';
import { h, mount } from './dom.js';
import { fmtClock, fmtDuration, fmtTime, parseTime } from './format.js';
import { label, legend, stClass } from './states.js';

const STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

function ticks(from, to) {
  const span = (to - from) / 1000;
  const step = STEPS.find((s) => span / s <= 8) || 86400;
  const out = [];
  const first = Math.ceil(from / 1000 / step) * step * 1000;
  for (let t = first; t <= to; t += step * 1000) out.push({ t, label: tickLabel(t, step) });
  return out;
}

function tickLabel(t, step) {
  if (step >= 1) return fmtClock(t);
  return `${fmtClock(t)}.${String(Math.round(t % 1000)).padStart(3, '0').slice(0, step >= 0.1 ? 1 : 3)}`;
}

export default function ganttPage({ dagId }, query) {
  const base = `/dags/${encodeURIComponent(dagId)}`;
  const head = dagHeader(dagId, 'gantt');
  let runId = query.get('run_id');
  let order = null;
  let lastSig = '';
  let lastRunsSig = '';
  const body = h('div', { class: 'gantt', 'data-testid': 'gantt' });
  const picker = h('select', { 'aria-label': 'Run' });
  picker.addEventListener('change', () => {
    runId = picker.value;
    history.replaceState(null, '', `${base}/gantt?run_id=${encodeURIComponent(runId)}`);
    refreshNow();
  });

  function draw(run, tis) {
    const now = Date.now();
    const sig = JSON.stringify([run, tis, tis.some((t) => t.state === 'running') ? now : 0]);
    if (sig === lastSig) return;
    lastSig = sig;
    const started = tis.filter((t) => t.start_date || t.queued_when);
    if (!started.length) {
      mount(body, h('div', { class: 'empty' }, h('strong', null, 'Nothing has run yet in this run.'),
        'Bars appear as tasks are queued and start.'));
      return;
    }
    const begin = Math.min(...started.map((t) => parseTime(t.queued_when) ?? parseTime(t.start_date)));
    const end = Math.max(begin + 1000, ...started.map((t) => parseTime(t.end_date) ?? now));
    const pct = (t) => `${(((t - begin) / (end - begin)) * 100).toFixed(3)}%`;
    const marks = ticks(begin, end);
    const sorted = [...tis].sort((a, b) => (order?.get(a.task_id) ?? 0) - (order?.get(b.task_id) ?? 0));
    const rows = sorted.map((ti) => {
      const s = parseTime(ti.start_date);
      const q = parseTime(ti.queued_when);
      const e = parseTime(ti.end_date) ?? (s !== null ? now : null);
      const href = `${base}/runs/${encodeURIComponent(run.dag_run_id)}/tasks/${encodeURIComponent(ti.task_id)}/log`;
      const tip = `${ti.task_id}\nstate: ${label(ti.state)}\nqueued: ${fmtTime(ti.queued_when)}` +
        `\nstarted: ${fmtTime(ti.start_date)}\nended: ${fmtTime(ti.end_date)}` +
        `\nduration: ${fmtDuration(ti.duration ?? (s !== null ? (e - s) / 1000 : null))}` +
        (ti.try_number > 1 ? `\ntry ${ti.try_number}` : '');
      const bars = [];
      if (q !== null && s !== null && s > q) {
        bars.push(h('a', { class: 'gantt-bar queued-part st-queued', href, 'data-tip': tip,
          style: { left: pct(q), width: pct(begin + (s - q)) } }));
      }
      if (s !== null) {
        bars.push(h('a', { class: `gantt-bar ${stClass(ti.state)}`, href, 'data-tip': tip, 'data-task-id': ti.task_id,
          style: { left: pct(s), width: pct(begin + Math.max(0, e - s)) } }));
      }
      return h('div', { class: 'gantt-row' },
        h('div', { class: 'label', 'data-tip': ti.operator }, h('a', { href }, ti.task_id)),
        h('div', { class: 'gantt-track' }, marks.map((m) => h('div', { class: 'gantt-grid', style: { left: pct(m.t) } })), bars),
        h('div', { class: 'dur' }, s !== null ? fmtDuration((e - s) / 1000) : '—'));
    });
    mount(body,
      h('div', { class: 'gantt-axis' }, h('div', { class: 'small muted' }, 'UTC'),
        h('div', { class: 'ticks' }, marks.map((m) => h('span', { class: 'tick', style: { left: pct(m.t) } }, m.label))),
        h('div', { class: 'small muted', style: { 'text-align': 'right' } }, 'took')),
      rows);
  }

  async function refresh() {
    const [, runList, taskList] = await Promise.all([
      head.refresh(),
      get(paths.runs(dagId), { limit: 50 }),
      order ? null : get(paths.tasks(dagId)),
    ]);
    if (taskList) order = new Map(taskList.tasks.map((t, i) => [t.task_id, t.order ?? i]));
    const runs = runList.dag_runs;
    if (!runId && runs.length) runId = runs[0].dag_run_id;
    const runsSig = JSON.stringify([runs.map((r) => [r.dag_run_id, r.state]), runId]);
    if (runsSig !== lastRunsSig) {
      lastRunsSig = runsSig;
      mount(picker, runs.length ? runs.map((r) => h('option', { value: r.dag_run_id, selected: r.dag_run_id === runId },
        `${r.dag_run_id} · ${label(r.state)}`)) : h('option', { value: '' }, 'no runs yet'));
    }
    const run = runs.find((r) => r.dag_run_id === runId) ||
      (runId ? await get(paths.run(dagId, runId)) : null);
    if (!run) {
      mount(body, h('div', { class: 'empty' }, h('strong', null, 'No runs yet'), 'Trigger the DAG to see its timings here.'));
      return;
    }
    const tis = (await get(paths.tis(dagId, run.dag_run_id), { limit: 1000 })).task_instances;
    draw(run, tis);
  }

  const el = h('div', { class: 'page-gantt' }, head.el,
    h('div', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('label', { class: 'small muted' }, 'Run '), picker),
      body,
      h('div', { class: 'panel-foot' }, legend(['success', 'running', 'failed', 'queued', 'up_for_retry']))));
  return { title: `${dagId} · Gantt`, el, refresh };
}
