// Errors in how a job is called or written: every one exits non-zero with a message naming
// the file (and line:column inside a spec), and commits nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SEED_SPEC, assertNothingCommitted, datagen, etlRun, makeTempDir, positionOf, seedSpecText,
  sluice, writeSpec,
} from './lib.mjs';

describe('job spec and invocation errors', () => {
  let tmp;
  let data;
  before(() => {
    tmp = makeTempDir('spec');
    data = path.join(tmp.dir, 'data');
    datagen(data, 1000, 1);
  });
  after(() => tmp?.cleanup());

  const lineCount = (text) => text.replace(/\n$/, '').split('\n').length;

  function expectFailure(r, out, ...needles) {
    assert.notEqual(r.status, 0, r.describe());
    assert.ok(r.status !== null, `killed by ${r.signal}`);
    for (const n of needles) {
      if (n instanceof RegExp) assert.match(r.stderr, n, r.describe());
      else assert.ok(r.stderr.includes(n), `stderr should include ${JSON.stringify(n)}\n${r.describe()}`);
    }
    assertNothingCommitted(out, 'failed run');
  }

  it('an unknown top-level key is an error at its line and column', () => {
    const text = `${seedSpecText().replace(/\n*$/, '\n')}colums_typo: [a, b]\n`;
    const spec = writeSpec(tmp.dir, 'unknown_key.yml', text);
    const out = path.join(tmp.dir, 'out-unknown-key');
    const r = etlRun(spec, { data, output: out });
    expectFailure(r, out, `${spec}:${lineCount(text)}:1:`, 'colums_typo');
  });

  it('an unknown key inside an input is an error at its line and column', () => {
    const lines = seedSpecText().split('\n');
    const i = lines.findIndex((l) => l.includes('train_salaries.csv'));
    const m = lines[i].match(/^(\s*)(- )?/);
    const indent = m[1].length + (m[2] ? 2 : 0);
    lines.splice(i + 1, 0, `${' '.repeat(indent)}delimeter: ";"`);
    const spec = writeSpec(tmp.dir, 'unknown_nested_key.yml', lines.join('\n'));
    const out = path.join(tmp.dir, 'out-unknown-nested');
    const r = etlRun(spec, { data, output: out });
    expectFailure(r, out, `${spec}:${i + 2}:${indent + 1}:`, 'delimeter');
  });

  it('a variable with no --var is an error naming it, at its line and column', () => {
    const text = seedSpecText();
    const at = text.search(/\{\{\s*output\s*\}\}/);
    assert.ok(at >= 0, 'the seed spec uses {{ output }}');
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    const out = path.join(tmp.dir, 'out-missing-var');
    const r = etlRun(SEED_SPEC, { data });
    expectFailure(r, out, `${SEED_SPEC}:${line}:${column}:`, 'output');
  });

  // Replaces the first `from` in the seed spec by `to` and expects an error naming `token`,
  // at its position inside `to`.
  function expectErrorAt(name, from, to, token) {
    const text = seedSpecText().replace(from, to);
    const { line, column } = positionOf(text, token, positionOf(text, to).offset);
    const spec = writeSpec(tmp.dir, name, text);
    const out = path.join(tmp.dir, `out-${name}`);
    const r = etlRun(spec, { data, output: out });
    expectFailure(r, out, `${spec}:${line}:${column}:`, token);
  }

  it('an unknown column type is an error at the type', () => {
    expectErrorAt('bad_type.yml', 'salary: int64', 'salary: int65', 'int65');
  });

  it('an unknown column inside an expression is an error at the column name', () => {
    expectErrorAt('bad_column.yml', 'avg(salary)', 'avg(salry)', 'salry');
  });

  it('an unknown --var is an error naming it', () => {
    const out = path.join(tmp.dir, 'out-unknown-var');
    const r = etlRun(SEED_SPEC, { data, output: out, outptu: 'x' });
    expectFailure(r, out, 'outptu', SEED_SPEC);
  });

  it('a --var without "=" is an error', () => {
    const out = path.join(tmp.dir, 'out-bad-var');
    const r = sluice(['etl', 'run', SEED_SPEC, '--var', `data=${data}`, '--var', 'output']);
    expectFailure(r, out, 'output');
  });

  it('a YAML syntax error names the file, line and column', () => {
    const text = `${seedSpecText().replace(/\n*$/, '\n')}broken: [1, 2\n`;
    const spec = writeSpec(tmp.dir, 'broken.yml', text);
    const out = path.join(tmp.dir, 'out-yaml');
    const r = etlRun(spec, { data, output: out });
    expectFailure(r, out, new RegExp(`${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+:`));
  });

  it('a missing spec file is an error naming it', () => {
    const spec = path.join(tmp.dir, 'no_such_spec.yml');
    const out = path.join(tmp.dir, 'out-no-spec');
    const r = etlRun(spec, { data, output: out });
    expectFailure(r, out, spec);
  });

  it('a missing input file is an error naming it, and commits nothing', () => {
    const partial = path.join(tmp.dir, 'partial');
    fs.mkdirSync(partial);
    fs.copyFileSync(path.join(data, 'train_features.csv'), path.join(partial, 'train_features.csv'));
    const out = path.join(tmp.dir, 'out-missing-input');
    const r = etlRun(SEED_SPEC, { data: partial, output: out });
    expectFailure(r, out, path.join(partial, 'train_salaries.csv'));
  });

  it('a header that lacks a column the job needs is an error naming the file', () => {
    const broken = path.join(tmp.dir, 'renamed');
    fs.mkdirSync(broken);
    fs.copyFileSync(path.join(data, 'train_features.csv'), path.join(broken, 'train_features.csv'));
    const salaries = fs.readFileSync(path.join(data, 'train_salaries.csv'), 'utf8');
    fs.writeFileSync(path.join(broken, 'train_salaries.csv'), salaries.replace('jobId,salary', 'jobId,pay'));
    const out = path.join(tmp.dir, 'out-renamed');
    const r = etlRun(SEED_SPEC, { data: broken, output: out });
    expectFailure(r, out, path.join(broken, 'train_salaries.csv'));
  });
});
