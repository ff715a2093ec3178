// Output: the warehouse browsed like the S3 console — folders and objects, one level at a
// time — with a CSV previewed as a table. A Spark-layout output folder (part files and
// _SUCCESS) previews its part file right under the listing.
import { call, get, paths } from './api.js';
import { h, mount, objectGlyph } from './dom.js';
import { fmtBytes, fmtRelative, fmtTime, looksNumeric } from './format.js';

const PREVIEW_ROWS = 200;
const TEXT_BYTES = 64 * 1024;

const isFolder = (uri) => !uri || uri.endsWith('/');
const outputHref = (uri) => `/output${uri ? `?uri=${encodeURIComponent(uri)}` : ''}`;

function crumbs(listing, objectName) {
  const parts = (listing?.path || '').split('/').filter(Boolean);
  const items = [h('a', { href: outputHref('') }, 'warehouse')];
  let acc = '';
  parts.forEach((p) => {
    acc += `${p}/`;
    items.push(h('span', { class: 'sep' }, '/'), h('a', { href: outputHref(acc) }, p));
  });
  if (objectName) items.push(h('span', { class: 'sep' }, '/'), h('span', null, objectName));
  return h('div', { class: 'uri-bar', 'data-testid': 'uri-bar' }, items);
}

function csvTable(preview) {
  const numeric = preview.columns.map((_, i) => preview.rows.length > 0 &&
    preview.rows.every((r) => r[i] === undefined || r[i] === '' || looksNumeric(r[i])));
  // Numbers get a faint bar of their size, so a ranking reads at a glance.
  const max = numeric.map((isNum, j) => (isNum ? Math.max(...preview.rows.map((r) => Math.abs(Number(r[j]) || 0))) : 0));
  const cellOf = (r, j) => {
    if (!numeric[j]) return h('td', null, r[j] ?? '');
    const w = max[j] > 0 ? (Math.abs(Number(r[j]) || 0) / max[j]) * 100 : 0;
    return h('td', { class: 'n bar', style: { '--w': `${w.toFixed(1)}%` } }, r[j] ?? '');
  };
  return h('div', { class: 'preview-wrap' }, h('table', { class: 'csv', 'data-testid': 'csv-preview' },
    h('thead', null, h('tr', null, h('th', { class: 'rownum' }, '#'), preview.columns.map((c) => h('th', null, c)))),
    h('tbody', null, preview.rows.map((r, i) => h('tr', null, h('td', { class: 'rownum' }, i + 1),
      preview.columns.map((_, j) => cellOf(r, j)))))));
}

async function objectPreview(path) {
  if (/\.csv$/i.test(path)) {
    const preview = await get(paths.object, { uri: path, preview: 'csv', limit: PREVIEW_ROWS });
    return [csvTable(preview), h('div', { class: 'panel-body small muted' },
      `${preview.rows.length} row${preview.rows.length === 1 ? '' : 's'}${preview.truncated ? ` (the first ${PREVIEW_ROWS})` : ''}` +
      ` · ${fmtBytes(preview.size)}`)];
  }
  const res = await call(paths.object, { as: 'response', params: { uri: path, length: TEXT_BYTES } });
  const type = res.headers.get('Content-Type') || '';
  const size = Number(res.headers.get('X-Sluice-Object-Size'));
  if (!/^(text\/|application\/json)/.test(type)) {
    return h('div', { class: 'empty' }, `No preview for this kind of file (${type || 'unknown type'}, ${fmtBytes(size)}).`);
  }
  const text = await res.text();
  return [h('pre', { class: 'plain', style: { margin: '12px 16px' } }, text || '(empty)'),
    res.headers.get('X-Sluice-Truncated') === 'true'
      ? h('div', { class: 'panel-body small muted' }, `Showing the first ${fmtBytes(TEXT_BYTES)} of ${fmtBytes(size)}.`) : null];
}

