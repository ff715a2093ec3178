// Graph: the DAG laid out left to right by dependency depth, edges as SVG curves, each node
// showing the state of its task in the selected run, live. A node opens that task's log.
import { get, paths } from './api.js';
import { navigate, refreshNow } from './app.js';
import { dagHeader } from './dag_header.js';
import { h, mount, svg } from './dom.js';
import { fmtDuration, fmtTime } from './format.js';
import { fillClass, label, legend, norm } from './states.js';

const NODE_H = 54;
const COL_GAP = 64;
const ROW_GAP = 22;
const PAD = 24;
const LANE = 18;  // y of the lane above the nodes where edges that skip columns run

// Depth = the longest path from a root; within a column, nodes follow the mean row of their
// upstream tasks (two sweeps), which keeps edges short without a general layout engine.
export function layout(tasks) {
  const byId = new Map(tasks.map((t) => [t.task_id, t]));
  const depth = new Map();
  const depthOf = (id, seen = new Set()) => {
    if (depth.has(id)) return depth.get(id);
    if (seen.has(id)) return 0;  // a cycle: the loader refuses these, but never loop here
    seen.add(id);
    const ups = (byId.get(id)?.upstream_task_ids || []).filter((u) => byId.has(u));
    const d = ups.length ? 1 + Math.max(...ups.map((u) => depthOf(u, seen))) : 0;
    depth.set(id, d);
    return d;
  };
  tasks.forEach((t) => depthOf(t.task_id));
  const columns = [];
  for (const t of [...tasks].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))) {
    const d = depth.get(t.task_id);
    (columns[d] ||= []).push(t.task_id);
  }
  const row = new Map();
  columns.forEach((col) => col.forEach((id, i) => row.set(id, i)));
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const col of columns.slice(1)) {
      const key = (id) => {
        const ups = (byId.get(id).upstream_task_ids || []).filter((u) => row.has(u));
        return ups.length ? ups.reduce((s, u) => s + row.get(u), 0) / ups.length : row.get(id);
      };
      col.sort((a, b) => key(a) - key(b));
      col.forEach((id, i) => row.set(id, i));
    }
  }
  const widthOf = (t) => Math.max(150, Math.max(t.task_id.length * 7.8, (t.operator_name || '').length * 6.6) + 44);
  const colWidth = columns.map((col) => Math.max(...col.map((id) => widthOf(byId.get(id)))));
  const tallest = Math.max(...columns.map((c) => c.length));
  const nodes = new Map();
  let x = PAD;
  columns.forEach((col, c) => {
    const offset = ((tallest - col.length) * (NODE_H + ROW_GAP)) / 2;
    col.forEach((id, i) => {
      nodes.set(id, { task: byId.get(id), col: c, x, y: PAD + LANE + offset + i * (NODE_H + ROW_GAP), w: colWidth[c], h: NODE_H });
    });
    x += colWidth[c] + COL_GAP;
  });
  return { nodes, width: x - COL_GAP + PAD, height: PAD * 2 + LANE + tallest * (NODE_H + ROW_GAP) - ROW_GAP };
}

// An edge to the next column is one curve; one that skips columns rises to the lane above
// the nodes, so it never runs through the tasks in between.
function edgePath(a, b) {
  const x1 = a.x + a.w;
  const y1 = a.y + a.h / 2;
  const x2 = b.x - 6;
  const y2 = b.y + b.h / 2;
  if (b.col - a.col <= 1) {
    const dx = Math.max(30, (x2 - x1) / 2);
    return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
  }
  const lane = LANE;
  const r = COL_GAP / 2;
  return `M${x1},${y1} C${x1 + r},${y1} ${x1 + r},${lane} ${x1 + COL_GAP},${lane} ` +
    `L${x2 - COL_GAP},${lane} C${x2 - r},${lane} ${x2 - r},${y2} ${x2},${y2}`;
}

