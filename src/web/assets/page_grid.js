// Grid: runs as columns (oldest left), tasks as rows, one coloured square per task instance,
// a bar per run whose height is its duration. A square opens that task's log; a run's bar
// shows the run's details and its task instances on the right.
import { get, paths } from './api.js';
import { refreshNow } from './app.js';
import { dagHeader } from './dag_header.js';
import { h, icon, mount } from './dom.js';
import { fmtDuration, fmtTime, secondsBetween } from './format.js';
import { badge, label, legend, stClass } from './states.js';

const RUN_COUNTS = [25, 50, 100, 365];

function runTip(run) {
  return `${run.run_id}\nstate: ${label(run.state)}\nlogical date: ${fmtTime(run.logical_date)}` +
    `\nstarted: ${fmtTime(run.start_date)}\nended: ${fmtTime(run.end_date)}` +
    `\nduration: ${fmtDuration(secondsBetween(run.start_date, run.end_date))}`;
}

function shortDate(iso) {
  const t = fmtTime(iso);
  return t === '—' ? t : `${t.slice(5, 10)} ${t.slice(11, 16)}`;
}

export default function gridPage({ dagId }, query) {
  const base = `/dags/${encodeURIComponent(dagId)}`;
  const head = dagHeader(dagId, 'grid');
  let numRuns = Number(query.get('num_runs')) || 25;
  let selectedRun = query.get('run_id') || null;
  let operators = {};
  let grid = null;
  let tis = null;
  let lastGridSig = '';
  let lastSideSig = '';
  let scrolled = false;

  const wrap = h('div', { class: 'grid-wrap' });
  const side = h('div', { class: 'panel details', 'data-testid': 'run-details' });
  const total = h('span', { class: 'muted small' });
  const runCount = h('select', { 'aria-label': 'Runs shown' },
    RUN_COUNTS.map((n) => h('option', { value: n, selected: n === numRuns }, `${n} runs`)));
  runCount.addEventListener('change', () => { numRuns = Number(runCount.value); lastGridSig = ''; refreshNow(); });

  function selectRun(runId) {
    selectedRun = runId;
    const url = new URL(location.href);
    url.searchParams.set('run_id', runId);
    history.replaceState(null, '', url.pathname + url.search);
    lastGridSig = '';
    lastSideSig = '';
    refreshNow();
  }

  function currentRun() {
    if (!grid || !grid.runs.length) return null;
    return grid.runs.find((r) => r.run_id === selectedRun) || grid.runs[grid.runs.length - 1];
  }

  function cell(run, taskId) {
    const state = run.task_states ? run.task_states[taskId] : undefined;
    if (state === undefined) return h('td', { class: 'cell' }, h('span', { class: 'sq empty-sq' }));
    const href = `${base}/runs/${encodeURIComponent(run.run_id)}/tasks/${encodeURIComponent(taskId)}/log`;
    return h('td', { class: 'cell' }, h('a', {
      class: `sq ${stClass(state)}${state === 'running' ? ' pulse' : ''}`, href, 'data-state': state, 'data-task-id': taskId,
      'data-run-id': run.run_id, 'aria-label': `${taskId} in ${run.run_id}: ${label(state)}`,
      'data-tip': `${taskId}\nstate: ${label(state)}\nrun: ${run.run_id}\nclick for the log`,
    }));
  }

  function drawGrid() {
    const sig = JSON.stringify([grid, operators, selectedRun]);
    if (sig === lastGridSig) return;
    lastGridSig = sig;
    total.textContent = `${grid.runs.length} of ${grid.total_entries} runs`;
    if (!grid.runs.length) {
      mount(wrap, h('div', { class: 'empty' }, h('strong', null, 'No runs yet'),
        'Turn the DAG on to let the scheduler run it, or trigger a run.'));
      return;
    }
    const current = currentRun();
    const durations = grid.runs.map((r) => secondsBetween(r.start_date, r.end_date) || 0);
    const longest = Math.max(1, ...durations);
    const runHeader = grid.runs.map((run, i) => h('th', {
      class: `run${run === current ? ' selected' : ''}`, 'data-run-id': run.run_id,
    }, h('div', {
      class: 'runbar-box', 'data-tip': runTip(run), onclick: () => selectRun(run.run_id),
      onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); selectRun(run.run_id); } },
      role: 'button', tabindex: 0, 'aria-label': `Run ${run.run_id}: ${label(run.state)}`,
    }, h('div', { class: `runbar ${stClass(run.state)}`, style: { height: `${Math.max(4, (durations[i] / longest) * 64)}px` } }))));
    mount(wrap, h('table', { class: 'grid', 'data-testid': 'grid' },
      h('thead', null, h('tr', null,
        h('th', { class: 'axis muted small' }, h('div', null, fmtDuration(longest)), h('div', { class: 'small' }, 'run duration')),
        runHeader)),
      h('tbody', null, grid.tasks.map((taskId) => h('tr', { 'data-task-id': taskId },
        h('th', { class: 'task', scope: 'row' }, taskId, operators[taskId] ? h('span', { class: 'op' }, operators[taskId]) : null),
        grid.runs.map((run) => cell(run, taskId))))),
      h('tfoot', null, h('tr', { class: 'dates' }, h('th', null, ''),
        grid.runs.map((run) => h('th', null, h('div', { class: 'vdate' }, shortDate(run.logical_date))))))));
    if (!scrolled) { wrap.scrollLeft = wrap.scrollWidth; scrolled = true; }
  }

  function drawSide() {
    const run = currentRun();
    const sig = JSON.stringify([run, tis]);
    if (sig === lastSideSig) return;
    lastSideSig = sig;
    if (!run) { mount(side, h('div', { class: 'panel-body muted' }, 'Select a run to see its details.')); return; }
    const runPath = encodeURIComponent(run.run_id);
    mount(side,
      h('div', { class: 'panel-head' }, h('h2', null, 'Run'), h('div', { class: 'right' }, badge(run.state))),
      h('div', { class: 'panel-body section' }, h('dl', null,
        h('dt', null, 'Run id'), h('dd', { class: 'mono small' }, run.run_id),
        h('dt', null, 'Type'), h('dd', null, run.run_type || '—'),
        h('dt', null, 'Logical date'), h('dd', null, fmtTime(run.logical_date)),
        h('dt', null, 'Started'), h('dd', null, fmtTime(run.start_date)),
        h('dt', null, 'Ended'), h('dd', null, fmtTime(run.end_date)),
        h('dt', null, 'Duration'), h('dd', null, fmtDuration(secondsBetween(run.start_date, run.end_date)))),
      h('div', { class: 'tries', style: { 'margin-top': '12px' } },
        h('a', { class: 'btn btn-sm', href: `${base}/graph?run_id=${runPath}` }, icon('graph'), 'Graph'),
        h('a', { class: 'btn btn-sm', href: `${base}/gantt?run_id=${runPath}` }, icon('gantt'), 'Gantt'))),
      h('div', { class: 'section' }, h('table', { class: 'data' },
        h('thead', null, h('tr', null, h('th', null, 'Task'), h('th', null, 'State'), h('th', { class: 'right' }, 'Took'))),
        h('tbody', null, (tis || []).map((ti) => h('tr', null,
          h('td', { class: 'mono small' }, h('a', {
            href: `${base}/runs/${runPath}/tasks/${encodeURIComponent(ti.task_id)}/log`,
            'data-tip': 'Open the log',
          }, ti.task_id), ti.try_number > 1 ? h('span', { class: 'muted' }, ` (try ${ti.try_number})`) : null),
          h('td', null, badge(ti.state)),
          h('td', { class: 'right num small' }, ti.duration !== null && ti.duration !== undefined
            ? fmtDuration(ti.duration) : (ti.start_date ? fmtDuration(secondsBetween(ti.start_date, null)) : '—'))))))));
  }

  async function refresh() {
    const needTasks = !Object.keys(operators).length;
    const [, g, tasks] = await Promise.all([
      head.refresh(),
      get(paths.grid(dagId), { num_runs: numRuns }),
      needTasks ? get(paths.tasks(dagId)).catch(() => null) : null,  // a broken file still has runs
    ]);
    if (tasks) operators = Object.fromEntries(tasks.tasks.map((t) => [t.task_id, t.operator_name]));
    grid = g;
    const run = currentRun();
    tis = run ? (await get(paths.tis(dagId, run.run_id), { limit: 1000 })).task_instances : null;
    drawGrid();
    drawSide();
  }

  const el = h('div', { class: 'page-grid' }, head.el,
    h('div', { class: 'grid-layout' },
      h('div', { class: 'panel' },
        h('div', { class: 'panel-head' }, h('h2', null, 'Runs'), h('div', { class: 'right' }, total, runCount)),
        wrap,
        h('div', { class: 'panel-foot' }, legend())),
      side));
  return { title: `${dagId} · Grid`, el, refresh };
}
