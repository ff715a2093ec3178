#!/usr/bin/env bash
# Scheduler benchmark (issue 3): a 200-task chain and a 1 -> 1,000 -> 1 fan-out/fan-in of
# `command: ["true"]` tasks through `sluice dags test` (and the chain once under a running
# `sluice scheduler`); hop latency and tasks/second, written as the "## Scheduler" section of
# bench/RESULTS.md. Knobs (environment): SLUICE_BIN, BENCH_SCHED_RUNS (3), BENCH_SCHED_CHAIN
# (200), BENCH_SCHED_FANOUT (1000), BENCH_SCHED_PARALLELISM ("default 2"), BENCH_SCHED_SCHEDULER
# (1; 0 skips the scheduler run), BENCH_SCHED_TIMEOUT (600 s per run), BENCH_SCHED_TMP (where
# the temporary SLUICE_HOMEs go), BENCH_SCHED_KEEP (1 keeps them), BENCH_RESULTS.
set -euo pipefail
cd "$(dirname "$0")/.."

export SLUICE_BIN="${SLUICE_BIN:-$PWD/build/bin/sluice}"
if [ ! -x "$SLUICE_BIN" ]; then
  echo "scheduler bench: $SLUICE_BIN not found; run 'make build' first (or set SLUICE_BIN)" >&2
  exit 1
fi
if ! command -v python3 >/dev/null; then
  echo "scheduler bench: python3 is missing (apt-get install python3)" >&2
  exit 1
fi
exec python3 bench/scheduler_bench.py
