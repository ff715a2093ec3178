// A real `sluice standalone` for the browser tests: a temporary SLUICE_HOME holding the seed
// pipeline laid out as scripts/demo.sh lays it out (with small data), the server on a free
// loopback port, and a stop() that always ends it. Not a test file itself.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.SLUICE_SOURCE_DIR || path.resolve(here, '..', '..');
export const SLUICE_BIN = process.env.SLUICE_BIN || path.join(SOURCE_DIR, 'build', 'bin', 'sluice');
export const ARTIFACTS = path.join(SOURCE_DIR, 'tests', 'artifacts', 'browser');

function run(args, env) {
  const r = spawnSync(SLUICE_BIN, args, { env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`could not run ${SLUICE_BIN}: ${r.error.message}`);
  return r;
}

function runOk(args, env) {
  const r = run(args, env);
  if (r.status !== 0) {
    throw new Error(`sluice ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

// The demo's bucket under <home>/warehouse/salary and the seed DAG in <home>/dags, its bucket
// pointing at that warehouse (scripts/demo.sh does the same).
export function layOutHome(rows) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-browser-'));
  const bucket = path.join(home, 'warehouse', 'salary');
  for (const dir of ['data', 'etl', 'dags', 'output', 'logs']) {
    fs.mkdirSync(path.join(bucket, dir), { recursive: true });
  }
  const env = { ...process.env, SLUICE_HOME: home };
  runOk(['datagen', 'salary', '--rows', String(rows), '--seed', '1', '--out', path.join(bucket, 'data')], env);
  fs.copyFileSync(path.join(SOURCE_DIR, 'examples', 'salary', 'etl', 'avg_salary.yml'),
    path.join(bucket, 'etl', 'avg_salary.yml'));
  const dag = fs.readFileSync(path.join(SOURCE_DIR, 'examples', 'salary', 'dags', 'salary_pipeline.yml'), 'utf8')
    .replaceAll('file:///var/lib/sluice/warehouse/salary', `file://${bucket}`);
  fs.writeFileSync(path.join(bucket, 'dags', 'salary_pipeline.yml'), dag);
  fs.mkdirSync(path.join(home, 'dags'), { recursive: true });
  fs.writeFileSync(path.join(home, 'dags', 'salary_pipeline.yml'), dag);
  return { home, bucket, env };
}

// Starts `sluice standalone --port 0` and resolves once it listens. Its output goes to
// <home>/standalone.log, which a failing test prints.
export async function startStandalone({ home, env }) {
  const logPath = path.join(home, 'standalone.log');
  fs.writeFileSync(logPath, '');
  const log = fs.openSync(logPath, 'a');  // O_APPEND: stderr and stdout interleave safely
  const child = spawn(SLUICE_BIN, ['standalone', '--port', '0'], { env, stdio: ['ignore', 'pipe', log] });
  fs.closeSync(log);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  // Whatever happens to the test process, the server does not outlive it.
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (exited) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 20_000);
    const result = await exitPromise;
    clearTimeout(timer);
    return result;
  };

  // stdout is drained for as long as the server runs, so it never blocks on a full pipe.
  let out = '';
  let onListening = null;
  child.stdout.on('data', (chunk) => {
    fs.appendFileSync(logPath, chunk);
    if (!onListening) return;
    out += chunk;
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) { onListening(Number(m[1])); onListening = null; }
  });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`standalone did not start in 60 s:\n${out}`)), 60_000);
    onListening = (p) => { clearTimeout(timer); resolve(p); };
    exitPromise.then((e) => { clearTimeout(timer); reject(new Error(`standalone exited (${JSON.stringify(e)}):\n${out}`)); });
  }).catch(async (err) => { await stop(); throw err; });

  const password = fs.readFileSync(path.join(home, 'standalone_admin_password.txt'), 'utf8').trim();
  return { url: `http://127.0.0.1:${port}`, port, password, stop, logPath, child };
}

// `sluice ARGS` against the same home (e.g. to add a user while the server runs).
export function sluiceCli(args, env) {
  const r = run(args, env);
  if (r.status !== 0) throw new Error(`sluice ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}
