// The salary job (design.md §2) in DuckDB, written the way that is fastest for DuckDB while
// producing the same five output folders as `sluice etl run examples/salary/etl/avg_salary.yml`.
// Usage: node duckdb_job.mjs DATA_DIR OUTPUT_DIR [--variant NAME]
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { DuckDBInstance } = require('@duckdb/node-api');

const FEATURES = ['companyId', 'jobType', 'degree', 'major', 'industry'];

const args = process.argv.slice(2);
const variantAt = args.indexOf('--variant');
const variant = variantAt >= 0 ? args.splice(variantAt, 2)[1] : 'grouping_sets';
const [dataDir, outDir] = args;
if (!dataDir || !outDir) {
  console.error('usage: node duckdb_job.mjs DATA_DIR OUTPUT_DIR [--variant grouping_sets|temp_join|rescan]');
  process.exit(2);
}

const q = (s) => `'${s.replaceAll("'", "''")}'`;
const features = `read_csv(${q(path.join(dataDir, 'train_features.csv'))}, header = true,
  auto_detect = false, columns = {'jobId': 'VARCHAR', 'companyId': 'VARCHAR',
  'jobType': 'VARCHAR', 'degree': 'VARCHAR', 'major': 'VARCHAR', 'industry': 'VARCHAR',
  'yearsExperience': 'VARCHAR', 'milesFromMetropolis': 'VARCHAR'})`;
const salaries = `read_csv(${q(path.join(dataDir, 'train_salaries.csv'))}, header = true,
  auto_detect = false, columns = {'jobId': 'VARCHAR', 'salary': 'BIGINT'})`;
const joined = `SELECT ${FEATURES.map((f) => `f.${f}`).join(', ')}, s.salary
  FROM ${features} f JOIN ${salaries} s ON f.jobId = s.jobId`;

// Insertion order does not matter to the job (every output is sorted): let DuckDB drop it.
const options = { preserve_insertion_order: 'false' };
if (process.env.BENCH_THREADS) options.threads = process.env.BENCH_THREADS;
const db = await DuckDBInstance.create(':memory:', options);
const con = await db.connect();

// Each feature's result goes into its own folder in Spark's layout: one part file, then _SUCCESS.
async function writeFeature(feature, sourceSql) {
  const folder = path.join(outDir, feature);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const part = path.join(folder, `part-00000-${randomUUID()}.csv`);
  await con.run(`COPY (${sourceSql}) TO ${q(part)} (HEADER, DELIMITER ',')`);
  fs.writeFileSync(path.join(folder, '_SUCCESS'), '');
}

if (variant === 'grouping_sets') {
  // One pass over the join; the five small aggregates land in one tiny temp table.
  await con.run(`CREATE TEMP TABLE agg AS
    SELECT ${FEATURES.map((f) => `${f}, GROUPING(${f}) AS g_${f}`).join(', ')},
           round(avg(salary), 4) AS average_salary
    FROM (${joined}) GROUP BY GROUPING SETS (${FEATURES.map((f) => `(${f})`).join(', ')})`);
  for (const f of FEATURES) {
    await writeFeature(f, `SELECT ${f}, average_salary FROM agg WHERE g_${f} = 0
      ORDER BY average_salary DESC, ${f} ASC`);
  }
} else if (variant === 'temp_join') {
  // The join once into a temp table, then five aggregates over it.
  await con.run(`CREATE TEMP TABLE j AS ${joined}`);
  for (const f of FEATURES) {
    await writeFeature(f, `SELECT ${f}, round(avg(salary), 4) AS average_salary FROM j
      GROUP BY ${f} ORDER BY average_salary DESC, ${f} ASC`);
  }
} else if (variant === 'rescan') {
  // No shared state: each output re-reads and re-joins (what five Spark actions would do).
  for (const f of FEATURES) {
    await writeFeature(f, `SELECT ${f}, round(avg(salary), 4) AS average_salary FROM (${joined})
      GROUP BY ${f} ORDER BY average_salary DESC, ${f} ASC`);
  }
} else {
  console.error(`unknown variant ${variant}`);
  process.exit(2);
}
con.closeSync();
db.closeSync();
