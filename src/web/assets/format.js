// How times, durations and sizes read in the UI. Times are shown in UTC, as the server and
// the CLI show them, so a run id and its dates look the same everywhere.

export function parseTime(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

// "2026-11-20 14:03:07"
export function fmtTime(iso) {
  const t = parseTime(iso);
  if (t === null) return '—';
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

// "2026-11-20"
export function fmtDate(iso) {
  const t = parseTime(iso);
  if (t === null) return '—';
  return fmtTime(iso).slice(0, 10);
}

// "14:03:07"
export function fmtClock(ms) {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

// Seconds as "850 ms", "12.4 s", "3m 07s", "2h 05m".
export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  if (seconds < 0) seconds = 0;
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

// Seconds between two ISO times; the end defaults to now (something still running).
export function secondsBetween(startIso, endIso) {
  const a = parseTime(startIso);
  if (a === null) return null;
  const b = parseTime(endIso) ?? Date.now();
  return (b - a) / 1000;
}

// "3 min ago", "in 5 h"
export function fmtRelative(iso) {
  const t = parseTime(iso);
  if (t === null) return '';
  const diff = (t - Date.now()) / 1000;
  const abs = Math.abs(diff);
  let text;
  if (abs < 45) text = `${Math.round(abs)} s`;
  else if (abs < 3600) text = `${Math.round(abs / 60)} min`;
  else if (abs < 86400 * 2) text = `${Math.round(abs / 3600)} h`;
  else text = `${Math.round(abs / 86400)} days`;
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

// A value that reads as a number, for right-aligning CSV cells.
export function looksNumeric(text) {
  return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text);
}
