// Reads counts out of the run summary `sluice etl run` prints on stdout. The summary is for
// people, so this relies only on: one line per input, join and output, which names what it is
// about (an input's file, a join's kind), and a count next to the word that says what it counts
// ("100,000 rows", "rejected 2", "left 5 of 100", "right 50 of 90").
import assert from 'node:assert/strict';

const toInt = (s) => Number(s.replace(/[,_]/g, ''));

function lineAbout(stdout, about) {
  const line = stdout.split('\n').find((l) => l.toLowerCase().includes(about.toLowerCase()));
  assert.ok(line !== undefined, `no summary line mentions '${about}' in:\n${stdout}`);
  return line;
}

// The integer right before `word` ("100,000 rows") on the line about `about`.
export function countBefore(stdout, about, word) {
  const line = lineAbout(stdout, about);
  const m = line.match(new RegExp(`(\\d[\\d,_]*)\\s*${word}`, 'i'));
  assert.ok(m, `no '<n> ${word}' on summary line ${JSON.stringify(line)}`);
  return toInt(m[1]);
}

// The integer right after `word` ("rejected 2", "left 5") on the line about `about`.
export function countAfter(stdout, about, word) {
  const line = lineAbout(stdout, about);
  const m = line.match(new RegExp(`${word}\\W*(\\d[\\d,_]*)`, 'i'));
  assert.ok(m, `no '${word} <n>' on summary line ${JSON.stringify(line)}`);
  return toInt(m[1]);
}

// What the tests check in a summary: rows read and rejected per input file, rows joined and
// unmatched keys on each side of the (one) join.
export function parseSummary(stdout) {
  return {
    rowsRead: (file) => countBefore(stdout, file, 'rows'),
    rejected: (file) => countAfter(stdout, file, 'rejected'),
    joined: () => countBefore(stdout, 'unmatched', 'rows'),
    unmatchedLeft: () => countAfter(stdout, 'unmatched', 'left'),
    unmatchedRight: () => countAfter(stdout, 'unmatched', 'right'),
    rowsWritten: (folder) => countBefore(stdout, folder, 'rows'),
  };
}
