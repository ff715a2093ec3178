// Save modes of an output folder (design.md §5) across two runs of the seed job: overwrite
// keeps exactly one part file, error_if_exists fails without touching the first output,
// ignore leaves it, append adds a second part file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  FEATURES, SEED_SPEC, assertOutputMatches, datagen, etlRun, listFilesRecursive, makeTempDir,
  openDuckDb, partFiles, referenceAnswer, seedSpecText, writeSpec,
} from './lib.mjs';

describe('save modes', () => {
  let tmp;
  let dataA;
  let dataB;
  let answerA;
  let answerB;
  before(async () => {
    tmp = makeTempDir('modes');
    dataA = path.join(tmp.dir, 'a');
    dataB = path.join(tmp.dir, 'b');
    datagen(dataA, 20_000, 21);
    datagen(dataB, 20_000, 22);
    const db = await openDuckDb();
    const ref = (d) => referenceAnswer(db, {
      featuresFile: path.join(d, 'train_features.csv'),
      salariesFile: path.join(d, 'train_salaries.csv'),
    });
    answerA = (await ref(dataA)).answer;
    answerB = (await ref(dataB)).answer;
    db.close();
    assert.notDeepEqual(answerA, answerB, 'the two data sets give different answers');
  });
  after(() => tmp?.cleanup());

  function specWithMode(mode) {
    const text = seedSpecText();
    assert.match(text, /^\s*mode: overwrite\b/m, 'the seed spec states its output save mode');
    return writeSpec(tmp.dir, `spec-${mode}.yml`, text.replace(/^(\s*)mode: overwrite\b/m, `$1mode: ${mode}`));
  }

  const snapshot = (dir) => listFilesRecursive(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);

  it('overwrite (the seed spec): the second run replaces the first, one part file per folder', () => {
    const out = path.join(tmp.dir, 'out-overwrite');
    assert.equal(etlRun(SEED_SPEC, { data: dataA, output: out }).status, 0);
    const first = Object.fromEntries(FEATURES.map((f) => [f, partFiles(path.join(out, f))]));
    const r = etlRun(SEED_SPEC, { data: dataB, output: out });
    assert.equal(r.status, 0, r.describe());
    assertOutputMatches(out, answerB);
    for (const f of FEATURES) {
      assert.notDeepEqual(partFiles(path.join(out, f)), first[f], `${f}: a new part file replaced the old`);
    }
  });

  it('error_if_exists: the second run fails and leaves the first output untouched', () => {
    const spec = specWithMode('error_if_exists');
    const out = path.join(tmp.dir, 'out-error');
    const r1 = etlRun(spec, { data: dataA, output: out });
    assert.equal(r1.status, 0, r1.describe());
    const before = snapshot(out);
    const r2 = etlRun(spec, { data: dataB, output: out });
    assert.notEqual(r2.status, 0, r2.describe());
    assert.match(r2.stderr, /exist/i, r2.describe());
    assert.ok(r2.stderr.includes(out), `the message names the folder\n${r2.describe()}`);
    assert.deepEqual(snapshot(out), before, 'the first output changed');
    assertOutputMatches(out, answerA);
  });

  it('ignore: the second run succeeds and leaves the first output as it was', () => {
    const spec = specWithMode('ignore');
    const out = path.join(tmp.dir, 'out-ignore');
    assert.equal(etlRun(spec, { data: dataA, output: out }).status, 0);
    const before = snapshot(out);
    const r = etlRun(spec, { data: dataB, output: out }, ['--output', 'json']);
    assert.equal(r.status, 0, r.describe());
    assert.deepEqual(snapshot(out), before, 'the first output changed');
    assertOutputMatches(out, answerA);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.outputs.map((o) => o.written), FEATURES.map(() => false),
      'the summary says nothing was written');
  });

  it('append: the second run adds a second part file next to the first', () => {
    const spec = specWithMode('append');
    const out = path.join(tmp.dir, 'out-append');
    assert.equal(etlRun(spec, { data: dataA, output: out }).status, 0);
    const first = Object.fromEntries(FEATURES.map((f) => [f, partFiles(path.join(out, f))]));
    const r = etlRun(spec, { data: dataB, output: out });
    assert.equal(r.status, 0, r.describe());
    for (const f of FEATURES) {
      const parts = partFiles(path.join(out, f));
      assert.equal(parts.length, 2, `${f}: two part files after two appends`);
      assert.ok(first[f].every((p) => parts.includes(p)), `${f}: the first part file is kept`);
      const texts = parts.map((p) => fs.readFileSync(path.join(out, f, p), 'utf8'));
      const firstText = fs.readFileSync(path.join(out, f, first[f][0]), 'utf8');
      assert.ok(texts.includes(firstText), `${f}: the first part file is unchanged`);
    }
  });

  it('a failed run in append mode adds nothing', () => {
    const spec = specWithMode('append');
    const out = path.join(tmp.dir, 'out-append-fail');
    assert.equal(etlRun(spec, { data: dataA, output: out }).status, 0);
    const before = snapshot(out);
    const broken = path.join(tmp.dir, 'broken');
    fs.mkdirSync(broken);
    fs.copyFileSync(path.join(dataA, 'train_features.csv'), path.join(broken, 'train_features.csv'));
    fs.writeFileSync(path.join(broken, 'train_salaries.csv'), 'jobId,salary\nJOB1,12\nJOB2,x\n');
    const r = etlRun(spec, { data: broken, output: out });
    assert.notEqual(r.status, 0, r.describe());
    assert.deepEqual(snapshot(out), before, 'the failed run changed the output');
  });
});
