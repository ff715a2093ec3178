// A task try's log: fetched from where the last poll stopped (the offset parameter), so a
// running try's log grows live; it follows the end unless the reader scrolls up.
import { get, logChunk, paths } from './api.js';
import { h, mount } from './dom.js';
import { fmtDuration, fmtTime, secondsBetween } from './format.js';
import { badge, isActive } from './states.js';

const CHUNK = 256 * 1024;

function levelOf(line) {
  if (/\b(ERROR|CRITICAL|FATAL)\b|\[(error|critical)\]|\berror:/i.test(line)) return 'lvl-error';
  if (/\bWARN(ING)?\b|\[warn(ing)?\]/i.test(line)) return 'lvl-warn';
  return 'lvl-info';
}

// One log line; a leading ISO 8601 timestamp is dimmed so the message stands out.
function lineEl(line) {
  const m = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d|Z)?)(.*)$/s.exec(line);
  return h('span', { class: `ln ${levelOf(line)}` }, m ? [h('span', { class: 'ts' }, m[1]), m[2]] : line);
}

export default function logPage({ dagId, runId, taskId }, query) {
  const dagPath = `/dags/${encodeURIComponent(dagId)}`;
  const askedTry = Number(query.get('try')) || null;
  let tryNumber = askedTry;
  let offset = 0;
  let complete = false;
  let partial = '';  // the last line, until its newline arrives
  let follow = true;
  let ti = null;
  let lastHeadSig = '';
  let lastTriesSig = '';

  const view = h('pre', { class: 'log-view', 'data-testid': 'log', tabindex: 0 });
  const tail = h('span', { class: 'ln lvl-info' });
  const status = h('span', { class: 'log-status' });
  const triesEl = h('div', { class: 'tries' });
  const headEl = h('div');
  const followBox = h('input', { type: 'checkbox', checked: true });
  const wrapBox = h('input', { type: 'checkbox', checked: true });
  followBox.addEventListener('change', () => { follow = followBox.checked; if (follow) toBottom(); });
  wrapBox.addEventListener('change', () => { view.style.setProperty('white-space', wrapBox.checked ? 'pre-wrap' : 'pre'); });
  view.addEventListener('scroll', () => {
    const atBottom = view.scrollHeight - view.scrollTop - view.clientHeight < 30;
    if (follow !== atBottom) { follow = atBottom; followBox.checked = atBottom; }
  });

  function toBottom() { view.scrollTop = view.scrollHeight; }

  function resetLog() {
    offset = 0;
    complete = false;
    partial = '';
    mount(view, tail);
    tail.textContent = '';
  }

  function appendText(text) {
    const lines = (partial + text).split('\n');
    partial = lines.pop();
    const frag = document.createDocumentFragment();
    for (const line of lines) frag.appendChild(lineEl(line));
    view.insertBefore(frag, tail);
    tail.textContent = partial;
    tail.className = `ln ${levelOf(partial)}`;
    tail.hidden = partial === '';
    if (follow) toBottom();
  }

  function selectTry(n) {
    tryNumber = n;
    const url = new URL(location.href);
    url.searchParams.set('try', n);
    history.replaceState(null, '', url.pathname + url.search);
    lastTriesSig = '';
    resetLog();
  }

  function drawHead() {
    const sig = JSON.stringify(ti);
    if (sig === lastHeadSig) return;
    lastHeadSig = sig;
    const runPath = encodeURIComponent(runId);
    mount(headEl,
      h('div', { class: 'crumbs' }, h('a', { href: '/' }, 'DAGs'), h('span', { class: 'sep' }, '/'),
        h('a', { href: `${dagPath}/grid` }, dagId), h('span', { class: 'sep' }, '/'),
        h('a', { href: `${dagPath}/grid?run_id=${runPath}`, class: 'mono' }, runId), h('span', { class: 'sep' }, '/'),
        h('span', null, taskId)),
      h('div', { class: 'page-head' },
        h('h1', { class: 'mono' }, taskId), badge(ti.state),
        h('div', { class: 'actions' },
          h('a', { class: 'btn', href: `${dagPath}/graph?run_id=${runPath}` }, 'Graph'),
          h('a', { class: 'btn', href: `${dagPath}/gantt?run_id=${runPath}` }, 'Gantt'),
          h('a', { class: 'btn', href: `${dagPath}/grid?run_id=${runPath}` }, 'Back to the grid'))),
      h('div', { class: 'dag-meta' },
        h('span', null, h('b', null, 'Operator'), ti.operator || '—'),
        h('span', null, h('b', null, 'Try'), `${ti.try_number}`,
          h('span', { class: 'muted' }, ` (of up to ${ti.max_tries + 1})`)),
        h('span', null, h('b', null, 'Started'), fmtTime(ti.start_date)),
        h('span', null, h('b', null, 'Ended'), fmtTime(ti.end_date)),
        h('span', null, h('b', null, 'Duration'),
          fmtDuration(ti.duration ?? (ti.start_date ? secondsBetween(ti.start_date, null) : null))),
        ti.hostname ? h('span', null, h('b', null, 'Host'), `${ti.hostname}${ti.pid ? ` (pid ${ti.pid})` : ''}`) : null));
  }

  function drawTries(tries) {
    const sig = JSON.stringify([tries.map((t) => [t.try_number, t.state]), tryNumber]);
    if (sig === lastTriesSig) return;
    lastTriesSig = sig;
    mount(triesEl, tries.map((t) => h('button', {
      type: 'button', class: `btn btn-sm${t.try_number === tryNumber ? ' active' : ''}`,
      'data-tip': `try ${t.try_number}: ${t.state || 'no status'}\nstarted ${fmtTime(t.start_date)}`,
      onclick: () => selectTry(t.try_number),
    }, `Try ${t.try_number}`)));
  }

  async function pullLog(tryEnded) {
    for (let i = 0; i < 16 && !complete; i++) {
      const chunk = await logChunk(paths.log(dagId, runId, taskId, tryNumber), offset, CHUNK);
      const before = offset;
      if (chunk.content) appendText(chunk.content);
      offset = chunk.offset ?? offset + new TextEncoder().encode(chunk.content || '').length;
      complete = Boolean(chunk.complete) || (tryEnded && offset === before);
      if (offset - before < CHUNK) break;  // caught up
    }
  }

  async function refresh() {
    const [instance, tries] = await Promise.all([
      get(paths.ti(dagId, runId, taskId)),
      get(paths.tries(dagId, runId, taskId)).then((r) => r.task_instances).catch(() => []),
    ]);
    ti = instance;
    drawHead();
    // Follow the newest try unless the address names one.
    if (!askedTry && ti.try_number > 0 && tryNumber !== ti.try_number) {
      if (tryNumber !== null) { lastTriesSig = ''; }
      tryNumber = ti.try_number;
      resetLog();
    }
    const known = tries.length ? tries : (ti.try_number > 0 ? [{ try_number: ti.try_number, state: ti.state }] : []);
    drawTries(known);
    if (!tryNumber || ti.try_number === 0) {
      status.textContent = 'This task has not started yet; its log appears here when it does.';
      return;
    }
    const thisTry = known.find((t) => t.try_number === tryNumber);
    const tryEnded = tryNumber < ti.try_number || !isActive(thisTry?.state ?? ti.state);
    if (!complete) await pullLog(tryEnded);
    mount(status, complete ? 'End of log' : [h('span', { class: 'live-dot' }), 'Live: following the log as it is written']);
    if (offset === 0 && complete) mount(view, h('span', { class: 'ln muted' }, '(this try wrote no log)'));
  }

  resetLog();
  const el = h('div', { class: 'page-log' }, headEl,
    h('div', { class: 'panel' },
      h('div', { class: 'log-toolbar' }, triesEl, status,
        h('div', { class: 'right' },
          h('label', null, followBox, 'Follow'),
          h('label', null, wrapBox, 'Wrap lines'))),
      view));
  return { title: `${taskId} · log`, el, refresh };
}
