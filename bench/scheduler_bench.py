#!/usr/bin/env python3
"""Scheduler benchmark (issue 3, called by bench/scheduler_bench.sh): a chain and a
fan-out/fan-in of `command: ["true"]` tasks through `sluice dags test` and a running
`sluice scheduler`; hop latency and tasks/second from the metadata DB, written to
bench/RESULTS.md as its "## Scheduler" section (the other sections are left alone)."""

import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from bench_report import command, load_average, machine, utc_now, write_section

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
ENV = os.environ
SLUICE = ENV.get("SLUICE_BIN") or os.path.join(REPO, "build", "bin", "sluice")
RUNS = int(ENV.get("BENCH_SCHED_RUNS", "3"))
CHAIN = int(ENV.get("BENCH_SCHED_CHAIN", "200"))
FANOUT = int(ENV.get("BENCH_SCHED_FANOUT", "1000"))
# "default" leaves sluice.yml without `parallelism` (32, src/orchestrator/home.h).
PARALLELISMS = ENV.get("BENCH_SCHED_PARALLELISM", "default 2").split()
WITH_SCHEDULER = ENV.get("BENCH_SCHED_SCHEDULER", "1") != "0"
RESULTS = ENV.get("BENCH_RESULTS") or os.path.join(BENCH_DIR, "RESULTS.md")
KEEP = ENV.get("BENCH_SCHED_KEEP", "0") != "0"
TIMEOUT_S = float(ENV.get("BENCH_SCHED_TIMEOUT", "600"))
TARGET_MS = 10.0
HEADING = "## Scheduler"
DATE = "2026-01-01"


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------- DAG files and homes


def command_task(task_id, upstream):
    lines = [f"  - id: {task_id}", "    operator: command", '    command: ["true"]']
    if upstream:
        lines.append(f"    upstream: [{', '.join(upstream)}]")
    return "\n".join(lines)


def chain_dag(n):
    ids = [f"t{i:03d}" for i in range(n)]
    tasks = [command_task(t, [ids[i - 1]] if i else []) for i, t in enumerate(ids)]
    return "dag_id: bench_chain\nschedule: null\ntasks:\n" + "\n".join(tasks) + "\n", ids


def fanout_dag(n):
    mids = [f"m{i:04d}" for i in range(n)]
    tasks = [command_task("start", [])] + [command_task(m, ["start"]) for m in mids]
    tasks.append(command_task("end", mids))
    return "dag_id: bench_fanout\nschedule: null\ntasks:\n" + "\n".join(tasks) + "\n", mids


def make_home(root, name, dag_text, parallelism):
    home = os.path.join(root, name)
    os.makedirs(os.path.join(home, "dags"))
    with open(os.path.join(home, "dags", "dag.yml"), "w") as f:
        f.write(dag_text)
    if parallelism != "default":
        with open(os.path.join(home, "sluice.yml"), "w") as f:
            f.write(f"parallelism: {int(parallelism)}\n")
    return home


