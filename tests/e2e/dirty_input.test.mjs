// The seed's job on dirty but valid CSV (BOM, CRLF, quoted fields, one-sided jobIds, zero
// salaries, blank trailing lines, no final newline): same answer as DuckDB reading the same
// files, and the summary's counts match what the files hold by construction.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  FEATURES, SEED_SPEC, assertOutputMatches, datagen, etlRun, makeTempDir, openDuckDb, partFiles,
  referenceAnswer,
} from './lib.mjs';
import { SPECIAL_EXPECTED, writeDirtyData } from './dirty_data.mjs';
import { parseSummary } from './summary.mjs';

describe('salary job on dirty input', () => {
  let tmp;
  let db;
  let clean;
  before(async () => {
    tmp = makeTempDir('dirty');
    clean = path.join(tmp.dir, 'clean');
    datagen(clean, 120_000, 3);
    db = await openDuckDb();
  });
  after(() => {
    db?.close();
    tmp?.cleanup();
  });

  for (const layout of ['features_crlf', 'salaries_crlf']) {
    it(`matches DuckDB (${layout.replace('_', ' ')}: BOM, CRLF, blank trailing lines; ` +
       'other file without final newline)', async () => {
      const data = path.join(tmp.dir, `dirty-${layout}`);
      const out = path.join(tmp.dir, `out-${layout}`);
      const facts = writeDirtyData(clean, data, layout);
      const { answer, joinedRows } = await referenceAnswer(db, facts);
      assert.equal(joinedRows, facts.joinedRows, 'DuckDB reads the dirty files as built');

      const r = etlRun(SEED_SPEC, { data, output: out });
      assert.equal(r.status, 0, r.describe());
      assertOutputMatches(out, answer);

      // Known by hand: 0.0 for an all-zero group, 101.0 for an integral mean, ties by key.
      const company = path.join(out, 'companyId');
      const text = fs.readFileSync(path.join(company, partFiles(company)[0]), 'utf8');
      for (const [key, value] of Object.entries(SPECIAL_EXPECTED)) {
        assert.ok(text.includes(`\n${key},${value}\n`), `companyId ${key} should be ${value}`);
      }
      assert.ok(text.indexOf('\nCOMPTIE_A,150.0\n') < text.indexOf('\nCOMPTIE_B,150.0\n') &&
        text.includes('\nCOMPTIE_A,150.0\n'), 'a tie on average_salary sorts by key ascending');

      const summary = parseSummary(r.stdout);
      assert.equal(summary.rowsRead('train_features.csv'), facts.featuresRows, r.describe());
      assert.equal(summary.rowsRead('train_salaries.csv'), facts.salariesRows, r.describe());
      assert.equal(summary.rejected('train_features.csv'), 0, r.describe());
      assert.equal(summary.rejected('train_salaries.csv'), 0, r.describe());
      assert.equal(summary.joined(), facts.joinedRows, r.describe());
      // The seed joins features (left) with salaries (right).
      assert.equal(summary.unmatchedLeft(), facts.unmatchedFeatures, r.describe());
      assert.equal(summary.unmatchedRight(), facts.unmatchedSalaries, r.describe());

      // The same facts, machine-readable.
      const outJson = path.join(tmp.dir, `out-json-${layout}`);
      const rj = etlRun(SEED_SPEC, { data, output: outJson }, ['--output', 'json']);
      assert.equal(rj.status, 0, rj.describe());
      const json = JSON.parse(rj.stdout);
      assert.equal(json.status, 'success');
      const input = (file) => json.inputs.find((i) => i.uri.endsWith(file));
      assert.equal(input('train_features.csv').rows, facts.featuresRows);
      assert.equal(input('train_salaries.csv').rows, facts.salariesRows);
      assert.equal(input('train_features.csv').rejected, 0);
      assert.equal(json.joins.length, 1);
      assert.equal(json.joins[0].rows, facts.joinedRows);
      assert.equal(json.joins[0].left_unmatched, facts.unmatchedFeatures);
      assert.equal(json.joins[0].right_unmatched, facts.unmatchedSalaries);
      assert.deepEqual(json.outputs.map((o) => o.rows), FEATURES.map((f) => answer[f].length));
      assert.ok(json.wall_seconds > 0 && json.peak_rss_bytes > 0, 'wall time and peak memory');
      assertOutputMatches(outJson, answer);
    });
  }
});