export default function graphPage({ dagId }, query) {
  const base = `/dags/${encodeURIComponent(dagId)}`;
  const head = dagHeader(dagId, 'graph');
  let runId = query.get('run_id');
  let runs = [];
  let tasks = null;
  let drawn = null;  // the laid-out graph: states are patched into it, not redrawn
  let lastRunsSig = '';
  const canvas = h('div', { class: 'graph-wrap' });
  const picker = h('select', { 'aria-label': 'Run' });
  const runInfo = h('span', { class: 'muted small' });
  picker.addEventListener('change', () => {
    runId = picker.value;
    history.replaceState(null, '', `${base}/graph?run_id=${encodeURIComponent(runId)}`);
    refreshNow();
  });

  function drawGraph() {
    if (!tasks.length) { mount(canvas, h('div', { class: 'empty' }, 'This DAG has no tasks.')); return; }
    const g = layout(tasks);
    const edges = [];
    for (const n of g.nodes.values()) {
      for (const up of n.task.upstream_task_ids || []) {
        const from = g.nodes.get(up);
        if (!from) continue;
        const setupEdge = n.task.teardown_of === up;
        edges.push(svg('path', { class: 'edge', d: edgePath(from, n), 'marker-end': 'url(#arrow)',
          'stroke-dasharray': setupEdge ? '5 4' : null }));
      }
    }
    const states = new Map();
    const nodeEls = [...g.nodes.values()].map((n) => {
      const stripe = svg('rect', { class: 'stripe st-fill-none', x: 0, y: 0, width: 8, height: n.h, rx: 0 });
      const stateText = svg('text', { class: 'state', x: 18, y: 45 }, 'no status');
      const group = svg('g', {
        class: 'node', transform: `translate(${n.x},${n.y})`, 'data-task-id': n.task.task_id,
        tabindex: 0, role: 'link',
      },
      svg('clipPath', { id: `clip-${n.task.task_id}` }, svg('rect', { width: n.w, height: n.h, rx: 7 })),
      svg('rect', { class: 'box', width: n.w, height: n.h, rx: 7 }),
      svg('g', { 'clip-path': `url(#clip-${n.task.task_id})` }, stripe),
      svg('text', { class: 'id', x: 18, y: 20 }, n.task.task_id),
      svg('text', { class: 'op', x: 18, y: 33 }, n.task.operator_name || ''),
      stateText);
      const open = () => {
        if (!runId) return;
        navigate(`${base}/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(n.task.task_id)}/log`);
      };
      group.addEventListener('click', open);
      group.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
      states.set(n.task.task_id, { group, stripe, stateText, task: n.task });
      return group;
    });
    // Scaled down to the page's width when wider, never up.
    mount(canvas, svg('svg', { class: 'graph', viewBox: `0 0 ${g.width} ${g.height}`, 'data-testid': 'graph',
      style: { width: '100%', 'max-width': `${g.width}px`, height: 'auto' } },
    svg('defs', null, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 2, refY: 5, markerWidth: 7,
      markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { class: 'arrow', d: 'M0,0 L10,5 L0,10 z' }))),
    edges, nodeEls));
    drawn = states;
  }

  function paintStates(tis) {
    const byTask = new Map((tis || []).map((ti) => [ti.task_id, ti]));
    for (const [taskId, n] of drawn) {
      const ti = byTask.get(taskId);
      const state = norm(ti?.state);
      n.stripe.setAttribute('class', `stripe ${fillClass(state)}${state === 'running' ? ' pulse' : ''}`);
      n.group.dataset.state = state;
      n.stateText.textContent = ti ? `${label(state)}${ti.try_number > 1 ? ` · try ${ti.try_number}` : ''}` +
        (ti.duration ? ` · ${fmtDuration(ti.duration)}` : '') : 'no status';
      n.group.dataset.tip = `${taskId} (${n.task.operator_name})\nstate: ${label(state)}` +
        (ti?.start_date ? `\nstarted: ${fmtTime(ti.start_date)}` : '') +
        (ti?.end_date ? `\nended: ${fmtTime(ti.end_date)}` : '') +
        `\ntrigger rule: ${n.task.trigger_rule}` + (n.task.teardown_of ? `\nteardown of ${n.task.teardown_of}` : '') +
        (runId ? '\nclick for the log' : '');
    }
  }

  function drawPicker() {
    const sig = JSON.stringify([runs.map((r) => [r.dag_run_id, r.state]), runId]);
    if (sig === lastRunsSig) return;
    lastRunsSig = sig;
    mount(picker, runs.length ? runs.map((r) => h('option', { value: r.dag_run_id, selected: r.dag_run_id === runId },
      `${r.dag_run_id} · ${label(r.state)}`)) : h('option', { value: '' }, 'no runs yet'));
  }

  async function refresh() {
    const [, runList, taskList] = await Promise.all([
      head.refresh(),
      get(paths.runs(dagId), { limit: 50 }),
      tasks ? null : get(paths.tasks(dagId)),
    ]);
    runs = runList.dag_runs;
    if (!runId && runs.length) runId = runs[0].dag_run_id;
    if (taskList) { tasks = taskList.tasks; drawGraph(); }
    drawPicker();
    const run = runs.find((r) => r.dag_run_id === runId);
    runInfo.textContent = run ? `${label(run.state)} · logical date ${fmtTime(run.logical_date)}` : '';
    const tis = runId ? (await get(paths.tis(dagId, runId), { limit: 1000 })).task_instances : [];
    if (drawn) paintStates(tis);
  }

  const el = h('div', { class: 'page-graph' }, head.el,
    h('div', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('label', { class: 'small muted' }, 'Run '), picker, runInfo),
      canvas,
      h('div', { class: 'panel-foot' }, legend())));
  return { title: `${dagId} · Graph`, el, refresh };
}
