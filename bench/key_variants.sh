#!/usr/bin/env bash
# The salary job on the same 10M rows with the jobId keys laid out differently, sluice beside
# DuckDB in each run: the generated files have keys "JOB" + consecutive numbers in the same order
# on both sides, which lets sluice's join index them directly (src/engine/join_hash_table.h).
#   shuffled: train_salaries.csv's rows in a fixed random order (dense keys, random access);
#   letters:  every key's digits turned into letters, "JOBbdhjc..." (the hash table's path).
# Knobs: SLUICE_BIN, BENCH_ROWS (10000000), BENCH_RUNS (5), BENCH_KEY_VARIANTS.
# Each variant's own results: bench/out/results-keys-<variant>.md; the "## Key layouts" section
# of BENCH_RESULTS (bench/RESULTS.md) sums them up. `make bench` runs this last (BENCH_KEYS=0 skips).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${BENCH_ROWS:-10000000}"
label="$((rows / 1000000))M"
base="bench/out/data/salary-$label"
if [ ! -f "$base/.complete" ]; then
  BENCH_SIZES="$rows" BENCH_RUNS=1 BENCH_TOOLS=sluice BENCH_SCHEDULER=0 BENCH_S3=0 BENCH_API=0 \
    BENCH_KEYS=0 BENCH_RESULTS=/dev/null bash bench/run.sh >/dev/null
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

rows_md=""
for variant in ${BENCH_KEY_VARIANTS:-shuffled letters}; do
  root="bench/out/data-keys-$variant"
  dir="$root/salary-$label"
  if [ ! -f "$dir/.complete" ] || [ "$base/.complete" -nt "$dir/.complete" ]; then
    echo "deriving the $variant variant into $dir ..."
    derive "$variant" "$dir"
  fi
  out="bench/out/results-keys-$variant.md"
  rm -f "$out"
  BENCH_DATA_ROOT="$root" BENCH_SIZES="$rows" BENCH_RUNS="${BENCH_RUNS:-5}" \
    BENCH_TOOLS="sluice duckdb" BENCH_SCHEDULER=0 BENCH_S3=0 BENCH_KEYS=0 BENCH_API=0 \
    BENCH_RESULTS="$out" \
    bash bench/run.sh >/dev/null
  median() { awk -F'|' -v t="$1" '$2 ~ "^ *"t" *$" {gsub(/ /, "", $4); print $4}' "$out"; }
  ratio="$(grep -oE 'sluice/duckdb: wall [0-9.]+x, peak RSS [0-9.]+x' "$out" || echo 'no ratio')"
  same="$(grep -q 'outputs identical' "$out" && echo 'identical outputs' || echo 'OUTPUTS DIFFER')"
  rows_md+="| $variant | $(median sluice) | $(median duckdb) | ${ratio#sluice/duckdb: } | $same |"$'\n'
  echo "key layout $variant: sluice $(median sluice) s, duckdb $(median duckdb) s, $ratio, $same"
done

results="${BENCH_RESULTS:-bench/RESULTS.md}"
section="## Key layouts

- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); load average before the last run: $(cut -d' ' -f1-3 /proc/loadavg)
- command: \`bash bench/key_variants.sh\` (also run by \`make bench\`; \`BENCH_KEYS=0\` skips it)
- what: the 10M-row salary job, sluice beside DuckDB, ${BENCH_RUNS:-5} interleaved runs each, medians,
  on the generated files with the jobIds laid out two other ways. The generated keys (\"JOB\" +
  consecutive numbers, in the same order in both files) let the join index an array directly;
  *shuffled* keeps them dense but probes in random order; *letters* turns every key's digits into
  letters, so the join uses its hash table (the speed of any other string key).

| layout | sluice wall (s) | DuckDB wall (s) | sluice/DuckDB | outputs |
|---|---|---|---|---|
${rows_md}"
tmp="$(mktemp)"
awk '/^## /{skip = ($0 == "## Key layouts")} !skip' "$results" >"$tmp" 2>/dev/null || true
printf '%s\n%s' "$(cat "$tmp")" "
$section" >"$results"
rm -f "$tmp"
