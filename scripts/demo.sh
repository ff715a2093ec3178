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
bucket_uri="file://$bucket"

# SLUICE_DEMO_STORAGE=s3: every artifact (data, job spec, DAG, output, step logs) in an S3
# bucket instead: SLUICE_DEMO_S3_ENDPOINT if given, else a local moto server started here.
if [ "${SLUICE_DEMO_STORAGE:-file}" = "s3" ]; then
  endpoint="${SLUICE_DEMO_S3_ENDPOINT:-}"
  if [ -z "$endpoint" ]; then
    moto=$(command -v moto_server || echo tools/py/bin/moto_server)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$moto" -H 127.0.0.1 -p "$port" > "$SLUICE_HOME/demo-moto.log" 2>&1 &
    moto_pid=$!
    trap 'kill $moto_pid 2>/dev/null' EXIT
    endpoint="http://127.0.0.1:$port"
    for _ in $(seq 50); do curl -s "$endpoint" > /dev/null && break; sleep 0.1; done
    echo "demo: started moto (S3) at $endpoint, log $SLUICE_HOME/demo-moto.log"
  fi
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}"
  export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
  export SLUICE_CONN_AWS_DEFAULT="{\"endpoint_url\": \"$endpoint\"}"
  aws=$(command -v aws || echo tools/py/bin/aws)
  "$aws" --endpoint-url "$endpoint" s3 mb s3://salary > /dev/null 2>&1 || true
  bucket_uri="s3://salary"
  echo "demo: uploading data and the job spec to $bucket_uri"
  "$SLUICE_BIN" storage cp -r "$bucket/data/" "$bucket_uri/data/" > /dev/null
  "$SLUICE_BIN" storage cp -r "$bucket/etl/" "$bucket_uri/etl/" > /dev/null
  export SLUICE_DAGS_FOLDER="$bucket_uri/dags"  # the scheduler reads DAGs from S3, as MWAA does
fi

sed "s|file:///var/lib/sluice/warehouse/salary|$bucket_uri|" \
  examples/salary/dags/salary_pipeline.yml > "$bucket/dags/salary_pipeline.yml"
if [ "$bucket_uri" = "s3://salary" ]; then
  "$SLUICE_BIN" storage cp "$bucket/dags/salary_pipeline.yml" "$bucket_uri/dags/" > /dev/null
else
  mkdir -p "$SLUICE_HOME/dags"
  cp "$bucket/dags/salary_pipeline.yml" "$SLUICE_HOME/dags/salary_pipeline.yml"
fi

ds="$(date -u +%F)"
output="$bucket_uri/output/average_salary/ds=$ds"
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
"$SLUICE_BIN" storage ls "$output/" | sed -n 's|.*PRE  \(.*\)|  '"$output"'/\1|p'
echo "Cluster $cluster (now terminated): sluice clusters describe $cluster"
echo "Step logs (stdout, stderr): $bucket_uri/logs/$cluster/steps/"
echo "Task logs: $SLUICE_HOME/logs/dag_id=salary_pipeline/run_id=$run_id/"
echo
echo "The job's summary (the step's stdout):"
for out in $("$SLUICE_BIN" storage ls -r "$bucket_uri/logs/$cluster/steps/" | awk '/stdout$/ {print $NF}'); do
  "$SLUICE_BIN" storage cat "$bucket_uri/logs/$cluster/steps/$out" | sed 's/^/  /'
done
echo

part=$("$SLUICE_BIN" storage ls "$output/industry/" | awk '/part-.*\.csv$/ {print $NF; exit}')
if [ -z "$part" ]; then
  echo "demo: no part file under $output/industry" >&2
  exit 1
fi
echo "Average salary by industry ($output/industry/$part):"
echo
# Aligned columns: the key left-aligned, the number right-aligned under its header.
"$SLUICE_BIN" storage cat "$output/industry/$part" | awk -F, '
  { key[NR] = $1; val[NR] = $2; if (length($1) > kw) kw = length($1); if (length($2) > vw) vw = length($2) }
  END {
    for (i = 1; i <= NR; i++) {
      printf "  %-*s  %*s\n", kw, key[i], vw, val[i]
      if (i == 1) { rule = ""; for (j = 0; j < kw + vw + 2; j++) rule = rule "-"; printf "  %s\n", rule }
    }
  }'
