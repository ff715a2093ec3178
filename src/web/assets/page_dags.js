// The DAG list (the home page): each DAG with its on/off switch, schedule, recent runs as
// coloured dots, last and next run, and a Trigger button; import errors above.
import { get, paths } from './api.js';
import { pauseSwitch, triggerButton } from './dag_actions.js';
import { h, icon, mount } from './dom.js';
import { fmtRelative, fmtTime } from './format.js';
import { label, legend, stClass } from './states.js';

const RECENT = 12;

function runDot(dagId, run) {
  const tip = `${run.run_id}\nstate: ${label(run.state)}\nlogical date: ${fmtTime(run.logical_date)}` +
    (run.start_date ? `\nstarted: ${fmtTime(run.start_date)}` : '') +
    (run.end_date ? `\nended: ${fmtTime(run.end_date)}` : '');
  return h('a', { href: `/dags/${encodeURIComponent(dagId)}/grid`, 'data-tip': tip,
    'data-state': run.state, class: 'run-dot' },
  h('span', { class: `dot ${stClass(run.state)}${run.state === 'running' ? ' pulse' : ''}` }));
}

function dagRow(dag) {
  const id = encodeURIComponent(dag.dag_id);
  const runs = (dag.recent_runs || []).slice(0, RECENT).reverse();  // oldest left, newest right
  const last = (dag.recent_runs || [])[0];
  const sched = dag.schedule ?? dag.schedule_interval?.value ?? null;
  return h('tr', { class: dag.is_paused ? 'paused' : null, 'data-dag-id': dag.dag_id },
    h('td', null, pauseSwitch(dag)),
    h('td', { class: 'dag-id' },
      h('a', { href: `/dags/${id}/grid` }, dag.dag_id),
      dag.has_import_errors ? h('span', { class: 'tag tag-error' }, 'import error') : null,
      h('div', { class: 'desc' }, dag.description || '',
        (dag.tags || []).map((t) => h('span', { class: 'tag' }, t.name)))),
    h('td', null, sched ? h('span', { class: 'schedule', 'data-tip': dag.timetable_description || sched }, sched)
      : h('span', { class: 'muted' }, 'manual')),
    h('td', null, runs.length ? h('div', { class: 'dots' }, runs.map((r) => runDot(dag.dag_id, r)))
      : h('span', { class: 'muted small' }, 'no runs yet')),
    h('td', { class: 'nowrap' }, last
      ? h('span', { 'data-tip': `${last.run_id}\n${fmtTime(last.logical_date)} UTC` },
        fmtRelative(last.start_date || last.logical_date))
      : h('span', { class: 'muted' }, '—')),
    h('td', { class: 'nowrap' }, dag.next_dagrun && !dag.is_paused
      ? h('span', { 'data-tip': `logical date ${fmtTime(dag.next_dagrun)} UTC\nstarts ${fmtTime(dag.next_dagrun_create_after)} UTC` },
        fmtTime(dag.next_dagrun))
      : h('span', { class: 'muted' }, dag.is_paused && dag.next_dagrun ? 'paused' : '—')),
    h('td', null, h('div', { class: 'links' },
      triggerButton(dag.dag_id, { small: true }),
      h('a', { class: 'btn btn-sm btn-ghost', href: `/dags/${id}/grid`, 'data-tip': 'Grid' }, icon('grid')),
      h('a', { class: 'btn btn-sm btn-ghost', href: `/dags/${id}/graph`, 'data-tip': 'Graph' }, icon('graph')),
      h('a', { class: 'btn btn-sm btn-ghost', href: `/dags/${id}/code`, 'data-tip': 'Code' }, icon('code')))));
}

function importErrors(errors) {
  if (!errors.length) return null;
  return h('details', { class: 'error-box import-errors', open: true },
    h('summary', null, `${errors.length} DAG file${errors.length > 1 ? 's' : ''} failed to load`),
    errors.map((e) => h('div', { class: 'mono small' }, `${e.filename}\n${e.stack_trace}\n`)));
}

export default function dagsPage() {
  let filter = 'all';
  let search = '';
  let data = null;
  let lastSig = '';
  const errorsEl = h('div');
  const tbody = h('tbody');
  const counts = h('span', { class: 'sub' });
  const searchBox = h('input', { type: 'search', placeholder: 'Filter by id or tag', 'aria-label': 'Filter DAGs' });
  const filterButtons = ['all', 'active', 'paused'].map((key) => h('button', {
    type: 'button', class: `btn btn-sm${key === filter ? ' btn-primary' : ''}`, 'data-filter': key,
    onclick: () => { filter = key; draw(true); },
  }, key[0].toUpperCase() + key.slice(1)));
  searchBox.addEventListener('input', () => { search = searchBox.value.trim().toLowerCase(); draw(true); });

  function visible(dag) {
    if (filter === 'active' && dag.is_paused) return false;
    if (filter === 'paused' && !dag.is_paused) return false;
    if (!search) return true;
    return dag.dag_id.toLowerCase().includes(search) ||
      (dag.tags || []).some((t) => t.name.toLowerCase().includes(search));
  }

  function draw(force) {
    if (!data) return;
    const sig = JSON.stringify([data, filter, search, Math.floor(Date.now() / 30000)]);
    if (!force && sig === lastSig) return;
    lastSig = sig;
    filterButtons.forEach((b) => b.classList.toggle('btn-primary', b.dataset.filter === filter));
    const dags = data.dags.dags.filter(visible);
    const paused = data.dags.dags.filter((d) => d.is_paused).length;
    counts.textContent = `${data.dags.total_entries} DAG${data.dags.total_entries === 1 ? '' : 's'}` +
      (paused ? ` · ${paused} paused` : '');
    mount(errorsEl, importErrors(data.errors));
    if (!data.dags.dags.length) {
      mount(tbody, h('tr', null, h('td', { colspan: 7 }, h('div', { class: 'empty' },
        h('strong', null, 'No DAGs yet'), 'Put a DAG file (YAML) in the dags folder of SLUICE_HOME; it shows up here within seconds.'))));
    } else if (!dags.length) {
      mount(tbody, h('tr', null, h('td', { colspan: 7 }, h('div', { class: 'empty' }, 'No DAG matches the filter.'))));
    } else {
      mount(tbody, dags.map(dagRow));
    }
  }

  const el = h('div', { class: 'page-dags' },
    h('div', { class: 'page-head' }, h('h1', null, 'DAGs'), counts,
      h('div', { class: 'actions' }, filterButtons, searchBox)),
    errorsEl,
    h('div', { class: 'panel' },
      h('table', { class: 'data dag-list' },
        h('thead', null, h('tr', null,
          h('th', { style: { width: '52px' } }, ''), h('th', null, 'DAG'), h('th', null, 'Schedule'),
          h('th', null, 'Recent runs'), h('th', null, 'Last run'), h('th', null, 'Next run'),
          h('th', { class: 'right' }, ''))),
        tbody),
      h('div', { class: 'panel-foot' }, legend(['success', 'running', 'failed', 'queued']))));

  return {
    title: 'DAGs',
    el,
    async refresh() {
      const [dags, errors] = await Promise.all([
        get(paths.uiDags, { num_runs: RECENT, limit: 1000 }),
        get(paths.importErrors, { limit: 100 }).then((r) => r.import_errors || []),
      ]);
      data = { dags, errors };
      draw(false);
    },
  };
}
