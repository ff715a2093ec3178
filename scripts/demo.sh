#!/usr/bin/env bash
# `make demo`: the seed's pipeline on one machine. Lays out the demo bucket under
# $SLUICE_HOME/warehouse/salary/ (design.md §10), generates 1,000,000 rows of salary data once,
# and runs the seed DAG (examples/salary/dags/salary_pipeline.yml) with `sluice dags test`:
# a local cluster runs the job spec as its step, writing
# output/average_salary/ds=<today, UTC>/ (a re-run replaces that day's output), and is then
# terminated. Shows where the results are and the industry table.
set -euo pipefail
cd "$(dirname "$0")/.."

SLUICE_HOME="${SLUICE_HOME:-$HOME/.sluice}"
SLUICE_BIN="${SLUICE_BIN:-$PWD/${BUILD_DIR:-build}/bin/sluice}"
ROWS="${DEMO_ROWS:-1000000}"
SEED="${DEMO_SEED:-1}"

if [ ! -x "$SLUICE_BIN" ]; then
  echo "demo: $SLUICE_BIN not found; run 'make demo' (it builds first) or set SLUICE_BIN" >&2
  exit 1
fi

bucket="$SLUICE_HOME/warehouse/salary"
mkdir -p "$bucket"/{data,etl,dags,output,logs}

# Data rows in a generated CSV file (no quoted line breaks in generated data); -1 if missing.
data_rows() {
  if [ -f "$1" ]; then echo $(( $(wc -l < "$1") - 1 )); else echo -1; fi
}

have_data=true
for f in train_features.csv train_salaries.csv test_features.csv; do
  [ "$(data_rows "$bucket/data/$f")" -eq "$ROWS" ] || have_data=false
done
if $have_data; then
  echo "demo: $bucket/data already holds $ROWS rows per file; not regenerating"
else
  echo "demo: generating $ROWS rows of salary data into $bucket/data"
  "$SLUICE_BIN" datagen salary --rows "$ROWS" --seed "$SEED" --out "$bucket/data"
fi

# The seed's bucket layout: the job spec under etl/, the DAG under dags/ (and in the dags
# folder the scheduler reads), with the DAG's bucket pointing at this warehouse.
cp examples/salary/etl/avg_salary.yml "$bucket/etl/avg_salary.yml"
dags_folder="$SLUICE_HOME/dags"
mkdir -p "$dags_folder"
sed "s|file:///var/lib/sluice/warehouse/salary|file://$bucket|" \
  examples/salary/dags/salary_pipeline.yml > "$bucket/dags/salary_pipeline.yml"
cp "$bucket/dags/salary_pipeline.yml" "$dags_folder/salary_pipeline.yml"

ds="$(date -u +%F)"
output="$bucket/output/average_salary/ds=$ds"
echo "demo: sluice dags test salary_pipeline $ds (create a cluster, run the job as its step,"
echo "      watch it, terminate the cluster)"
set +e
"$SLUICE_BIN" dags test salary_pipeline "$ds"
status=$?
set -e
run_id="manual__${ds}T00:00:00+00:00"
if [ "$status" -ne 0 ]; then
  echo "demo: the pipeline failed (exit $status). Task states and logs:" >&2
  "$SLUICE_BIN" tasks states salary_pipeline "$run_id" >&2 || true
  echo "      sluice tasks logs salary_pipeline '$run_id' <task> shows a task's log" >&2
  exit "$status"
fi
cluster=$("$SLUICE_BIN" clusters list --output json |
          sed -n 's/.*"id": "\(j-[A-Z0-9]*\)".*/\1/p' | head -n 1)
echo
echo "Results (one folder per feature, each a part-00000-<uuid>.csv and _SUCCESS):"
for folder in "$output"/*/; do
  echo "  $folder"
done
echo "Cluster $cluster (now terminated): sluice clusters describe $cluster"
echo "Step logs (stdout, stderr): $bucket/logs/$cluster/steps/"
echo "Task logs: $SLUICE_HOME/logs/dag_id=salary_pipeline/run_id=$run_id/"
echo
echo "The job's summary (the step's stdout):"
for out in "$bucket/logs/$cluster"/steps/*/stdout; do sed 's/^/  /' "$out"; done
echo

part=$(ls "$output/industry"/part-*.csv 2>/dev/null | head -n 1)
if [ -z "$part" ]; then
  echo "demo: no part file under $output/industry" >&2
  exit 1
fi
echo "Average salary by industry ($part):"
echo
# Aligned columns: the key left-aligned, the number right-aligned under its header.
awk -F, '
  { key[NR] = $1; val[NR] = $2; if (length($1) > kw) kw = length($1); if (length($2) > vw) vw = length($2) }
  END {
    for (i = 1; i <= NR; i++) {
      printf "  %-*s  %*s\n", kw, key[i], vw, val[i]
      if (i == 1) { rule = ""; for (j = 0; j < kw + vw + 2; j++) rule = rule "-"; printf "  %s\n", rule }
    }
  }' "$part"
