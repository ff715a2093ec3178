// Malformed rows (design.md §6): FAILFAST stops with "<path>:<line>: <reason>" and commits
// nothing; DROPMALFORMED and PERMISSIVE succeed without the bad rows, count them, and
// PERMISSIVE writes them to a rejects file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SEED_SPEC, addKeyNextTo, assertNothingCommitted, assertOutputMatches, datagen, etlRun,
  listFilesRecursive, makeTempDir, openDuckDb, referenceAnswer, seedSpecText, writeSpec,
} from './lib.mjs';
import { writeBadData } from './bad_data.mjs';
import { parseSummary } from './summary.mjs';

describe('malformed rows', () => {
  let tmp;
  let db;
  let bad;
  let reference;
  before(async () => {
    tmp = makeTempDir('bad');
    const clean = path.join(tmp.dir, 'generated');
    datagen(clean, 150_000, 5);
    bad = writeBadData(clean, tmp.dir);
    db = await openDuckDb();
    reference = await referenceAnswer(db, {
      featuresFile: bad.features.cleanFile,
      salariesFile: bad.salaries.cleanFile,
    });
  });
  after(() => {
    db?.close();
    tmp?.cleanup();
  });

  // A data folder with the bad version of one file and the clean version of the other.
  function mixedData(name, badFile) {
    const dir = path.join(tmp.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['train_features.csv', 'train_salaries.csv']) {
      fs.copyFileSync(path.join(f === badFile ? bad.badDir : bad.cleanDir, f), path.join(dir, f));
    }
    return dir;
  }

  it('FAILFAST (default): wrong field count names file and exact physical line, commits nothing',
    () => {
      const data = mixedData('ff-features', 'train_features.csv');
      const out = path.join(tmp.dir, 'out-ff-features');
      const r = etlRun(SEED_SPEC, { data, output: out });
      assert.notEqual(r.status, 0, r.describe());
      const file = path.join(data, 'train_features.csv');
      const line = bad.features.badLines[0];
      assert.ok(r.stderr.includes(`${file}:${line}:`), `stderr names ${file}:${line}:\n${r.describe()}`);
      assert.match(r.stderr, /expected 8 fields, found 3/, r.describe());
      assert.ok(!r.stderr.includes(`:${bad.features.badLines[1]}:`), 'reports the first bad row only');
      assertNothingCommitted(out, 'failed run');
    });

  it('FAILFAST: a salary that is not an int64 names file, line and value, commits nothing', () => {
    const data = mixedData('ff-salaries', 'train_salaries.csv');
    const out = path.join(tmp.dir, 'out-ff-salaries');
    const r = etlRun(SEED_SPEC, { data, output: out });
    assert.notEqual(r.status, 0, r.describe());
    const file = path.join(data, 'train_salaries.csv');
    const line = bad.salaries.badLines[0];
    assert.ok(r.stderr.includes(`${file}:${line}:`), `stderr names ${file}:${line}:\n${r.describe()}`);
    assert.match(r.stderr, /'abc' is not an int64/, r.describe());
    assertNothingCommitted(out, 'failed run');
  });

  it('FAILFAST: an existing output folder is left as it was', () => {
    const out = path.join(tmp.dir, 'out-ff-existing');
    const good = etlRun(SEED_SPEC, { data: bad.cleanDir, output: out });
    assert.equal(good.status, 0, good.describe());
    const before = listFilesRecursive(out);
    const r = etlRun(SEED_SPEC, { data: mixedData('ff-existing', 'train_salaries.csv'), output: out });
    assert.notEqual(r.status, 0, r.describe());
    assert.deepEqual(listFilesRecursive(out), before, 'the failed run changed the committed output');
    assertOutputMatches(out, reference.answer);
  });

  function specWithMode(mode, extra = {}) {
    let text = seedSpecText();
    for (const input of ['train_features.csv', 'train_salaries.csv']) {
      text = addKeyNextTo(text, input, 'mode', mode);
      if (extra[input]) text = addKeyNextTo(text, input, 'rejects', JSON.stringify(extra[input]));
    }
    return writeSpec(tmp.dir, `spec-${mode}.yml`, text);
  }

  it('DROPMALFORMED: succeeds without the bad rows and counts them', () => {
    const spec = specWithMode('dropmalformed');
    const out = path.join(tmp.dir, 'out-drop');
    const r = etlRun(spec, { data: bad.badDir, output: out });
    assert.equal(r.status, 0, r.describe());
    assertOutputMatches(out, reference.answer);
    const summary = parseSummary(r.stdout);
    assert.equal(summary.rejected('train_features.csv'), 2, r.describe());
    assert.equal(summary.rejected('train_salaries.csv'), 2, r.describe());
    // Rows read may count the dropped rows or not; either way they add up to the file's rows.
    assert.ok([150_000, 150_000 - 2].includes(summary.rowsRead('train_features.csv')), r.describe());
    assert.equal(summary.joined(), reference.joinedRows, r.describe());
  });

  it('PERMISSIVE: succeeds, counts the bad rows and writes them with their lines to rejects', () => {
    const rejects = {
      'train_features.csv': path.join(tmp.dir, 'rejects', 'features'),
      'train_salaries.csv': path.join(tmp.dir, 'rejects', 'salaries'),
    };
    const spec = specWithMode('permissive', rejects);
    const out = path.join(tmp.dir, 'out-permissive');
    const r = etlRun(spec, { data: bad.badDir, output: out });
    assert.equal(r.status, 0, r.describe());
    assertOutputMatches(out, reference.answer);
    const summary = parseSummary(r.stdout);
    assert.equal(summary.rejected('train_features.csv'), 2, r.describe());
    assert.equal(summary.rejected('train_salaries.csv'), 2, r.describe());
    for (const [input, where] of Object.entries(rejects)) {
      const files = listFilesRecursive(where).filter((f) => !f.endsWith('_SUCCESS'));
      assert.ok(files.length > 0, `no rejects file under ${where}`);
      const text = files.map((f) => fs.readFileSync(path.join(where, f), 'utf8')).join('\n');
      const lines = input === 'train_features.csv' ? bad.features.badLines : bad.salaries.badLines;
      for (const line of lines) {
        assert.match(text, new RegExp(`(^|\\D)${line}(\\D|$)`), `rejects for ${input} name line ${line}`);
      }
      if (input === 'train_salaries.csv') assert.match(text, /abc/, 'the rejected record is kept');
    }
  });
});
