// Shared helpers of the end-to-end tests: run the real `sluice` binary, compute the salary job's
// answer independently with DuckDB, read Spark-layout output folders, and edit copies of the
// seed job spec. Not a test file itself (node --test only runs *.test.mjs).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

// ESM imports ignore NODE_PATH; createRequire's require honours it (ctest sets it).
const require = createRequire(import.meta.url);

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.SLUICE_SOURCE_DIR || path.resolve(here, '..', '..');
export const SLUICE_BIN = process.env.SLUICE_BIN || path.join(SOURCE_DIR, 'build', 'bin', 'sluice');
export const SEED_SPEC = path.join(SOURCE_DIR, 'examples', 'salary', 'etl', 'avg_salary.yml');
export const FEATURES = ['companyId', 'jobType', 'degree', 'major', 'industry'];
export const FEATURES_HEADER =
  'jobId,companyId,jobType,degree,major,industry,yearsExperience,milesFromMetropolis';
export const SALARIES_HEADER = 'jobId,salary';

// A fresh temporary folder; removed by the returned cleanup function.
export function makeTempDir(tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sluice-e2e-${tag}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// Runs sluice with `args`; never throws on a non-zero exit. stdin is closed and the terminal
// is not a TTY, so there is no progress bar to parse around.
export function sluice(args, { cwd, timeoutMs = 120_000 } = {}) {
  const started = Date.now();
  const r = spawnSync(SLUICE_BIN, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  if (r.error) throw new Error(`could not run ${SLUICE_BIN}: ${r.error.message}`);
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    ms: Date.now() - started,
    // For assertion messages.
    describe: () => `sluice ${args.join(' ')}\nexit ${r.status}${r.signal ? ` signal ${r.signal}` : ''}\n` +
      `--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
  };
}

export function sluiceOk(args, options) {
  const r = sluice(args, options);
  assert.equal(r.status, 0, `expected success:\n${r.describe()}`);
  return r;
}

export function datagen(dir, rows, seed = 42) {
  return sluiceOk(['datagen', 'salary', '--rows', String(rows), '--seed', String(seed), '--out', dir]);
}

// `sluice etl run SPEC --var data=DATA --var output=OUT [extra...]`.
export function etlRun(spec, vars, extra = []) {
  const args = ['etl', 'run', spec];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}=${v}`);
  return sluice([...args, ...extra]);
}

// --- DuckDB reference ------------------------------------------------------------------

let duckdbModule = null;
function duckdb() {
  if (!duckdbModule) duckdbModule = require('@duckdb/node-api');
  return duckdbModule;
}

export async function openDuckDb() {
  const { DuckDBInstance } = duckdb();
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  return {
    con,
    async rows(sql) {
      const reader = await con.runAndReadAll(sql);
      return reader.getRowObjectsJS();
    },
    close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}

export const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

// Reads a CSV file strictly as text, the way the job spec says: every column a string, no
// sniffing, RFC 4180 quotes; DuckDB skips a UTF-8 BOM and accepts CRLF by itself.
export function readCsvSql(file, columns) {
  const cols = columns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ');
  return `read_csv(${sqlString(file)}, header = true, auto_detect = false, delim = ',',
    quote = '"', escape = '"', columns = {${cols}})`;
}

// The seed job's answer for a features and a salaries file: {answer: {feature: [{key, value}]}
// in output order, joinedRows}.
export async function referenceAnswer(db, { featuresFile, salariesFile }) {
  await db.con.run(`CREATE OR REPLACE TEMP TABLE ref_joined AS
    SELECT f.*, CAST(s.salary AS BIGINT) AS salary_int
    FROM ${readCsvSql(featuresFile, FEATURES_HEADER.split(','))} f
    JOIN ${readCsvSql(salariesFile, SALARIES_HEADER.split(','))} s ON f.jobId = s.jobId`);
  const answer = {};
  for (const f of FEATURES) {
    const rows = await db.rows(`SELECT "${f}" AS key, round(avg(salary_int), 4) AS value
      FROM ref_joined GROUP BY "${f}" ORDER BY value DESC, key ASC`);
    answer[f] = rows.map((r) => ({ key: r.key, value: Number(r.value) }));
  }
  const [{ n }] = await db.rows('SELECT count(*) AS n FROM ref_joined');
  return { answer, joinedRows: Number(n) };
}

// --- Output folders -----------------------------------------------------------------------

// Every file below `dir` (relative paths, '/'-separated), hidden ones included.
export function listFilesRecursive(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

export const PART_FILE = /^part-00000-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.csv$/;

// Checks the Spark layout of one output folder and returns its part files' names.
export function partFiles(folder) {
  assert.ok(fs.existsSync(folder), `output folder ${folder} does not exist`);
  const names = fs.readdirSync(folder).sort();
  assert.ok(names.includes('_SUCCESS'), `${folder} has no _SUCCESS (has ${names.join(', ')})`);
  const parts = names.filter((n) => n !== '_SUCCESS');
  for (const n of parts) assert.match(n, PART_FILE, `unexpected entry ${n} in ${folder}`);
  return parts;
}

// The shortest text that reads back as `v`, with ".0" on integral values (Spark, DuckDB).
export function formatDouble(v) {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

// Parses one result CSV written by sluice: header `<feature>,average_salary`, then key,value
// rows; returns [{key, value, text}]. Keys in this job never need quoting.
export function parseResultCsv(text, feature, file) {
  assert.ok(!text.includes('\r'), `${file}: CR in output`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  assert.equal(lines[0], `${feature},average_salary`, `${file}: header`);
  return lines.slice(1).map((line, i) => {
    const fields = line.split(',');
    assert.equal(fields.length, 2, `${file}:${i + 2}: expected 2 fields in ${JSON.stringify(line)}`);
    const [key, text] = fields;
    const value = Number(text);
    assert.ok(Number.isFinite(value), `${file}:${i + 2}: '${text}' is not a number`);
    assert.equal(text, formatDouble(value), `${file}:${i + 2}: '${text}' is not the shortest ` +
      'round-trip form (with .0 on integral values)');
    return { key, value, text };
  });
}

export function assertClose(actual, expected, message) {
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance,
    `${message}: got ${actual}, expected ${expected}`);
}

// Compares the whole output folder tree `outDir` with the reference answer: one part file per
// feature folder, same header, same keys in the same order, same values.
export function assertOutputMatches(outDir, answer) {
  const folders = fs.readdirSync(outDir).filter((n) => !n.startsWith('.')).sort();
  assert.deepEqual(folders, [...FEATURES].sort(), `feature folders under ${outDir}`);
  for (const f of FEATURES) {
    const folder = path.join(outDir, f);
    const parts = partFiles(folder);
    assert.equal(parts.length, 1, `${folder}: expected one part file, found ${parts.join(', ')}`);
    const file = path.join(folder, parts[0]);
    const got = parseResultCsv(fs.readFileSync(file, 'utf8'), f, file);
    const want = answer[f];
    assert.deepEqual(got.map((r) => r.key), want.map((r) => r.key), `${file}: keys or their order`);
    got.forEach((r, i) => assertClose(r.value, want[i].value, `${file}: ${f}=${r.key}`));
  }
}

// Asserts a failed run committed nothing: no file at all below `outDir` (no _SUCCESS, no part
// file, no leftover staging file).
export function assertNothingCommitted(outDir, context) {
  const files = listFilesRecursive(outDir);
  assert.deepEqual(files, [], `${context}: files were left under ${outDir}`);
}

// --- CSV editing --------------------------------------------------------------------------

// Splits a generated CSV file (LF, nothing quoted) into its lines, without a trailing empty
// line.
export function readLines(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// --- Job spec editing ---------------------------------------------------------------------

export function seedSpecText() {
  return fs.readFileSync(SEED_SPEC, 'utf8');
}

// 1-based line and column of the first occurrence of `needle` in `text`.
export function positionOf(text, needle, from = 0) {
  const at = text.indexOf(needle, from);
  assert.ok(at >= 0, `'${needle}' not found in the spec`);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, offset: at };
}

// Adds `key: value` to the mapping that holds the line mentioning `needle` (an input's file
// name), at that line's indentation: the way to switch one input's malformed-row mode.
export function addKeyNextTo(specText, needle, key, value) {
  const lines = specText.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `'${needle}' not found in the spec`);
  const m = lines[i].match(/^(\s*)(- )?/);
  const indent = m[1].length + (m[2] ? 2 : 0);
  lines.splice(i + 1, 0, `${' '.repeat(indent)}${key}: ${value}`);
  return lines.join('\n');
}

// Writes a variant of the seed spec into `dir` and returns its path.
export function writeSpec(dir, name, text) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
