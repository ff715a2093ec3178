// Benchmark driver (called by bench/run.sh): the salary job with `sluice etl run`, DuckDB and
// Polars on the same generated files, whole-process wall time and peak RSS from GNU time,
// several interleaved runs per size, medians and ratios printed and written to RESULTS.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(benchDir, '..');
const env = process.env;
const SLUICE = env.SLUICE_BIN || path.join(repo, 'build', 'bin', 'sluice');
const SPEC = path.join(repo, 'examples', 'salary', 'etl', 'avg_salary.yml');
const OUT = path.join(benchDir, 'out');
const DATA_ROOT = env.BENCH_DATA_ROOT || path.join(OUT, 'data');
const SEED = env.BENCH_SEED || '1';
const SIZES = (env.BENCH_SIZES || '1000000 10000000').split(/[\s,]+/).filter(Boolean).map(Number);
const TIME = env.BENCH_TIME || '/usr/bin/time';
const TOOLS = (env.BENCH_TOOLS || 'sluice duckdb polars').split(/[\s,]+/).filter(Boolean);
const DUCKDB_ARGS = (env.BENCH_DUCKDB_ARGS || '').split(' ').filter(Boolean);
const POLARS_ARGS = (env.BENCH_POLARS_ARGS || '').split(' ').filter(Boolean);
const RESULTS = env.BENCH_RESULTS || path.join(benchDir, 'RESULTS.md');

function runsFor(rows) {
  return Number(env[`BENCH_RUNS_${rows}`] || env.BENCH_RUNS || (rows >= 5_000_000 ? 3 : 5));
}

const human = (rows) => (rows % 1_000_000 === 0 ? `${rows / 1_000_000}M` : String(rows));
const log = (...a) => console.log(...a);

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r;
}

// Generates the data once per size; `.complete` records how, so a changed generator or seed
// regenerates it.
function ensureData(rows) {
  const dir = path.join(DATA_ROOT, `salary-${human(rows)}`);
  const stamp = path.join(dir, '.complete');
  const how = `sluice datagen salary --rows ${rows} --seed ${SEED}`;
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === how) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  log(`generating ${human(rows)} rows into ${path.relative(repo, dir)} ...`);
  const r = run(SLUICE, ['datagen', 'salary', '--rows', String(rows), '--seed', SEED, '--out', dir],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`datagen failed (exit ${r.status})`);
  fs.writeFileSync(stamp, `${how}\n`);
  return dir;
}

