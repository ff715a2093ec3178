// Clusters (the EMR console's list): every cluster of the local cluster service, newest
// first, with its state, why it is in that state, and how long it lived.
import { get, paths } from './api.js';
import { navigate } from './app.js';
import { h, mount } from './dom.js';
import { fmtDuration, fmtRelative, fmtTime, secondsBetween } from './format.js';
import { badge, legend } from './states.js';

const FILTERS = {
  all: null,
  active: ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING', 'TERMINATING'],
  terminated: ['TERMINATED', 'TERMINATED_WITH_ERRORS'],
};

function reasonText(c) {
  const r = c.reason || {};
  return [r.code, r.message].filter(Boolean).join(': ');
}

export default function clustersPage(_params, query) {
  let filter = FILTERS[query.get('state')] !== undefined ? query.get('state') : 'all';
  let lastSig = '';
  const tbody = h('tbody');
  const counts = h('span', { class: 'sub' });
  const buttons = Object.keys(FILTERS).map((key) => h('button', {
    type: 'button', class: 'btn btn-sm', 'data-filter': key,
    onclick: () => { filter = key; lastSig = ''; navigate(`/clusters${key === 'all' ? '' : `?state=${key}`}`, { replace: true }); },
  }, key[0].toUpperCase() + key.slice(1)));

  function row(c) {
    const href = `/clusters/${encodeURIComponent(c.id)}`;
    const r = reasonText(c);
    return h('tr', { class: 'clickable', 'data-cluster-id': c.id, onclick: (e) => { if (!e.target.closest('a')) navigate(href); } },
      h('td', null, h('a', { class: 'cluster-id', href }, c.id)),
      h('td', null, c.name),
      h('td', null, badge(c.state)),
      h('td', { class: 'small muted' }, r || '—'),
      h('td', { class: 'nowrap', 'data-tip': `${fmtTime(c.created)} UTC` }, fmtRelative(c.created)),
      h('td', { class: 'right num' }, fmtDuration(secondsBetween(c.created, c.ended))),
      h('td', { class: 'right num' }, c.instance_count ?? '—'));
  }

  async function refresh() {
    const list = await get(paths.clusters, { state: FILTERS[filter] || undefined, limit: 200 });
    const sig = JSON.stringify([list, filter, Math.floor(Date.now() / 30000)]);
    if (sig === lastSig) return;
    lastSig = sig;
    buttons.forEach((b) => b.classList.toggle('btn-primary', b.dataset.filter === filter));
    counts.textContent = `${list.total_entries} cluster${list.total_entries === 1 ? '' : 's'}`;
    mount(tbody, list.clusters.length ? list.clusters.map(row)
      : h('tr', null, h('td', { colspan: 7 }, h('div', { class: 'empty' }, h('strong', null, 'No clusters'),
        filter === 'all' ? 'A pipeline\'s cluster_create task starts one; it shows up here with its steps.'
          : 'None in this state.'))));
  }

  const el = h('div', { class: 'page-clusters' },
    h('div', { class: 'page-head' }, h('h1', null, 'Clusters'), counts,
      h('div', { class: 'actions' }, buttons)),
    h('div', { class: 'panel' },
      h('table', { class: 'data' },
        h('thead', null, h('tr', null, h('th', null, 'Cluster'), h('th', null, 'Name'), h('th', null, 'State'),
          h('th', null, 'State change reason'), h('th', null, 'Created'), h('th', { class: 'right' }, 'Elapsed'),
          h('th', { class: 'right' }, 'Instances'))),
        tbody),
      h('div', { class: 'panel-foot' }, legend(['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING', 'TERMINATING',
        'TERMINATED', 'TERMINATED_WITH_ERRORS']))));
  return { title: 'Clusters', el, refresh };
}