function listingTable(listing) {
  const rows = [];
  if (listing.parent !== null && listing.parent !== undefined) {
    rows.push(h('tr', null, h('td', { colspan: 4 }, h('a', { href: outputHref(listing.parent), class: 'obj-name' },
      objectGlyph('folder'), '..'))));
  }
  for (const f of listing.folders) {
    rows.push(h('tr', { 'data-name': f.name }, h('td', null, h('a', { href: outputHref(f.path), class: 'obj-name' },
      objectGlyph('folder'), `${f.name}/`)), h('td', { class: 'muted' }, 'folder'), h('td', { class: 'right muted' }, '—'), h('td', null, '')));
  }
  for (const o of listing.objects) {
    rows.push(h('tr', { 'data-name': o.name }, h('td', null, h('a', { href: outputHref(o.path), class: 'obj-name' },
      objectGlyph('file'), o.name)),
    h('td', { class: 'muted' }, (o.name.match(/\.([A-Za-z0-9]+)$/) || [null, 'object'])[1]),
    h('td', { class: 'right num' }, fmtBytes(o.size)),
    h('td', { class: 'nowrap', 'data-tip': `${fmtTime(o.mtime)} UTC` }, fmtRelative(o.mtime))));
  }
  if (!listing.folders.length && !listing.objects.length) {
    rows.push(h('tr', null, h('td', { colspan: 4 }, h('div', { class: 'empty' }, 'This folder is empty.'))));
  }
  return h('table', { class: 'data', 'data-testid': 'listing' },
    h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Type'), h('th', { class: 'right' }, 'Size'),
      h('th', null, 'Last modified'))),
    h('tbody', null, rows));
}

export default function outputPage(_params, query) {
  const uri = query.get('uri') || '';
  const head = h('div');
  const body = h('div');
  const extra = h('div');
  let lastSig = '';

  async function refreshFolder() {
    const listing = await get(paths.storage, { uri, limit: 1000 });
    const sig = JSON.stringify(listing);
    if (sig === lastSig) return;
    lastSig = sig;
    mount(head, h('div', { class: 'page-head' }, h('h1', null, 'Output'), h('span', { class: 'sub mono small' }, listing.uri)),
      h('div', { class: 'panel', style: { 'margin-bottom': '16px' } }, h('div', { class: 'panel-body' }, crumbs(listing))));
    mount(body, h('div', { class: 'panel' }, listingTable(listing)));
    // Spark's layout: preview the part file of a committed output folder.
    const part = listing.objects.find((o) => /^part-.*\.csv$/i.test(o.name));
    const committed = listing.objects.some((o) => o.name === '_SUCCESS');
    if (part && committed) {
      const preview = await objectPreview(part.path);
      mount(extra, h('div', { class: 'panel', style: { 'margin-top': '16px' } },
        h('div', { class: 'panel-head' }, h('h2', null, 'Preview'), h('span', { class: 'mono small muted' }, part.name)),
        preview));
    } else {
      mount(extra);
    }
  }

  async function refreshObject() {
    if (lastSig) return;  // an object's preview is read once
    const slash = uri.lastIndexOf('/', uri.length - 1);
    const parentPath = slash >= 0 ? uri.slice(0, slash + 1) : '';
    const name = uri.slice(slash + 1);
    const listing = await get(paths.storage, { uri: parentPath, limit: 1000 });
    const info = listing.objects.find((o) => o.name === name);
    lastSig = 'read';
    mount(head, h('div', { class: 'page-head' }, h('h1', { class: 'mono' }, name),
      info ? h('span', { class: 'sub' }, `${fmtBytes(info.size)} · modified ${fmtTime(info.mtime)} UTC`) : null),
    h('div', { class: 'panel', style: { 'margin-bottom': '16px' } }, h('div', { class: 'panel-body' }, crumbs(listing, name))));
    if (!info) {
      mount(body, h('div', { class: 'empty' }, h('strong', null, 'No such object'), `${uri} is not in the warehouse.`));
      return;
    }
    mount(body, h('div', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', null, 'Preview')),
      await objectPreview(info.path)));
  }

  return {
    title: 'Output',
    el: h('div', { class: 'page-output' }, head, body, extra),
    refresh: isFolder(uri) ? refreshFolder : refreshObject,
    interval: isFolder(uri) ? 2000 : 0,
  };
}
