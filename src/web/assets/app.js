// The UI's entry point: routes the address to a page module, keeps the visible page live by
// polling (only while the tab is visible, never two refreshes at once), and owns the header,
// toasts and tooltips every page shares.
import { ApiError, logout } from './api.js';
import { h, mount } from './dom.js';
import { fmtClock } from './format.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || '';
export const user = {
  name: meta('sluice-user'),
  role: meta('sluice-role'),
  get canAct() { return this.role === 'admin' || this.role === 'op'; },
};

const POLL_MS = 1500;

// [pattern, section, loader, names of the captured groups]
const ROUTES = [
  [/^\/(dags\/?)?$/, 'dags', () => import('./page_dags.js'), []],
  [/^\/dags\/([^/]+)\/?$/, 'dags', () => import('./page_grid.js'), ['dagId']],
  [/^\/dags\/([^/]+)\/grid$/, 'dags', () => import('./page_grid.js'), ['dagId']],
  [/^\/dags\/([^/]+)\/graph$/, 'dags', () => import('./page_graph.js'), ['dagId']],
  [/^\/dags\/([^/]+)\/gantt$/, 'dags', () => import('./page_gantt.js'), ['dagId']],
  [/^\/dags\/([^/]+)\/code$/, 'dags', () => import('./page_code.js'), ['dagId']],
  [/^\/dags\/([^/]+)\/runs\/(.+)\/tasks\/([^/]+)\/log$/, 'dags', () => import('./page_log.js'),
    ['dagId', 'runId', 'taskId']],
  [/^\/clusters\/?$/, 'clusters', () => import('./page_clusters.js'), []],
  [/^\/clusters\/([^/]+)$/, 'clusters', () => import('./page_cluster.js'), ['clusterId']],
  [/^\/output\/?$/, 'output', () => import('./page_output.js'), []],
];

const main = document.getElementById('main');
let generation = 0;
let current = null;  // { page, timer, busy }

function match(pathname) {
  for (const [re, section, load, names] of ROUTES) {
    const m = re.exec(pathname);
    if (!m) continue;
    const params = {};
    names.forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1]); });
    return { section, load, params };
  }
  return null;
}

function setSection(section) {
  for (const a of document.querySelectorAll('.mainnav a')) {
    a.classList.toggle('active', a.dataset.section === section);
  }
}

function notFound() {
  return {
    title: 'Not found',
    el: h('div', { class: 'empty' }, h('strong', null, 'There is no page here.'),
      h('a', { href: '/' }, 'Back to the DAGs')),
  };
}

async function route() {
  const gen = ++generation;
  if (current?.page?.dispose) current.page.dispose();
  if (current?.timer) clearTimeout(current.timer);
  current = null;
  hideTip();
  const found = match(location.pathname);
  setSection(found?.section);
  let page;
  if (!found) {
    page = notFound();
  } else {
    const module = await found.load();
    if (gen !== generation) return;
    page = module.default(found.params, new URLSearchParams(location.search));
  }
  const errorBox = h('div', { class: 'error-box', hidden: true });
  mount(main, errorBox, page.el);
  document.title = `${page.title || 'Sluice'} · Sluice`;
  current = { page, errorBox, timer: null, busy: false, gen };
  if (page.refresh) refresh(gen);
}

// One refresh of the visible page, then the next one after POLL_MS.
async function refresh(gen) {
  const c = current;
  if (!c || c.gen !== gen) return;
  if (c.busy) { c.again = true; return; }  // an action changed something mid-refresh
  clearTimeout(c.timer);
  c.again = false;
  if (!document.hidden) {
    c.busy = true;
    try {
      await c.page.refresh();
      c.errorBox.hidden = true;
      c.page.el.hidden = false;
      c.loaded = true;
      setConnected(true);
    } catch (err) {
      showError(c, err);
    } finally {
      c.busy = false;
    }
  }
  if (current !== c) return;
  const interval = c.page.interval === undefined ? POLL_MS : c.page.interval;
  if (c.again) c.timer = setTimeout(() => refresh(gen), 0);
  else if (interval > 0) c.timer = setTimeout(() => refresh(gen), interval);
}

function showError(c, err) {
  if (err instanceof ApiError) {
    if (err.status === 401) return;
    setConnected(true);
    c.errorBox.textContent = `${err.title || 'Error'} (${err.status}): ${err.message}`;
    c.errorBox.hidden = false;
    // A page whose subject does not exist shows only why (it keeps polling: it may appear).
    if (err.status === 404 && !c.loaded) c.page.el.hidden = true;
  } else if (err?.name !== 'AbortError') {
    setConnected(false);  // the server is restarting or the network is down: keep polling
  }
}

function setConnected(ok) {
  document.getElementById('conn').hidden = ok;
}

// Re-runs the current page's refresh now (after an action changed something).
export function refreshNow() {
  if (current) refresh(current.gen);
}

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route();
  window.scrollTo(0, 0);
}

// Links inside the app change the page without a reload.
function onClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
      event.shiftKey || event.altKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  if (/^\/(static|api|login|logout|metrics)\b/.test(url.pathname)) return;
  if (!match(url.pathname)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

// ---- toasts ----
export function toast(content, { error = false, ms = 4000 } = {}) {
  const el = h('div', { class: `toast${error ? ' error' : ''}`, role: error ? 'alert' : 'status' },
    content);
  document.getElementById('toasts').appendChild(el);
  setTimeout(() => el.remove(), ms);
}

// ---- tooltips: any element with data-tip ----
const tip = document.getElementById('tip');
let tipTarget = null;

function hideTip() {
  tip.hidden = true;
  tipTarget = null;
}

function placeTip(x, y) {
  const pad = 14;
  const r = tip.getBoundingClientRect();
  let left = x + pad;
  let top = y + pad;
  if (left + r.width > window.innerWidth - 8) left = x - r.width - pad;
  if (top + r.height > window.innerHeight - 8) top = y - r.height - pad;
  tip.style.left = `${Math.max(4, left)}px`;
  tip.style.top = `${Math.max(4, top)}px`;
}

function onOver(event) {
  const el = event.target.closest?.('[data-tip]');
  if (!el) { if (tipTarget) hideTip(); return; }
  tipTarget = el;
  tip.textContent = el.dataset.tip;
  tip.hidden = false;
  placeTip(event.clientX, event.clientY);
}

function onMove(event) {
  if (tipTarget && !tipTarget.isConnected) hideTip();
  if (tipTarget) placeTip(event.clientX, event.clientY);
}

// ---- header ----
function header() {
  const who = document.getElementById('who');
  if (user.name) {
    mount(who, h('span', { class: 'avatar', 'aria-hidden': 'true' }, user.name.slice(0, 1)),
      h('span', { class: 'name' }, user.name), user.role ? h('span', { class: 'role' }, user.role) : null);
  }
  document.getElementById('logout').addEventListener('click', () => {
    logout().catch(() => location.assign('/login'));
  });
  const clock = document.getElementById('clock');
  const tick = () => { clock.textContent = `${fmtClock(Date.now())} UTC`; };
  tick();
  setInterval(tick, 1000);
}

function start() {
  header();
  document.addEventListener('click', onClick);
  document.addEventListener('mouseover', onOver);
  document.addEventListener('mousemove', onMove);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshNow(); });
  window.addEventListener('popstate', route);
  route();
}

start();
