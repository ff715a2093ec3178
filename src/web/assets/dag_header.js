// The top of every page about one DAG: where you are, its on/off switch, schedule, next run,
// the Trigger button and the tabs (Grid, Graph, Gantt, Code).
import { get, paths } from './api.js';
import { pauseSwitch, triggerButton } from './dag_actions.js';
import { h, icon, mount } from './dom.js';
import { fmtRelative, fmtTime } from './format.js';

const TABS = [['grid', 'Grid'], ['graph', 'Graph'], ['gantt', 'Gantt'], ['code', 'Code']];

export function dagHeader(dagId, active, { extraCrumbs = [] } = {}) {
  const el = h('div', { class: 'dag-header' });
  let last = '';
  const base = `/dags/${encodeURIComponent(dagId)}`;

  function render(dag) {
    const sched = dag.schedule ?? dag.schedule_interval?.value ?? null;
    mount(el,
      h('div', { class: 'crumbs' }, h('a', { href: '/' }, 'DAGs'), h('span', { class: 'sep' }, '/'),
        extraCrumbs.length ? h('a', { href: `${base}/grid` }, dagId) : h('span', null, dagId),
        extraCrumbs.map((c) => [h('span', { class: 'sep' }, '/'), c])),
      h('div', { class: 'page-head' },
        h('div', { class: 'dag-title' }, pauseSwitch(dag), h('h1', null, dagId),
          dag.is_paused ? h('span', { class: 'tag' }, 'paused') : null,
          dag.has_import_errors ? h('span', { class: 'tag tag-error' }, 'import error') : null),
        h('div', { class: 'actions' }, triggerButton(dagId))),
      h('div', { class: 'dag-meta' },
        h('span', null, h('b', null, 'Schedule'),
          sched ? h('span', { class: 'schedule', 'data-tip': dag.timetable_description || sched }, sched)
            : h('span', { class: 'muted' }, 'manual only')),
        h('span', { 'data-tip': dag.next_dagrun_create_after ? `Starts ${fmtTime(dag.next_dagrun_create_after)} UTC` : null },
          h('b', null, 'Next run'),
          dag.next_dagrun ? `${fmtTime(dag.next_dagrun)} (${fmtRelative(dag.next_dagrun_create_after || dag.next_dagrun)})` : '—'),
        dag.description ? h('span', null, h('b', null, 'About'), dag.description) : null,
        (dag.tags || []).length ? h('span', null, (dag.tags || []).map((t) => h('span', { class: 'tag' }, t.name))) : null),
      h('nav', { class: 'tabs', 'aria-label': 'DAG views' },
        TABS.map(([key, text]) => h('a', {
          href: `${base}/${key}`, class: key === active ? 'active' : null,
          'aria-current': key === active ? 'page' : null,
        }, icon(key), ' ', text))));
  }

  return {
    el,
    dag: null,
    async refresh() {
      const dag = await get(paths.dag(dagId));
      this.dag = dag;
      // next-run "in 5 h" text changes slowly; re-render at most when something else changes
      const sig = JSON.stringify([dag.is_paused, dag.next_dagrun, dag.schedule, dag.has_import_errors,
        dag.description, dag.tags, Math.floor(Date.now() / 60000)]);
      if (sig !== last) { last = sig; render(dag); }
      return dag;
    },
  };
}
