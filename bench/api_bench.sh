#!/usr/bin/env bash
# REST API benchmark (issue 5): `sluice standalone` runs the seed pipeline
# (examples/salary/dags/salary_pipeline.yml, laid out as scripts/demo.sh does) again and again
# while wrk hits GET /api/v1/dags and the taskInstances endpoint of a pipeline run with 50
# connections for 30 s each (bearer token); then the Grid payload of a DAG with 1,000 runs
# (written straight into the metadata DB with sqlite3) is timed. p50/p99/errors go into
# bench/RESULTS.md as its "## Server" section (the other sections are left alone).
# Knobs (environment): SLUICE_BIN, BENCH_API_DURATION (30s), BENCH_API_CONNECTIONS (50),
# BENCH_API_THREADS (2), BENCH_API_ROWS (1000000), BENCH_API_RUNS (pipeline runs queued, 40),
# BENCH_API_GRID_RUNS (1000), BENCH_API_KEEP (1 keeps the temporary home), BENCH_RESULTS.
set -euo pipefail
cd "$(dirname "$0")/.."

SLUICE_BIN="${SLUICE_BIN:-$PWD/build/bin/sluice}"
DURATION="${BENCH_API_DURATION:-30s}"
CONNECTIONS="${BENCH_API_CONNECTIONS:-50}"
THREADS="${BENCH_API_THREADS:-2}"
ROWS="${BENCH_API_ROWS:-1000000}"
PIPELINE_RUNS="${BENCH_API_RUNS:-40}"
GRID_RUNS="${BENCH_API_GRID_RUNS:-1000}"
RESULTS="${BENCH_RESULTS:-$PWD/bench/RESULTS.md}"

for tool in wrk curl sqlite3 python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "api bench: $tool is missing (scripts/bootstrap.sh installs it)" >&2
    exit 1
  fi
done
if [ ! -x "$SLUICE_BIN" ]; then
  echo "api bench: $SLUICE_BIN not found; run 'make build' first (or set SLUICE_BIN)" >&2
  exit 1
fi

home="$(mktemp -d "${TMPDIR:-/tmp}/sluice_api_bench_XXXXXX")"
server_pid=""
# Clusters the pipeline left running (it is stopped mid-run), then polls until they are gone.
terminate_clusters() {
  local ids
  for _ in $(seq 1 60); do
    ids="$("$SLUICE_BIN" clusters list --output json 2>/dev/null | python3 -c 'import json, sys
print(" ".join(c["id"] for c in json.load(sys.stdin) if not c["state"].startswith("TERMINATED")))' || true)"
    [ -z "$ids" ] && return 0
    for id in $ids; do "$SLUICE_BIN" clusters terminate "$id" >/dev/null 2>&1 || true; done
    sleep 0.5
  done
  echo "api bench: clusters still running: $ids" >&2
}
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  terminate_clusters
  if [ "${BENCH_API_KEEP:-0}" = 1 ]; then echo "api bench: kept $home"; else rm -rf "$home"; fi
}
trap cleanup EXIT
export SLUICE_HOME="$home"
log() { echo "api bench: $*" >&2; }

# The seed pipeline's bucket and DAG, as scripts/demo.sh lays them out.
bucket="$home/warehouse/salary"
mkdir -p "$bucket"/{data,etl,dags,output,logs} "$home/dags"
log "generating $ROWS rows of salary data"
"$SLUICE_BIN" datagen salary --rows "$ROWS" --seed 1 --out "$bucket/data" >/dev/null
cp examples/salary/etl/avg_salary.yml "$bucket/etl/avg_salary.yml"
sed "s|file:///var/lib/sluice/warehouse/salary|file://$bucket|" \
  examples/salary/dags/salary_pipeline.yml > "$home/dags/salary_pipeline.yml"
# A manual-only DAG of three tasks for the Grid's 1,000 runs.
cat > "$home/dags/grid_bench.yml" <<'EOF'
dag_id: grid_bench
schedule: null
tasks:
  - {id: extract, operator: empty}
  - {id: transform, operator: empty, upstream: [extract]}
  - {id: load, operator: empty, upstream: [transform]}
