#!/usr/bin/env bash
# The salary job on the same 10M rows with the jobId keys laid out differently, sluice beside
# DuckDB in each run: the generated files have keys "JOB" + consecutive numbers in the same order
# on both sides, which lets sluice's join index them directly (src/engine/join_hash_table.h).
#   shuffled: train_salaries.csv's rows in a fixed random order (dense keys, random access);
#   letters:  every key's digits turned into letters, "JOBbdhjc..." (the hash table's path).
# Knobs: SLUICE_BIN, BENCH_ROWS (10000000), BENCH_RUNS (5), BENCH_KEY_VARIANTS.
# Results: bench/out/results-keys-<variant>.md; a summary line per variant on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${BENCH_ROWS:-10000000}"
label="$((rows / 1000000))M"
base="bench/out/data/salary-$label"
if [ ! -f "$base/.complete" ]; then
  BENCH_SIZES="$rows" BENCH_RUNS=1 BENCH_TOOLS=sluice BENCH_SCHEDULER=0 \
    BENCH_RESULTS=/dev/null bash bench/run.sh >/dev/null
fi

derive() {  # variant dir
  local variant="$1" dir="$2"
  mkdir -p "$dir"
  cp "$base/test_features.csv" "$dir/"
  case "$variant" in
    shuffled)
      cp "$base/train_features.csv" "$dir/"
      { head -1 "$base/train_salaries.csv"
        tail -n +2 "$base/train_salaries.csv" | shuf --random-source=<(yes); } \
        >"$dir/train_salaries.csv" ;;
    letters)
      for f in train_features train_salaries; do
        perl -pe 's/^JOB(\d+)/"JOB".($1 =~ tr|0-9|a-j|r)/e' "$base/$f.csv" >"$dir/$f.csv"
      done ;;
    *) echo "unknown variant $variant" >&2; exit 2 ;;
  esac
  cp "$base/.complete" "$dir/.complete"  # the derived files stand in for generated ones
}

for variant in ${BENCH_KEY_VARIANTS:-shuffled letters}; do
  root="bench/out/data-keys-$variant"
  dir="$root/salary-$label"
  if [ ! -f "$dir/.complete" ] || [ "$base/.complete" -nt "$dir/.complete" ]; then
    echo "deriving the $variant variant into $dir ..."
    derive "$variant" "$dir"
  fi
  out="bench/out/results-keys-$variant.md"
  BENCH_DATA_ROOT="$root" BENCH_SIZES="$rows" BENCH_RUNS="${BENCH_RUNS:-5}" \
    BENCH_TOOLS="sluice duckdb" BENCH_SCHEDULER=0 BENCH_S3=0 BENCH_RESULTS="$out" \
    bash bench/run.sh >/dev/null
  echo "$variant: $(grep -E '^\| (sluice|duckdb) ' "$out" | tr -s ' ' | tr '\n' ' ')" \
    "$(grep -E 'sluice/duckdb|outputs' "$out" | tr '\n' ' ')"
done
