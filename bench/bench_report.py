"""What the Python benchmarks share for their sections of bench/RESULTS.md: the machine and its
load, the command line that reproduces a run, and replacing one "## " section of the file."""

import datetime
import os
import platform

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_average():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "n/a"


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    return (f"{os.cpu_count()} cores (nproc), {cpu}, {mem_kb / 2**20:.1f} GiB RAM, "
            f"Linux {platform.release()}")


def command(script, knob_prefix, sluice, env):
    """`bash bench/<script>`, with the knobs set in `env` and a SLUICE_BIN other than build/'s."""
    knobs = " ".join(f"{k}={env[k]}" for k in sorted(env) if k.startswith(knob_prefix))
    if os.path.realpath(sluice) != os.path.realpath(os.path.join(REPO, "build", "bin", "sluice")):
        knobs = f"SLUICE_BIN={os.path.relpath(sluice, REPO)} {knobs}".strip()
    return f"bash bench/{script}" + (f"  # {knobs}" if knobs else "")


def write_section(results, heading, section):
    """Replaces the `heading` section of `results` (up to the next "## ") where it stands, or
    appends it."""
    text = open(results).read() if os.path.exists(results) else ""
    before, after, found, skipping = [], [], False, False
    for line in text.splitlines():
        if line.startswith("## "):
            skipping = line.strip() == heading
            found = found or skipping
        if not skipping:
            (after if found else before).append(line)
    head = "\n".join(before).rstrip("\n")
    tail = "\n".join(after).strip("\n")
    with open(results, "w") as f:
        f.write((head + "\n\n" if head else "") + section.rstrip("\n") + "\n" +
                ("\n" + tail + "\n" if tail else ""))
