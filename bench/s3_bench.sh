#!/usr/bin/env bash
# S3 benchmark (issue 6): the salary job at 10M rows with its input on a local S3 endpoint
# (s3rver, started here on 127.0.0.1), beside `curl` GETting the same objects and the job on
# local files, interleaved, then the same through a proxy modelling a remote S3 (30 ms per
# request, 100 MB/s per connection); medians written as the "## S3" section of bench/RESULTS.md.
# Knobs (environment): SLUICE_BIN, BENCH_S3_ROWS (10000000), BENCH_S3_RUNS (5), BENCH_SEED,
# BENCH_DATA_ROOT, BENCH_S3_SERVER (s3rver|moto), BENCH_S3_OUTPUT (local|s3), BENCH_S3_REMOTE
# (30,100; 0 skips), BENCH_S3_TMP, BENCH_RESULTS. Details in bench/s3_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."

export SLUICE_BIN="${SLUICE_BIN:-$PWD/build/bin/sluice}"
if [ ! -x "$SLUICE_BIN" ]; then
  echo "s3 bench: $SLUICE_BIN not found; run 'make build' first (or set SLUICE_BIN)" >&2
  exit 1
fi
for tool in python3 curl node; do
  if ! command -v "$tool" >/dev/null; then
    echo "s3 bench: $tool is missing (scripts/bootstrap.sh installs it)" >&2
    exit 1
  fi
done
exec python3 bench/s3_bench.py