def sluice(home, *args, **kw):
    env = dict(ENV, SLUICE_HOME=home)
    return subprocess.run([SLUICE, *args], env=env, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------- measurements


def task_rows(home, dag_id):
    db = sqlite3.connect(os.path.join(home, "sluice.db"))
    try:
        rows = db.execute(
            "SELECT task_id, state, queued_at, start_date, end_date FROM task_instance "
            "WHERE dag_id = ?", (dag_id,)).fetchall()
    finally:
        db.close()
    tis = {r[0]: {"state": r[1], "queued": r[2], "start": r[3], "end": r[4]} for r in rows}
    bad = [t for t, ti in tis.items() if ti["state"] != "success" or not ti["start"] or not ti["end"]]
    if bad:
        raise RuntimeError(f"{home}: tasks not successful: {', '.join(sorted(bad)[:5])} ...")
    return tis


def percentile(xs, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    s = sorted(xs)
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def rate(tis):
    first = min(ti["start"] for ti in tis.values())
    last = max(ti["end"] for ti in tis.values())
    return len(tis) / ((last - first) / 1e6)


def chain_stats(tis, ids):
    hops, react, launch = [], [], []
    for up, down in zip(ids, ids[1:]):
        u, d = tis[up], tis[down]
        hops.append((d["start"] - u["end"]) / 1e3)
        if d["queued"]:  # end -> queued: the scheduler; queued -> start: the new process
            react.append((d["queued"] - u["end"]) / 1e3)
            launch.append((d["start"] - d["queued"]) / 1e3)
    run = [(ti["end"] - ti["start"]) / 1e3 for ti in tis.values()]
    out = {
        "hop_median": statistics.median(hops),
        "hop_p90": percentile(hops, 0.9),
        "hop_max": max(hops),
        "tasks_per_s": rate(tis),
        "task_run_median": statistics.median(run),
    }
    if react:
        out["react_median"] = statistics.median(react)
        out["launch_median"] = statistics.median(launch)
    return out


def fanout_stats(tis, mids):
    mid_starts = [tis[m]["start"] for m in mids]
    mid_ends = [tis[m]["end"] for m in mids]
    return {
        "tasks_per_s": rate(tis),
        "fan_out_ms": (min(mid_starts) - tis["start"]["end"]) / 1e3,
        "fan_in_ms": (tis["end"]["start"] - max(mid_ends)) / 1e3,
        "task_run_median": statistics.median((tis[m]["end"] - tis[m]["start"]) / 1e3 for m in mids),
    }


def dags_test(home, dag_id):
    t0 = time.monotonic()
    r = sluice(home, "dags", "test", dag_id, DATE, timeout=TIMEOUT_S)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        tail = (r.stdout + r.stderr).strip().splitlines()[-5:]
        raise RuntimeError(f"dags test {dag_id} in {home} exited {r.returncode}: " + " | ".join(tail))
    return wall


def under_scheduler(home, dag_id):
    """Starts `sluice scheduler`, triggers one run, polls `dags runs` until it ends."""
    env = dict(ENV, SLUICE_HOME=home)
    out = open(os.path.join(home, "scheduler.out"), "w")
    sched = subprocess.Popen([SLUICE, "scheduler"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "scheduler started" not in open(os.path.join(home, "scheduler.out")).read():
            if sched.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sluice scheduler did not start; see {home}/scheduler.out")
            time.sleep(0.05)
        # New DAGs start paused (dags_are_paused_at_creation), and a paused DAG's run waits.
        r = sluice(home, "dags", "unpause", dag_id)
        if r.returncode != 0:
            raise RuntimeError(f"dags unpause: {r.stderr.strip()}")
        t0 = time.monotonic()
        r = sluice(home, "dags", "trigger", dag_id, "--run-id", "bench", "--logical-date", DATE)
        if r.returncode != 0:
            raise RuntimeError(f"dags trigger: {r.stderr.strip()}")
        while True:
            if time.monotonic() - t0 > TIMEOUT_S:
                raise RuntimeError(f"run of {dag_id} still going after {TIMEOUT_S} s")
            if sched.poll() is not None:
                raise RuntimeError(f"sluice scheduler exited {sched.returncode}; see {home}/scheduler.out")
            time.sleep(0.5)
            r = sluice(home, "dags", "runs", dag_id, "--output", "json")
            if r.returncode != 0:
                continue  # e.g. the DB is busy for a moment
            runs = [x for x in json.loads(r.stdout) if x["run_id"] == "bench"]
            if runs and runs[0]["state"] in ("success", "failed"):
                if runs[0]["state"] != "success":
                    raise RuntimeError(f"run of {dag_id} under the scheduler failed")
                return time.monotonic() - t0
    finally:
        if sched.poll() is None:
            sched.send_signal(signal.SIGTERM)
            try:
                sched.wait(timeout=30)
            except subprocess.TimeoutExpired:
                sched.kill()
                sched.wait()
        out.close()


# ---------------------------------------------------------------- the report


def med(samples, key):
    xs = [s[key] for s in samples if key in s]
    return statistics.median(xs) if xs else float("nan")




def version():
    r = subprocess.run([SLUICE, "version"], capture_output=True, text=True)
    return r.stdout.strip() or "sluice (unknown version)"


def render(results, load_before, load_after):
    cmd = command("scheduler_bench.sh", "BENCH_SCHED_", SLUICE, ENV)
    chain = results["chain"]
    hop = med(chain, "hop_median")
    verdict = "meets" if hop <= TARGET_MS else "misses"
    lines = [
        HEADING,
        "",
        f"- date: {utc_now()}",
        f"- machine: {machine()}",
        f"- version: {version()}",
        f"- command: `{cmd}` (also run by `make bench` after the salary job; "
        "`BENCH_SCHEDULER=0` skips it)",
        f"- load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
        f"- what: a {CHAIN}-task chain and a 1 -> {FANOUT} -> 1 fan-out/fan-in of "
        '`command: ["true"]` tasks, each a fresh SLUICE_HOME, run with `sluice dags test` '
        f"({RUNS} runs each, medians across runs); times from the metadata DB "
        "(task_instance start_date, end_date, queued_at).",
        "- hop = a task's start_date minus its upstream's end_date (every chain edge); it covers "
        "the scheduler noticing the exit, queueing the next task, fork/exec of "
        "`sluice tasks run`, and that process's start-up until it marks itself running. "
        "tasks/s = tasks / (last end_date - first start_date).",
        "",
        f"### Chain of {CHAIN} (`dags test`, parallelism default)",
        "",
        "| runs | hop median (ms) | hop p90 (ms) | hop max (ms) | end->queued (ms) | "
        "queued->start (ms) | task start->end (ms) | tasks/s | wall (s) |",
        "|---|---|---|---|---|---|---|---|---|",
        chain_row(chain),
    ]
    if results.get("scheduler"):
        lines += [
            "",
            f"Under a running `sluice scheduler` (one run, `dags trigger` then polling "
            "`dags runs --output json` every 0.5 s; wall includes the poll):",
            "",
            "| runs | hop median (ms) | hop p90 (ms) | hop max (ms) | end->queued (ms) | "
            "queued->start (ms) | task start->end (ms) | tasks/s | wall (s) |",
            "|---|---|---|---|---|---|---|---|---|",
            chain_row(results["scheduler"]),
        ]
    lines += [
        "",
        f"### Fan-out/fan-in 1 -> {FANOUT} -> 1 (`dags test`)",
        "",
        "| parallelism | runs | tasks/s | start end -> first fan-out start (ms) | "
        "last fan-out end -> end start (ms) | task start->end (ms) | wall (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in PARALLELISMS:
        s = results["fanout"][p]
        label = "default (32)" if p == "default" else p
        lines.append(f"| {label} | {len(s)} | {med(s, 'tasks_per_s'):.0f} | "
                     f"{med(s, 'fan_out_ms'):.1f} | {med(s, 'fan_in_ms'):.1f} | "
                     f"{med(s, 'task_run_median'):.1f} | {med(s, 'wall'):.2f} |")
    lines += [
        "",
        f"- target (issue 3): median hop at most {TARGET_MS:.0f} ms on this 2-core machine: "
        f"{verdict} it ({hop:.1f} ms with `dags test`"
        + (f", {med(results['scheduler'], 'hop_median'):.1f} ms under `sluice scheduler`"
           if results.get("scheduler") else "")
        + f"). For comparison, Airflow measures 2-4 s per hop ({2000 / hop:.0f}-"
        f"{4000 / hop:.0f}x this) and Kestra about 0.3 s execution latency ({300 / hop:.0f}x).",
        "",
    ]
    return "\n".join(lines)


def chain_row(samples):
    return (f"| {len(samples)} | {med(samples, 'hop_median'):.2f} | {med(samples, 'hop_p90'):.2f} | "
            f"{med(samples, 'hop_max'):.2f} | {med(samples, 'react_median'):.2f} | "
            f"{med(samples, 'launch_median'):.2f} | {med(samples, 'task_run_median'):.2f} | "
            f"{med(samples, 'tasks_per_s'):.0f} | {med(samples, 'wall'):.2f} |")




def main():
    load_before = load_average()
    root = tempfile.mkdtemp(prefix="sluice-schedbench.", dir=ENV.get("BENCH_SCHED_TMP"))
    chain_text, chain_ids = chain_dag(CHAIN)
    fan_text, mids = fanout_dag(FANOUT)
    results = {"chain": [], "fanout": {p: [] for p in PARALLELISMS}, "scheduler": []}
    try:
        for i in range(RUNS):  # interleaved, so a burst of load spreads over all cases
            home = make_home(root, f"chain-{i}", chain_text, "default")
            wall = dags_test(home, "bench_chain")
            s = chain_stats(task_rows(home, "bench_chain"), chain_ids) | {"wall": wall}
            results["chain"].append(s)
            log(f"  chain {CHAIN} run {i + 1}/{RUNS}: hop median {s['hop_median']:.2f} ms, "
                f"p90 {s['hop_p90']:.2f} ms, max {s['hop_max']:.2f} ms, "
                f"{s['tasks_per_s']:.0f} tasks/s, wall {wall:.2f} s")
            for p in PARALLELISMS:
                home = make_home(root, f"fanout-p{p}-{i}", fan_text, p)
                wall = dags_test(home, "bench_fanout")
                s = fanout_stats(task_rows(home, "bench_fanout"), mids) | {"wall": wall}
                results["fanout"][p].append(s)
                log(f"  fan-out {FANOUT} parallelism {p} run {i + 1}/{RUNS}: "
                    f"{s['tasks_per_s']:.0f} tasks/s, wall {wall:.2f} s")
        if WITH_SCHEDULER:
            home = make_home(root, "scheduler-chain", chain_text, "default")
            wall = under_scheduler(home, "bench_chain")
            s = chain_stats(task_rows(home, "bench_chain"), chain_ids) | {"wall": wall}
            results["scheduler"].append(s)
            log(f"  chain {CHAIN} under sluice scheduler: hop median {s['hop_median']:.2f} ms, "
                f"p90 {s['hop_p90']:.2f} ms, {s['tasks_per_s']:.0f} tasks/s")
    finally:
        if KEEP:
            log(f"homes kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    section = render(results, load_before, load_average())
    write_section(RESULTS, HEADING, section)
    log("\n" + section)
    log(f"written to {os.path.relpath(RESULTS)}")


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, subprocess.TimeoutExpired, sqlite3.Error, OSError) as e:
        print(f"scheduler bench: {e}", file=sys.stderr)
        sys.exit(1)