function commandFor(tool, data, out) {
  switch (tool) {
    case 'sluice':
      return [SLUICE, 'etl', 'run', SPEC, '--var', `data=${data}`, '--var', `output=${out}`];
    case 'duckdb':
      return [process.execPath, path.join(benchDir, 'duckdb_job.mjs'), data, out, ...DUCKDB_ARGS];
    case 'polars':
      return [process.execPath, path.join(benchDir, 'polars_job.mjs'), data, out, ...POLARS_ARGS];
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

// One timed run: wall seconds and peak RSS (KiB) of the whole process, from GNU time.
function timedRun(tool, data, out) {
  fs.rmSync(out, { recursive: true, force: true });
  const timeFile = path.join(OUT, `.time-${process.pid}`);
  const [cmd, ...args] = commandFor(tool, data, out);
  const r = run(TIME, ['-f', '%e %M', '-o', timeFile, cmd, ...args]);
  const [wall, rssKiB] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  fs.rmSync(timeFile, { force: true });
  if (r.status !== 0) {
    return { ok: false, error: `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  }
  return { ok: true, wall, rssMiB: rssKiB / 1024 };
}

// The five result files of one run, by feature, for a cross-check between the tools.
function resultText(out) {
  const texts = {};
  for (const f of ['companyId', 'jobType', 'degree', 'major', 'industry']) {
    const dir = path.join(out, f);
    const parts = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith('part-')) : [];
    texts[f] = parts.length === 1 ? fs.readFileSync(path.join(dir, parts[0]), 'utf8') : null;
  }
  return texts;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function versions() {
  const v = {};
  const s = run(SLUICE, ['version']);
  v.sluice = s.status === 0 ? s.stdout.trim() : 'unknown';
  const probe = `const r=(m)=>{try{return require(m+'/package.json').version}catch(e){return 'missing'}};
    console.log(JSON.stringify({duckdb:r('@duckdb/node-api'),polars:r('nodejs-polars')}))`;
  const p = run(process.execPath, ['-e', probe]);
  Object.assign(v, p.status === 0 ? JSON.parse(p.stdout) : {});
  v.node = process.version;
  return v;
}

function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model;
  const nproc = run('nproc', []).stdout.trim();
  return { cpu: cpu?.trim(), nproc, memGiB: (os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release() };
}

const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const loadBefore = loadAverage();
  const m = machine();
  const v = versions();
  log(`machine: ${m.nproc} cores, ${m.cpu}, ${m.memGiB} GiB; ${v.sluice}, DuckDB ${v.duckdb}, ` +
      `Polars ${v.polars}, Node ${v.node}`);
  const sections = [];
  for (const rows of SIZES) {
    const data = ensureData(rows);
    const runs = runsFor(rows);
    const samples = Object.fromEntries(TOOLS.map((t) => [t, []]));
    const errors = {};
    const outputs = {};
    // Page cache warm-up, so no tool pays for the first read from disk.
    for (const f of fs.readdirSync(data)) if (f.endsWith('.csv')) fs.readFileSync(path.join(data, f));
    for (let i = 0; i < runs; i++) {
      // Interleaved (and rotated) so drift on the machine spreads over every tool.
      const order = TOOLS.map((_, k) => TOOLS[(k + i) % TOOLS.length]);
      for (const tool of order) {
        if (errors[tool]) continue;
        const out = path.join(OUT, 'results', `${tool}-${human(rows)}`);
        const r = timedRun(tool, data, out);
        if (!r.ok) {
          errors[tool] = r.error;
          log(`  ${human(rows)} ${tool}: FAILED ${r.error}`);
          continue;
        }
        samples[tool].push(r);
        log(`  ${human(rows)} run ${i + 1}/${runs} ${tool.padEnd(6)} ${r.wall.toFixed(2)} s ` +
            `${r.rssMiB.toFixed(0)} MiB`);
        if (i === 0) outputs[tool] = resultText(out);
      }
    }
    sections.push(summarize(rows, runs, samples, errors, outputs));
  }
  const report = renderReport(m, v, sections, { before: loadBefore, after: loadAverage() });
  fs.writeFileSync(RESULTS, report);
  log(`\n${report}`);
  log(`written to ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
}

function summarize(rows, runs, samples, errors, outputs) {
  const med = {};
  for (const [tool, xs] of Object.entries(samples)) {
    if (xs.length) med[tool] = { wall: median(xs.map((x) => x.wall)), rss: median(xs.map((x) => x.rssMiB)) };
  }
  // Cross-check: every tool that ran must have written the same five files.
  const tools = Object.keys(outputs);
  const mismatches = [];
  for (const t of tools.slice(1)) {
    for (const f of Object.keys(outputs[tools[0]])) {
      if (outputs[t][f] !== outputs[tools[0]][f]) mismatches.push(`${t} vs ${tools[0]}: ${f}`);
    }
  }
  return { rows, runs, med, errors, mismatches, n: Object.fromEntries(Object.entries(samples).map(([t, x]) => [t, x.length])) };
}

function renderReport(m, v, sections, load) {
  const cmd = `make bench  # = bash bench/run.sh; BENCH_SIZES="${SIZES.join(' ')}"` +
    (env.BENCH_RUNS ? ` BENCH_RUNS=${env.BENCH_RUNS}` : '') +
    (DUCKDB_ARGS.length ? ` BENCH_DUCKDB_ARGS="${DUCKDB_ARGS.join(' ')}"` : '') +
    (POLARS_ARGS.length ? ` BENCH_POLARS_ARGS="${POLARS_ARGS.join(' ')}"` : '');
  const lines = [
    '# Benchmark: the salary job (design.md §2)',
    '',
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- machine: ${m.nproc} cores (nproc), ${m.cpu}, ${m.memGiB} GiB RAM, Linux ${m.kernel}`,
    `- versions: ${v.sluice}; DuckDB ${v.duckdb} (@duckdb/node-api); Polars ${v.polars} (nodejs-polars); Node ${v.node}`,
    `- command: \`${cmd}\``,
    `- load average (1, 5, 15 min) before: ${load.before}; after: ${load.after} ` +
      '(anything else running on the machine shows here and skews every tool)',
    '- what: generate the data once (`sluice datagen salary --rows N --seed ' + SEED + '`), then run',
    '  the job with each tool, writing the same five output folders; runs interleaved;',
    '  whole-process wall time and peak RSS from GNU time (`/usr/bin/time -f \'%e %M\'`), medians.',
    '- forms (the fastest found for each, same five output files byte for byte):',
    '  - DuckDB, `bench/duckdb_job.mjs`' + (DUCKDB_ARGS.length ? ` ${DUCKDB_ARGS.join(' ')}` : '') +
      ': typed reads (no sniffing), the join feeding one GROUPING SETS',
    '    aggregate of the five features into a tiny temp table, then five `COPY ... TO`;',
    '    `preserve_insertion_order=false`. (A temp table of the join + five GROUP BYs was slower.)',
    '  - Polars, `bench/polars_job.mjs`' + (POLARS_ARGS.length ? ` ${POLARS_ARGS.join(' ')}` : '') +
      ': lazy scans with the five features as Categorical',
    '    and salary as Int64, projection pushed down, the join collected once (streaming engine),',
    '    then five eager group-bys.',
    '',
  ];
  for (const s of sections) {
    lines.push(`## ${human(s.rows)} rows (${s.runs} runs each)`, '');
    lines.push('| tool | runs | median wall (s) | median peak RSS (MiB) |', '|---|---|---|---|');
    for (const tool of TOOLS) {
      if (s.med[tool]) {
        lines.push(`| ${tool} | ${s.n[tool]} | ${s.med[tool].wall.toFixed(2)} | ${s.med[tool].rss.toFixed(0)} |`);
      } else {
        lines.push(`| ${tool} | 0 | failed | ${(s.errors[tool] || 'not run').replaceAll('|', '/')} |`);
      }
    }
    lines.push('');
    const ratio = (a, b, k) => (s.med[a] && s.med[b] ? (s.med[a][k] / s.med[b][k]).toFixed(2) : 'n/a');
    if (TOOLS.includes('sluice')) {
      for (const other of TOOLS.filter((t) => t !== 'sluice')) {
        lines.push(`- sluice/${other}: wall ${ratio('sluice', other, 'wall')}x, ` +
                   `peak RSS ${ratio('sluice', other, 'rss')}x`);
      }
    }
    lines.push(s.mismatches.length
      ? `- OUTPUTS DIFFER: ${s.mismatches.join('; ')}`
      : `- outputs identical across ${Object.keys(s.med).join(', ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

main();
