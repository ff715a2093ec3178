#!/usr/bin/env bash
# `make bench`: the salary job with sluice, DuckDB and Polars at 1M and 10M rows; medians and
# ratios printed and written to bench/RESULTS.md. Data is generated once into bench/out/.
# Knobs (environment): SLUICE_BIN, BENCH_SIZES="1000000 10000000", BENCH_RUNS (all sizes) or
# BENCH_RUNS_<rows> (default 5 below 5M rows, 3 above), BENCH_TOOLS="sluice duckdb polars",
# BENCH_SEED, BENCH_DATA_ROOT, BENCH_RESULTS, BENCH_DUCKDB_ARGS / BENCH_POLARS_ARGS (variants).
set -euo pipefail
cd "$(dirname "$0")/.."

export SLUICE_BIN="${SLUICE_BIN:-$PWD/build/bin/sluice}"
export NODE_PATH="$PWD/tools/npm/node_modules${NODE_PATH:+:$NODE_PATH}"

if [ ! -x "$SLUICE_BIN" ]; then
  echo "bench: $SLUICE_BIN not found; run 'make build' first (or set SLUICE_BIN)" >&2
  exit 1
fi
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

exec node bench/bench.mjs
