// Calls to the REST API (src/web/API.md) with the session cookie. State-changing calls carry
// the CSRF token from the sluice_csrf cookie; an expired session goes back to the login page.

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
  }
}

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

export function csrfToken() {
  return cookie('sluice_csrf');
}

export function toLogin() {
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

// Encodes one path segment; '+' too, so a run id's offset survives any server.
export const seg = (s) => encodeURIComponent(s);

function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null) continue;
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${k}=${encodeURIComponent(one)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

async function problem(res) {
  try {
    const body = await res.json();
    return new ApiError(res.status, body.title, body.detail);
  } catch {
    return new ApiError(res.status, res.statusText, '');
  }
}

// fetch() of /api/v1<path>; `as` is 'json' (default), 'text' or 'response'.
export async function call(path, { method = 'GET', params, body, as = 'json', signal } = {}) {
  const headers = { 'X-Requested-With': 'fetch' };
  if (as === 'json' || as === 'response') headers.Accept = 'application/json';
  if (as === 'text') headers.Accept = 'text/plain';
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`/api/v1${path}${query(params)}`, {
    method, headers, body: payload, credentials: 'same-origin', signal, cache: 'no-store',
  });
  if (res.status === 401) {
    toLogin();
    throw new ApiError(401, 'Unauthorized', 'Your session has ended; sign in again.');
  }
  if (!res.ok) throw await problem(res);
  if (as === 'response') return res;
  if (as === 'text') return res.text();
  return res.json();
}

export const get = (path, params, options = {}) => call(path, { ...options, params });

// A piece of a log from byte `offset`: {content, offset (the next one), complete}. Reads the
// JSON form, or the plain-text form with its X-Sluice-Log-* headers.
export async function logChunk(path, offset, limit) {
  const res = await call(path, { as: 'response', params: { offset, limit } });
  if ((res.headers.get('Content-Type') || '').includes('json')) return res.json();
  const content = await res.text();
  const next = Number(res.headers.get('X-Sluice-Log-Offset'));
  return {
    content,
    offset: Number.isFinite(next) ? next : offset + new TextEncoder().encode(content).length,
    complete: res.headers.get('X-Sluice-Log-Complete') === 'true',
  };
}
export const patch = (path, body) => call(path, { method: 'PATCH', body });
export const post = (path, body) => call(path, { method: 'POST', body });

export async function logout() {
  await fetch('/logout', {
    method: 'POST', credentials: 'same-origin', redirect: 'manual',
    headers: { 'X-CSRF-Token': csrfToken(), 'X-Requested-With': 'fetch' },
  });
  location.assign('/login');
}

// Paths of the API, in one place.
export const paths = {
  dags: '/dags',
  uiDags: '/ui/dags',
  dag: (d) => `/dags/${seg(d)}`,
  tasks: (d) => `/dags/${seg(d)}/tasks`,
  source: (token) => `/dagSources/${seg(token)}`,
  runs: (d) => `/dags/${seg(d)}/dagRuns`,
  run: (d, r) => `/dags/${seg(d)}/dagRuns/${seg(r)}`,
  tis: (d, r) => `/dags/${seg(d)}/dagRuns/${seg(r)}/taskInstances`,
  ti: (d, r, t) => `/dags/${seg(d)}/dagRuns/${seg(r)}/taskInstances/${seg(t)}`,
  tries: (d, r, t) => `/dags/${seg(d)}/dagRuns/${seg(r)}/taskInstances/${seg(t)}/tries`,
  log: (d, r, t, n) => `/dags/${seg(d)}/dagRuns/${seg(r)}/taskInstances/${seg(t)}/logs/${n}`,
  xcoms: (d, r) => `/dags/${seg(d)}/dagRuns/${seg(r)}/xcomEntries`,
  grid: (d) => `/ui/grid/${seg(d)}`,
  importErrors: '/importErrors',
  clusters: '/clusters',
  cluster: (c) => `/clusters/${seg(c)}`,
  steps: (c) => `/clusters/${seg(c)}/steps`,
  stepLog: (c, s, which) => `/clusters/${seg(c)}/steps/${seg(s)}/logs/${which}`,
  storage: '/storage',
  object: '/storage/object',
};
