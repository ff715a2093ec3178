// A tiny way to build DOM trees: h('div', {class: 'x', onclick: f}, child, ...). Children may
// be nodes, strings, numbers, arrays, or null/false (skipped). Text always goes in as text, so
// data from the server can never become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'style' && typeof value === 'object') {
      for (const [prop, v] of Object.entries(value)) node.style.setProperty(prop, v);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key === 'checked' || key === 'disabled' || key === 'value' || key === 'selected') {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

// Replaces the children of `node` with `children`.
export function mount(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// A small inline icon from a path in a 16x16 box.
const ICONS = {
  play: 'M4 2.5v11l9-5.5z',
  graph: 'M2 3h4v3H2zM10 2h4v3h-4zM10 11h4v3h-4zM6 4h2v1H6zM8 4.5h1v7H8zM9 3h1v1H9zM9 12h1v1H9z',
  grid: 'M2 2h3v3H2zM6.5 2h3v3h-3zM11 2h3v3h-3zM2 6.5h3v3H2zM6.5 6.5h3v3h-3zM11 6.5h3v3h-3zM2 11h3v3H2zM6.5 11h3v3h-3zM11 11h3v3h-3z',
  code: 'M5.5 4L1.5 8l4 4 1-1-3-3 3-3zM10.5 4l-1 1 3 3-3 3 1 1 4-4z',
  gantt: 'M2 3h7v2H2zM5 7h8v2H5zM8 11h6v2H8z',
  back: 'M10 3L5 8l5 5 1-1-4-4 4-4z',
  download: 'M7 2h2v6h2.5L8 11.5 4.5 8H7zM2 13h12v1.5H2z',
  refresh: 'M8 2.5a5.5 5.5 0 1 0 5.3 7h-1.6A4 4 0 1 1 8 4v2l3-3-3-3z',
};

export function icon(name) {
  return svg('svg', { class: 'icon', viewBox: '0 0 16 16', 'aria-hidden': 'true' },
    svg('path', { d: ICONS[name] || '' }));
}

// The folder/file glyphs of the object browser.
export function objectGlyph(kind) {
  const d = kind === 'folder'
    ? 'M1.5 3.5h5l1.5 1.5h6.5v8.5h-13z'
    : 'M3 1.5h6.5L13 5v9.5H3zM9 1.5V5.5h4';
  return svg('svg', { viewBox: '0 0 16 16', 'aria-hidden': 'true', class: kind }, svg('path', { d }));
}
