#!/usr/bin/env bash
# `make bench`: the salary job with sluice, DuckDB and Polars at 1M and 10M rows; medians and
# ratios printed and written to bench/RESULTS.md. Data is generated once into bench/out/.
# Knobs (environment): SLUICE_BIN, BENCH_SIZES="1000000 10000000", BENCH_RUNS (all sizes) or
# BENCH_RUNS_<rows> (default 5 below 5M rows, 3 above), BENCH_TOOLS="sluice duckdb polars",
# BENCH_SEED, BENCH_DATA_ROOT, BENCH_RESULTS, BENCH_DUCKDB_ARGS / BENCH_POLARS_ARGS (variants).
# Then the scheduler benchmark (bench/scheduler_bench.sh, its own BENCH_SCHED_* knobs), which
# writes the "## Scheduler" section; BENCH_SCHEDULER=0 skips it, BENCH_ETL=0 skips the salary job.
# Then the S3 benchmark (bench/s3_bench.sh, its own BENCH_S3_* knobs): the job with its input on a
# local S3 endpoint beside curl and the local job, the "## S3" section; BENCH_S3=0 skips it.
# Then the key layouts (bench/key_variants.sh): the 10M job with shuffled and non-numeric jobIds
# beside DuckDB, the "## Key layouts" section; BENCH_KEYS=0 skips it.
# Then the REST API under load (bench/api_bench.sh), the "## Server" section; BENCH_API=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."

export SLUICE_BIN="${SLUICE_BIN:-$PWD/build/bin/sluice}"
export NODE_PATH="$PWD/tools/npm/node_modules${NODE_PATH:+:$NODE_PATH}"

if [ ! -x "$SLUICE_BIN" ]; then
  echo "bench: $SLUICE_BIN not found; run 'make build' first (or set SLUICE_BIN)" >&2
  exit 1
fi
results="${BENCH_RESULTS:-bench/RESULTS.md}"
if [ "${BENCH_ETL:-1}" != 0 ]; then
  if [ ! -x /usr/bin/time ]; then
    echo "bench: GNU time (/usr/bin/time) is missing; scripts/bootstrap.sh installs package 'time'" >&2
    exit 1
  fi
  # Each tool must at least load before an hour of benchmarking starts.
  node -e "require('@duckdb/node-api')" || { echo "bench: @duckdb/node-api does not load" >&2; exit 1; }
  if ! node -e "require('nodejs-polars')" 2>/dev/null; then
    echo "bench: nodejs-polars does not load (its native package for this platform is missing);" \
         "Polars is left out" >&2
    export BENCH_TOOLS="${BENCH_TOOLS:-sluice duckdb}"
  fi
  # bench.mjs rewrites the whole file: keep the sections of the benchmarks not rerun.
  kept=""
  for section in "Scheduler:${BENCH_SCHEDULER:-1}" "S3:${BENCH_S3:-1}" "Key layouts:${BENCH_KEYS:-1}" \
      "Server:${BENCH_API:-1}"; do
    [ "${section##*:}" = 0 ] || continue
    kept+="$(awk -v s="## ${section%:*}" '/^## /{on = ($0 == s)} on' "$results" 2>/dev/null || true)"
    kept+=$'\n\n'
  done
  node bench/bench.mjs
  if [ -n "${kept//[$'\n']/}" ]; then printf '\n%s' "$kept" >>"$results"; fi
fi

if [ "${BENCH_SCHEDULER:-1}" != 0 ]; then
  bash bench/scheduler_bench.sh
fi

if [ "${BENCH_S3:-1}" != 0 ]; then
  bash bench/s3_bench.sh
fi

if [ "${BENCH_KEYS:-1}" != 0 ]; then
  BENCH_RESULTS="$results" bash bench/key_variants.sh
fi

if [ "${BENCH_API:-1}" != 0 ]; then
  BENCH_RESULTS="$results" bash bench/api_bench.sh
fi
