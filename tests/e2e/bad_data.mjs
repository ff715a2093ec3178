// Builds copies of generated salary files with malformed rows at known physical lines, plus
// the same files with those rows removed (what DROPMALFORMED and PERMISSIVE must compute).
import fs from 'node:fs';
import path from 'node:path';
import { readLines } from './lib.mjs';

// Replaces data rows (1-based line numbers of the source file, header = 1) with `bad(fields)`.
// A record spanning two physical lines (a quoted line break) is put at `multilineAt` so the
// reported line numbers must count physical lines, not records.
// Returns {file, cleanFile, badLines: [physical line of each bad row, in order]}.
function corrupt(srcFile, outDir, name, replacements, multilineAt) {
  const lines = readLines(srcFile);
  const cleanLines = [];
  const bad = new Map(replacements.map(([line, fn]) => [line, fn]));
  const outLines = lines.map((l, i) => {
    const line = i + 1;
    let text = l;
    if (line === multilineAt) {
      const f = l.split(',');
      f[f.length - 1] = `"${f[f.length - 1]}\n${f[f.length - 1]}"`;
      text = f.join(',');
    }
    if (!bad.has(line)) cleanLines.push(text);
    return bad.has(line) ? bad.get(line)(l.split(',')) : text;
  });
  const text = `${outLines.join('\n')}\n`;
  const badLines = [];
  for (const [line] of [...bad.entries()].sort((a, b) => a[0] - b[0])) {
    // Physical line = 1 + line breaks before the record (the quoted one counts too).
    const record = outLines[line - 1];
    const offset = text.indexOf(`\n${record}\n`) + 1;
    badLines.push(text.slice(0, offset).split('\n').length);
  }
  const file = path.join(outDir, 'bad', name);
  const cleanFile = path.join(outDir, 'clean', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.mkdirSync(path.dirname(cleanFile), { recursive: true });
  fs.writeFileSync(file, text);
  fs.writeFileSync(cleanFile, `${cleanLines.join('\n')}\n`);
  return { file, cleanFile, badLines };
}

// Malformed rows: in the features file one too short (3 fields) early in the file, one too
// long (9 fields) in a later parallel block; in the salaries file one 'abc' and one '12.5'
// salary. Line numbers are chosen so the rows fall in different 4 MiB blocks.
export function writeBadData(srcDir, outDir) {
  const features = corrupt(path.join(srcDir, 'train_features.csv'), outDir, 'train_features.csv', [
    [71_234, (f) => f.slice(0, 3).join(',')],
    [145_000, (f) => [...f, 'extra'].join(',')],
  ], 17);
  const salaries = corrupt(path.join(srcDir, 'train_salaries.csv'), outDir, 'train_salaries.csv', [
    [98_765, (f) => `${f[0]},abc`],
    [140_001, (f) => `${f[0]},12.5`],
  ], null);
  return {
    badDir: path.join(outDir, 'bad'),
    cleanDir: path.join(outDir, 'clean'),
    features,
    salaries,
  };
}
