// The salary job (design.md §2) in Polars (nodejs-polars), written the way that is fastest for
// Polars while producing the same five output folders as `sluice etl run .../avg_salary.yml`.
// Usage: node polars_job.mjs DATA_DIR OUTPUT_DIR [--variant NAME] [--no-streaming] [--no-categorical]
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const pl = require('nodejs-polars');

const FEATURES = ['companyId', 'jobType', 'degree', 'major', 'industry'];

const args = process.argv.slice(2);
const variantAt = args.indexOf('--variant');
const variant = variantAt >= 0 ? args.splice(variantAt, 2)[1] : 'eager_join';
// Polars' streaming engine and Categorical (dictionary-encoded string) features were the
// fastest here, so they are the default; --no-streaming / --no-categorical turn them off.
const flag = (name) => (args.includes(name) ? (args.splice(args.indexOf(name), 1), true) : false);
const streaming = !flag('--no-streaming');
const categorical = !flag('--no-categorical');
const collectOptions = streaming ? { streaming: true } : {};
const [dataDir, outDir] = args;
if (!dataDir || !outDir) {
  console.error('usage: node polars_job.mjs DATA_DIR OUTPUT_DIR [--variant eager_join|concat|lazy_each] [--no-streaming] [--no-categorical]');
  process.exit(2);
}

const featureSchema = {};
for (const c of ['jobId', ...FEATURES, 'yearsExperience', 'milesFromMetropolis']) {
  featureSchema[c] = categorical && FEATURES.includes(c) ? pl.Categorical : pl.Utf8;
}
const scanFeatures = () => pl.scanCSV(path.join(dataDir, 'train_features.csv'),
  { hasHeader: true, schema: featureSchema }).select('jobId', ...FEATURES);
const scanSalaries = () => pl.scanCSV(path.join(dataDir, 'train_salaries.csv'),
  { hasHeader: true, schema: { jobId: pl.Utf8, salary: pl.Int64 } });
const joinedLazy = () => scanFeatures().join(scanSalaries(), { on: 'jobId', how: 'inner' })
  .select(...FEATURES, 'salary');

const average = (frame, f) => frame.groupBy(f)
  .agg(pl.col('salary').mean().round(4).alias('average_salary'))
  // Ties sort by the key's text, not by a Categorical's physical codes.
  .withColumns(pl.col(f).cast(pl.Utf8))
  .sort(['average_salary', f], [true, false]);

function publish(feature, df) {
  const folder = path.join(outDir, feature);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  df.writeCSV(path.join(folder, `part-00000-${randomUUID()}.csv`), { includeHeader: true });
  fs.writeFileSync(path.join(folder, '_SUCCESS'), '');
}

if (variant === 'eager_join') {
  // The join once (projection pushed into both scans), then five aggregates over it.
  const joined = await joinedLazy().collect(collectOptions);
  for (const f of FEATURES) publish(f, average(joined, f));
} else if (variant === 'concat') {
  // One lazy plan: the cached join feeds five aggregates, collected together.
  const joined = joinedLazy().cache();
  const parts = FEATURES.map((f) => average(joined, f)
    .select(pl.lit(f).alias('feature'), pl.col(f).alias('key'), pl.col('average_salary')));
  const all = await pl.concat(parts, { how: 'vertical' }).collect(collectOptions);
  for (const f of FEATURES) {
    publish(f, all.filter(pl.col('feature').eq(pl.lit(f)))
      .select(pl.col('key').alias(f), pl.col('average_salary')));
  }
} else if (variant === 'lazy_each') {
  for (const f of FEATURES) publish(f, await average(joinedLazy(), f).collect(collectOptions));
} else {
  console.error(`unknown variant ${variant}`);
  process.exit(2);
}
