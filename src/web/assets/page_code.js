// Code: the DAG file as the scheduler read it, with line numbers and light YAML colouring.
import { call, paths } from './api.js';
import { dagHeader } from './dag_header.js';
import { h, mount } from './dom.js';
import { fmtTime } from './format.js';

// Splits one YAML line into [class, text] pieces: comment, key, quoted string, template,
// number; everything else plain. Only for colour: the file is shown exactly as written.
export function yamlPieces(line) {
  const pieces = [];
  let rest = line;
  const key = /^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*)(\s*:)(?=\s|$)/.exec(rest);
  if (key) {
    pieces.push(['', key[1]], ['y-key', key[2]], ['y-punct', key[3]]);
    rest = rest.slice(key[0].length);
  }
  const token = /(#.*$)|("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')|(\{\{.*?\}\})|(\b\d{4}-\d\d-\d\d(?:T[\d:.+-]+Z?)?|\b\d+(?:\.\d+)?[smhd]?\b)/g;
  let at = 0;
  let m;
  while ((m = token.exec(rest)) !== null) {
    if (m[1] && m.index > 0 && /\S/.test(rest[m.index - 1])) {  // '#' inside a word
      token.lastIndex = m.index + 1;
      continue;
    }
    pieces.push(['', rest.slice(at, m.index)]);
    if (m[1]) pieces.push(['y-comment', m[1]]);
    else if (m[2]) pieces.push(...stringPieces(m[2]));
    else if (m[3]) pieces.push(['y-tpl', m[3]]);
    else pieces.push(['y-num', m[4]]);
    at = m.index + m[0].length;
  }
  pieces.push(['', rest.slice(at)]);
  return pieces.filter(([, text]) => text);
}

function stringPieces(text) {
  const out = [];
  let at = 0;
  for (const m of text.matchAll(/\{\{.*?\}\}/g)) {
    out.push(['y-str', text.slice(at, m.index)], ['y-tpl', m[0]]);
    at = m.index + m[0].length;
  }
  out.push(['y-str', text.slice(at)]);
  return out;
}

export default function codePage({ dagId }) {
  const head = dagHeader(dagId, 'code');
  const info = h('span', { class: 'muted small mono' });
  const view = h('pre', { class: 'code-view', 'data-testid': 'code' });
  let lastSource = null;

  async function refresh() {
    const dag = await head.refresh();
    info.textContent = `${dag.fileloc}${dag.last_parsed_time ? ` · parsed ${fmtTime(dag.last_parsed_time)} UTC` : ''}`;
    const source = await call(paths.source(dag.file_token), { as: 'text' });
    if (source === lastSource) return;
    lastSource = source;
    const lines = source.replace(/\n$/, '').split('\n');
    mount(view, lines.map((line) => h('span', { class: 'ln' },
      yamlPieces(line).map(([cls, text]) => (cls ? h('span', { class: cls }, text) : text)))));
  }

  const el = h('div', { class: 'page-code' }, head.el,
    h('div', { class: 'panel' }, h('div', { class: 'panel-head' }, info), view));
  return { title: `${dagId} · Code`, el, refresh, interval: 2000 };
}
