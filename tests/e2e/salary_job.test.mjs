// The seed's job end to end on generated data: `sluice datagen salary`, then
// `sluice etl run examples/salary/etl/avg_salary.yml`, compared with DuckDB's answer computed
// from the same files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  FEATURES_HEADER, SALARIES_HEADER, SEED_SPEC, assertOutputMatches, datagen, etlRun,
  makeTempDir, openDuckDb, readCsvSql, referenceAnswer,
} from './lib.mjs';
import { parseSummary } from './summary.mjs';

const ROWS = 200_000;

describe('salary job on generated data', () => {
  let tmp;
  let db;
  let data;
  before(async () => {
    tmp = makeTempDir('salary');
    data = path.join(tmp.dir, 'data');
    datagen(data, ROWS, 7);
    db = await openDuckDb();
  });
  after(() => {
    db?.close();
    tmp?.cleanup();
  });

  it('datagen writes the three files with the seed headers and row counts', async () => {
    for (const [name, header] of [['train_features.csv', FEATURES_HEADER],
      ['test_features.csv', FEATURES_HEADER], ['train_salaries.csv', SALARIES_HEADER]]) {
      const file = path.join(data, name);
      const head = fs.readFileSync(file, 'utf8').slice(0, 200).split('\n')[0];
      assert.equal(head.replace(/\r$/, ''), header, `${name}: header`);
      const [{ n }] = await db.rows(`SELECT count(*) AS n FROM ${readCsvSql(file, header.split(','))}`);
      assert.equal(Number(n), ROWS, `${name}: rows`);
    }
  });

  it('datagen keeps to the domains of design.md §2', async () => {
    const f = readCsvSql(path.join(data, 'train_features.csv'), FEATURES_HEADER.split(','));
    const s = readCsvSql(path.join(data, 'train_salaries.csv'), SALARIES_HEADER.split(','));
    const distinct = async (col) => (await db.rows(`SELECT DISTINCT "${col}" AS v FROM ${f} ORDER BY 1`))
      .map((r) => r.v);
    assert.deepEqual(await distinct('jobType'), ['CEO', 'CFO', 'CTO', 'JANITOR', 'JUNIOR', 'MANAGER',
      'SENIOR', 'VICE_PRESIDENT']);
    assert.deepEqual(await distinct('degree'), ['BACHELORS', 'DOCTORAL', 'HIGH_SCHOOL', 'MASTERS', 'NONE']);
    assert.deepEqual(await distinct('major'), ['BIOLOGY', 'BUSINESS', 'CHEMISTRY', 'COMPSCI',
      'ENGINEERING', 'LITERATURE', 'MATH', 'NONE', 'PHYSICS']);
    assert.deepEqual(await distinct('industry'), ['AUTO', 'EDUCATION', 'FINANCE', 'HEALTH', 'OIL',
      'SERVICE', 'WEB']);
    const companies = await distinct('companyId');
    assert.deepEqual(companies, Array.from({ length: 63 }, (_, i) => `COMP${i}`).sort());
    const [fs1] = await db.rows(`SELECT count(DISTINCT jobId) AS ids, count(*) AS n,
      min(CAST(yearsExperience AS INT)) AS ye_min, max(CAST(yearsExperience AS INT)) AS ye_max,
      min(CAST(milesFromMetropolis AS INT)) AS m_min, max(CAST(milesFromMetropolis AS INT)) AS m_max,
      bool_and(regexp_full_match(jobId, 'JOB[0-9]+')) AS ids_ok FROM ${f}`);
    assert.equal(fs1.ids, fs1.n, 'jobId is unique');
    assert.ok(fs1.ids_ok, 'jobId looks like JOB1362684407687');
    assert.deepEqual([fs1.ye_min, fs1.ye_max, fs1.m_min, fs1.m_max], [0, 24, 0, 99]);
    const [ss] = await db.rows(`SELECT min(CAST(salary AS INT)) AS lo, max(CAST(salary AS INT)) AS hi,
      count(*) FILTER (WHERE CAST(salary AS INT) = 0) AS zeros,
      count(*) FILTER (WHERE f.jobId IS NULL) AS orphans
      FROM ${s} s LEFT JOIN ${f} f USING (jobId)`);
    assert.ok(ss.lo >= 0 && ss.hi <= 301, `salary in 0..301, got ${ss.lo}..${ss.hi}`);
    assert.ok(ss.zeros > 0, 'a few zero salaries');
    assert.ok(ss.zeros < ROWS / 1000, `only a few zero salaries, got ${ss.zeros}`);
    assert.equal(Number(ss.orphans), 0, 'every salary row has its features');
  });

  it('datagen is deterministic per seed', () => {
    const digest = (dir) => ['train_features.csv', 'train_salaries.csv', 'test_features.csv']
      .map((n) => crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, n))).digest('hex'));
    const a = path.join(tmp.dir, 'det-a');
    const b = path.join(tmp.dir, 'det-b');
    const c = path.join(tmp.dir, 'det-c');
    datagen(a, 5000, 11);
    datagen(b, 5000, 11);
    datagen(c, 5000, 12);
    assert.deepEqual(digest(a), digest(b), 'same seed, same bytes');
    assert.notDeepEqual(digest(a), digest(c), 'another seed, other data');
  });

  it('etl run writes the five folders DuckDB computes, with a summary', async () => {
    const out = path.join(tmp.dir, 'output');
    const r = etlRun(SEED_SPEC, { data, output: out });
    assert.equal(r.status, 0, r.describe());
    const { answer, joinedRows } = await referenceAnswer(db, {
      featuresFile: path.join(data, 'train_features.csv'),
      salariesFile: path.join(data, 'train_salaries.csv'),
    });
    assert.equal(joinedRows, ROWS);
    assertOutputMatches(out, answer);
    const summary = parseSummary(r.stdout);
    assert.equal(summary.rowsRead('train_features.csv'), ROWS, r.describe());
    assert.equal(summary.rowsRead('train_salaries.csv'), ROWS, r.describe());
    assert.equal(summary.rejected('train_features.csv'), 0, r.describe());
    assert.equal(summary.joined(), ROWS, r.describe());
    assert.equal(summary.unmatchedLeft(), 0, r.describe());
    assert.equal(summary.unmatchedRight(), 0, r.describe());
    for (const f of ['companyId', 'industry']) {
      assert.equal(summary.rowsWritten(path.join(out, f)), answer[f].length, r.describe());
    }
    assert.match(r.stdout, /wall|time/i, 'summary shows the wall time');
    assert.match(r.stdout, /memory|rss/i, 'summary shows the peak memory');
  });
});
