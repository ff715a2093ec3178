// One cluster (the EMR console's cluster page): its summary, its steps with their states, and
// the selected step's stdout and stderr, tailed live while the step runs.
import { get, logChunk, paths } from './api.js';
import { h, mount } from './dom.js';
import { fmtDuration, fmtTime, secondsBetween } from './format.js';
import { badge, isActive } from './states.js';

// Tails one step log (stdout or stderr) from the offset the last poll reached.
function stepLog(clusterId, stepId, which) {
  const pre = h('pre', { 'data-testid': `step-${which}` });
  let offset = 0;
  let complete = false;
  let text = '';
  return {
    el: h('div', null, h('h3', null, which), pre),
    async refresh() {
      if (complete) return;
      const reply = await logChunk(paths.stepLog(clusterId, stepId, which), offset);
      const chunk = reply.content || '';
      offset = Number.isFinite(reply.offset) ? reply.offset : offset + new TextEncoder().encode(chunk).length;
      complete = Boolean(reply.complete);
      if (chunk) {
        const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 30;
        text += chunk;
        pre.textContent = text;
        if (atBottom) pre.scrollTop = pre.scrollHeight;
      }
      if (!text && complete) pre.textContent = '(empty)';
    },
  };
}

function kv(label, value) {
  return h('div', null, h('b', null, label), h('span', null, value ?? '—'));
}

// The Output page's link for a file:// location, when it names one.
function outputLink(uri) {
  if (!uri) return '—';
  return h('a', { href: `/output?uri=${encodeURIComponent(uri)}`, class: 'mono small' }, uri);
}

export default function clusterPage({ clusterId }) {
  let selected = null;
  let logs = null;  // { stepId, stdout, stderr }
  let lastSig = '';
  let lastStepsSig = '';
  let steps = [];
  const summary = h('div');
  const stepsBody = h('tbody');
  const stepDetail = h('div');

  function selectStep(id) {
    selected = id;
    lastStepsSig = '';
    logs = null;
    drawSteps();
    drawDetail();
    if (logs) Promise.all([logs.stdout.refresh(), logs.stderr.refresh()]).catch(() => {});
  }

  function drawSummary(c) {
    const sig = JSON.stringify([c, c.ended ? 0 : Math.floor(Date.now() / 1000)]);
    if (sig === lastSig) return;
    lastSig = sig;
    const reason = [c.reason?.code, c.reason?.message].filter(Boolean).join(': ');
    mount(summary,
      h('div', { class: 'crumbs' }, h('a', { href: '/clusters' }, 'Clusters'), h('span', { class: 'sep' }, '/'),
        h('span', null, c.id)),
      h('div', { class: 'page-head' }, h('h1', null, c.name), h('span', { class: 'cluster-id muted' }, c.id),
        badge(c.state)),
      reason ? h('div', { class: 'muted', style: { margin: '-8px 0 14px' } }, reason) : null,
      h('div', { class: 'panel', style: { 'margin-bottom': '16px' } }, h('div', { class: 'panel-body kv' },
        kv('Created', fmtTime(c.created)), kv('Ready', fmtTime(c.ready)), kv('Ended', fmtTime(c.ended)),
        kv('Elapsed', fmtDuration(secondsBetween(c.created, c.ended))),
        kv('Release', c.release_label), kv('Instances', c.instance_count),
        kv('Step concurrency', c.step_concurrency_level),
        kv('Idle timeout', c.idle_timeout ? fmtDuration(c.idle_timeout) : 'none'),
        kv('Log location', outputLink(c.log_uri)),
        kv('Auto-terminate', c.auto_terminate ? 'yes' : 'no (kept alive when idle)'),
        kv('Tags', (c.tags || []).length ? (c.tags || []).map((t) => h('span', { class: 'tag' }, `${t.Key}=${t.Value}`)) : '—'))));
  }

  function drawSteps() {
    const sig = JSON.stringify([steps, selected, steps.some((s) => s.state === 'RUNNING') ? Math.floor(Date.now() / 1000) : 0]);
    if (sig === lastStepsSig) return;
    lastStepsSig = sig;
    mount(stepsBody, steps.length ? steps.map((s) => h('tr', {
      class: `clickable${s.id === selected ? ' selected' : ''}`, 'data-step-id': s.id, onclick: () => selectStep(s.id),
    },
    h('td', null, h('strong', null, s.name), h('div', { class: 'mono small muted' }, s.id)),
    h('td', null, badge(s.state)),
    h('td', { class: 'small' }, s.action_on_failure),
    h('td', { class: 'nowrap' }, fmtTime(s.started)),
    h('td', { class: 'right num' }, fmtDuration(secondsBetween(s.started, s.ended))),
    h('td', { class: 'right num' }, s.exit_code ?? '—')))
      : h('tr', null, h('td', { colspan: 6 }, h('div', { class: 'empty' }, 'No steps submitted yet.'))));
  }

  function drawDetail() {
    const s = steps.find((x) => x.id === selected);
    if (!s) { mount(stepDetail); return; }
    if (!logs || logs.stepId !== s.id) {
      logs = { stepId: s.id, stdout: stepLog(clusterId, s.id, 'stdout'), stderr: stepLog(clusterId, s.id, 'stderr') };
    }
    const failure = s.failure_details;
    mount(stepDetail, h('div', { class: 'panel', style: { 'margin-top': '16px' } },
      h('div', { class: 'panel-head' }, h('h2', null, `Step ${s.name}`), badge(s.state)),
      h('div', { class: 'panel-body' },
        h('div', { class: 'args', style: { 'margin-bottom': '12px' } }, h('b', null, `${s.jar}  `), (s.args || []).join(' ')),
        failure ? h('div', { class: 'error-box' }, `${failure.reason || 'Failed'}: ${failure.message || ''}` +
          (failure.log_file ? `\nlog: ${failure.log_file}` : '')) : null,
        h('div', { class: 'step-logs' }, logs.stdout.el, logs.stderr.el))));
  }

  async function refresh() {
    const [cluster, stepList] = await Promise.all([get(paths.cluster(clusterId)), get(paths.steps(clusterId), { limit: 1000 })]);
    drawSummary(cluster);
    const stepsChanged = JSON.stringify(stepList.steps) !== JSON.stringify(steps);
    steps = stepList.steps;
    if (!selected && steps.length) selected = steps[steps.length - 1].id;
    drawSteps();
    if (stepsChanged || !logs) drawDetail();
    if (logs) {
      const s = steps.find((x) => x.id === logs.stepId);
      if (s && (s.started || !isActive(s.state))) await Promise.all([logs.stdout.refresh(), logs.stderr.refresh()]);
    }
  }

  const el = h('div', { class: 'page-cluster' }, summary,
    h('div', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', null, 'Steps')),
      h('table', { class: 'data' },
        h('thead', null, h('tr', null, h('th', null, 'Step'), h('th', null, 'State'), h('th', null, 'On failure'),
          h('th', null, 'Started'), h('th', { class: 'right' }, 'Elapsed'), h('th', { class: 'right' }, 'Exit code'))),
        stepsBody)),
    stepDetail);
  return { title: `Cluster ${clusterId}`, el, refresh };
}