EOF

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
"$SLUICE_BIN" standalone --port 0 > "$home/standalone.out" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$home/standalone.out" | grep -o '[0-9]*$' || true)"
  [ -n "$port" ] && break
  sleep 0.05
done
if [ -z "$port" ]; then
  cat "$home/standalone.out" >&2
  log "sluice standalone did not start"
  exit 1
fi
base="http://127.0.0.1:$port"
password="$(cat "$home/standalone_admin_password.txt")"
token="$(curl -sf -d '' -u "admin:$password" "$base/api/v1/auth/token" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
auth=(-H "Authorization: Bearer $token")
json=(-H "Content-Type: application/json")

# The pipeline runs one run after another (max_active_runs: 1) for the whole measurement.
curl -sf -X PATCH "${auth[@]}" "${json[@]}" -d '{"is_paused": false}' \
  "$base/api/v1/dags/salary_pipeline" >/dev/null
for i in $(seq 1 "$PIPELINE_RUNS"); do
  day="$(date -u -d "2026-01-01 + $i days" +%F)"
  curl -sf "${auth[@]}" "${json[@]}" -d "{\"logical_date\": \"$day\", \"dag_run_id\": \"bench_$i\"}" \
    "$base/api/v1/dags/salary_pipeline/dagRuns" >/dev/null
done
run_state() {
  curl -sf "${auth[@]}" "$base/api/v1/dags/salary_pipeline/dagRuns/$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])'
}
# The taskInstances endpoint is measured on the first run to start.
log "waiting for a pipeline run to start"
running=""
for _ in $(seq 1 600); do
  running="$(curl -sf "${auth[@]}" "$base/api/v1/dags/salary_pipeline/dagRuns?state=running" |
    python3 -c 'import json, sys; r = json.load(sys.stdin)["dag_runs"]; print(r[0]["dag_run_id"] if r else "")')"
  [ -n "$running" ] && break
  sleep 0.1
done
if [ -z "$running" ]; then
  tail -20 "$home/standalone.out" >&2
  log "no pipeline run started"
  exit 1
fi
ti_path="/api/v1/dags/salary_pipeline/dagRuns/$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$running")/taskInstances"

states() {
  curl -sf "${auth[@]}" "$base/api/v1/dags/salary_pipeline/dagRuns?limit=1000" |
    python3 -c 'import collections, json, sys
c = collections.Counter(r["state"] for r in json.load(sys.stdin)["dag_runs"])
print(", ".join(f"{k} {v}" for k, v in sorted(c.items())))'
}

# wrk's latency percentiles, throughput and errors as one JSON line.
run_wrk() {
  local path="$1" out="$home/wrk.out"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" \
    "$base$path" > "$out"
  cat "$out" >&2
  python3 - "$path" "$out" <<'EOF'
import json, re, sys
text = open(sys.argv[2]).read()
def ms(v):
    n, unit = re.match(r"([0-9.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M))
requests = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
print(json.dumps({"path": sys.argv[1], "requests": requests, "rps": rps, "p50": ms(lat["50"]),
                  "p99": ms(lat["99"]), "errors": errors}))
EOF
}

log "pipeline runs before: $(states)"
dags_result="$(run_wrk /api/v1/dags)"
log "pipeline runs between: $(states)"
ti_result="$(run_wrk "$ti_path")"
pipeline_after="$(states)"
log "pipeline runs after: $pipeline_after"

# The Grid: 1,000 finished runs of grid_bench, three task instances each, in one transaction.
now_us="$(date +%s)000000"
sqlite3 "$home/sluice.db" <<EOF
.timeout 20000
BEGIN IMMEDIATE;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $GRID_RUNS - 1)
INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start,
                     data_interval_end, queued_at, start_date, end_date, conf, external_trigger)
SELECT 'grid_bench', 'bench__' || i, 'manual', CASE WHEN i % 10 = 3 THEN 'failed' ELSE 'success' END,
       1735689600000000 + i * 3600000000, 1735689600000000 + i * 3600000000,
       1735689600000000 + i * 3600000000, $now_us, $now_us, $now_us + 1500000, '{}', 1
FROM n;
INSERT INTO task_instance (dag_id, run_id, task_id, state, try_number, max_tries, operator,
                           start_date, end_date, duration)
