// Builds "dirty" copies of generated salary files: UTF-8 BOM, CRLF, quoted fields (an embedded
// comma, a doubled quote, a line break inside quotes, quoted categorical values and keys),
// jobIds on one side only, zero salaries, blank trailing lines, no final newline. Returns
// what the files hold by construction, so the DuckDB reference can be checked too.
import path from 'node:path';
import fs from 'node:fs';
import { readLines, FEATURES_HEADER, SALARIES_HEADER } from './lib.mjs';

const quote = (s) => `"${s.replaceAll('"', '""')}"`;

// Groups whose answers are known by hand: all-zero salaries (0.0), an integral average
// (101.0) and a tie broken by the key (COMPTIE_A before COMPTIE_B).
const SPECIAL_ROWS = [
  ['COMPZERO', 0], ['COMPZERO', 0], ['COMPZERO', 0],
  ['COMPINT', 100], ['COMPINT', 102],
  ['COMPTIE_B', 150], ['COMPTIE_A', 140], ['COMPTIE_A', 160],
];
export const SPECIAL_EXPECTED = { COMPZERO: '0.0', COMPINT: '101.0' };
const ORPHAN_SALARIES = 50;

// A quoted field of ~8 KiB whose lines look like whole feature rows: a reader that starts a
// parallel block inside it without knowing it is inside quotes would find "rows" there.
function decoyBlob(eol, k) {
  const lines = [];
  for (let j = 0; j < 200; j++) lines.push(`JOBDECOY${k}x${j},COMP1,CEO,NONE,MATH,WEB,1,"2"`);
  return `"${lines.join(eol).replaceAll('"', '""')}"`;
}

function dirtyFeatureRow(fields, i, eol) {
  const f = [...fields];
  if (i % 9 === 1) f[0] = quote(f[0]);                      // quoted key
  if (i % 13 === 2) f[5] = quote(f[5]);                     // quoted categorical, e.g. "WEB"
  if (i % 17 === 3) f[6] = quote(`${f[6]},5`);              // embedded comma
  if (i % 19 === 4) f[7] = quote(`${f[7]}"x`);              // doubled quote
  if (i % 1000 === 6) f[7] = quote(`${f[7]}${eol}${f[7]}`); // line break inside quotes
  if (i % 23 === 5) return fields.map(quote).join(',');     // every field quoted
  return f.join(',');
}

function dirtySalaryRow([jobId, salary], i) {
  let s = salary;
  let j = jobId;
  if (i % 29 === 8) s = '0';
  if (i % 31 === 9) s = quote(s);
  if (i % 31 === 10) j = quote(j);
  return `${j},${s}`;
}

// `layout` chooses the whitespace: which file gets the BOM + CRLF + blank trailing lines and
// which one ends without a final newline.
export function writeDirtyData(srcDir, outDir, layout) {
  fs.mkdirSync(outDir, { recursive: true });
  const features = readLines(path.join(srcDir, 'train_features.csv'));
  const salaries = readLines(path.join(srcDir, 'train_salaries.csv'));
  if (features[0] !== FEATURES_HEADER || salaries[0] !== SALARIES_HEADER) {
    throw new Error(`unexpected headers in ${srcDir}`);
  }
  const featuresCrlf = layout === 'features_crlf';
  const fEol = featuresCrlf ? '\r\n' : '\n';
  const sEol = featuresCrlf ? '\n' : '\r\n';

  const fRows = [];
  const sRows = [];
  let dropped = 0;
  // Decoys near every MiB of the file, wherever parallel blocks happen to be cut.
  let bytes = 0;
  let nextDecoy = 1 << 20;
  for (let i = 1; i < features.length; i++) {
    const fields = features[i].split(',');
    let row = dirtyFeatureRow(fields, i, fEol);
    if (bytes + row.length >= nextDecoy - 4096) {
      row = [...fields.slice(0, 7), decoyBlob(fEol, i)].join(',');
      nextDecoy += 1 << 20;
    }
    bytes += row.length + fEol.length;
    fRows.push(row);
  }
  const salaryById = new Map();
  for (let i = 1; i < salaries.length; i++) {
    const [jobId, salary] = salaries[i].split(',');
    salaryById.set(jobId, salary);
  }
  // Salary rows in reverse order, one in ten dropped (a features-only jobId).
  for (let i = features.length - 1; i >= 1; i--) {
    const jobId = features[i].split(',')[0];
    if (i % 10 === 7) { dropped++; continue; }
    sRows.push(dirtySalaryRow([jobId, salaryById.get(jobId)], i));
  }
  SPECIAL_ROWS.forEach(([company, salary], k) => {
    const jobId = `JOBSPECIAL${k}`;
    fRows.push([jobId, company, 'CEO', 'NONE', 'MATH', 'WEB', '1', '2'].join(','));
    sRows.push(`${jobId},${salary}`);
  });
  for (let k = 0; k < ORPHAN_SALARIES; k++) sRows.push(`JOBORPHAN${k},${k}`);

  const fText = (featuresCrlf ? '\ufeff' : '') + [FEATURES_HEADER, ...fRows].join(fEol) +
    (featuresCrlf ? `${fEol}${fEol}${fEol}` : '');
  const sText = (featuresCrlf ? '' : '\ufeff') + [SALARIES_HEADER, ...sRows].join(sEol) +
    (featuresCrlf ? '' : `${sEol}${sEol}${sEol}`);
  const featuresFile = path.join(outDir, 'train_features.csv');
  const salariesFile = path.join(outDir, 'train_salaries.csv');
  fs.writeFileSync(featuresFile, fText);
  fs.writeFileSync(salariesFile, sText);
  return {
    featuresFile,
    salariesFile,
    featuresRows: fRows.length,
    salariesRows: sRows.length,
    joinedRows: fRows.length - dropped,
    unmatchedFeatures: dropped,
    unmatchedSalaries: ORPHAN_SALARIES,
  };
}