SELECT r.dag_id, r.run_id, t.task_id, CASE WHEN r.state = 'failed' AND t.task_id = 'load'
                                           THEN 'failed' ELSE 'success' END,
       1, 0, 'empty', $now_us, $now_us + 500000, 500000
FROM dag_run r, (SELECT 'extract' AS task_id UNION ALL SELECT 'transform' UNION ALL SELECT 'load') t
WHERE r.dag_id = 'grid_bench';
COMMIT;
EOF
grid_url="$base/api/v1/ui/grid/grid_bench?num_runs=$GRID_RUNS"
curl -sf "${auth[@]}" "$grid_url" -o "$home/grid.json"  # warm: the DAG file parsed once
grid_runs="$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"]))' "$home/grid.json")"
grid_bytes="$(stat -c %s "$home/grid.json")"
grid_times=()
for _ in $(seq 1 30); do
  grid_times+=("$(curl -sf "${auth[@]}" -o /dev/null -w '%{time_total}' "$grid_url")")
done
grid_result="$(python3 -c 'import json, statistics, sys
t = sorted(float(x) * 1000 for x in sys.argv[1:])
print(json.dumps({"n": len(t), "median": statistics.median(t), "max": t[-1]}))' "${grid_times[@]}")"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
wrk_version="$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2 || true)"

kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""

python3 - "$RESULTS" <<EOF
import json, os, subprocess, sys
results = sys.argv[1]
dags = json.loads('''$dags_result''')
tis = json.loads('''$ti_result''')
grid = json.loads('''$grid_result''')
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) / 2**20
version = subprocess.run(["$SLUICE_BIN", "version"], capture_output=True, text=True).stdout.strip()
def row(name, r):
    return (f"| {name} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['errors']} |")
section = f"""## Server

- date: {subprocess.run(["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"], capture_output=True, text=True).stdout.strip()}
- machine: {os.cpu_count()} cores (nproc), {cpu}, {mem:.1f} GiB RAM, Linux {os.uname().release}
- version: {version}; $wrk_version
- command: \`bash bench/api_bench.sh\` (BENCH_API_DURATION=$DURATION, BENCH_API_CONNECTIONS=$CONNECTIONS, BENCH_API_THREADS=$THREADS)
- load average (1, 5, 15 min) before: $load_before; after: $load_after (other work on the machine shows here)
- what: \`sluice standalone\` on 127.0.0.1 running the seed pipeline ($ROWS rows; $PIPELINE_RUNS runs queued,
  one at a time) while wrk ($THREADS threads, $CONNECTIONS connections, $DURATION each, bearer token, keep-alive)
  requests one endpoint; wrk, the server, the scheduler and the pipeline's processes share the
  machine's cores. Pipeline runs after the load: $pipeline_after.

| endpoint | requests | req/s | p50 (ms) | p99 (ms) | errors |
|---|---|---|---|---|---|
{row("GET /api/v1/dags", dags)}
{row("GET .../dagRuns/{run}/taskInstances (a running pipeline run)", tis)}

- Grid: \`GET /api/v1/ui/grid/grid_bench?num_runs=$GRID_RUNS\` on a 3-task DAG with $GRID_RUNS runs
  ($grid_runs runs returned, $grid_bytes bytes), {grid['n']} sequential requests timed by curl
  (time_total, loopback) after the load: median {grid['median']:.1f} ms, max {grid['max']:.1f} ms.
- targets (issue 5): p99 under 20 ms with no errors; Grid under 300 ms.
- what the numbers depend on (src/web/server.cc, api_handler_gate.h): TCP_NODELAY (without
  it most answers wait 40 ms for a delayed ACK), a pool thread per kept-alive connection, httplib's
  listen backlog of 5 widened (else simultaneous connects cost 1 s retransmits and wrk timeouts),
  and at most 8 handlers at once (else the metadata store reopens SQLite connections per request).
"""
text = open(results).read() if os.path.exists(results) else ""
kept, skipping = [], False
for line in text.splitlines():
    if line.startswith("## "):
        skipping = line.strip() == "## Server"
    if not skipping:
        kept.append(line)
head = "\n".join(kept).rstrip("\n")
with open(results, "w") as f:
    f.write((head + "\n\n" if head else "") + section)
print(section)
EOF
log "written to $RESULTS"
