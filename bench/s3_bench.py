#!/usr/bin/env python3
"""S3 benchmark (issue 6): the salary job with its input on a local S3 endpoint, beside two
references measured in the same session, interleaved: `curl` GETting the same objects to
/dev/null, and the same job on local files. Medians go to bench/RESULTS.md as its "## S3"
section (the other sections are left alone). Target: the S3 job takes no longer than the curl
transfer plus a third of the local job, i.e. transfer and parsing overlap.

The endpoint is s3rver (npm, tools/npm), started here on 127.0.0.1 over a temporary folder:
it streams a ranged GET from its file, so a ranged read costs what it transfers. moto_server
(BENCH_S3_SERVER=moto) rebuilds the whole object in memory for every ranged GET, 0.4-0.7 s
per range of a 586 MB object here, which measures moto rather than sluice.

The three lines are measured twice: direct, with the endpoint on 127.0.0.1 sharing the 2 cores
with the job, then through bench/slow_link.py, a proxy that models a remote S3 (by default 30 ms
per request and 100 MB/s per connection), where the network bounds the reads and the overlap of
reads with parsing shows. The target is checked on both tables.

Knobs (environment): SLUICE_BIN, BENCH_S3_ROWS (10000000), BENCH_S3_RUNS (5), BENCH_SEED (1),
BENCH_DATA_ROOT (bench/out/data, shared with bench/run.sh), BENCH_S3_SERVER (s3rver|moto),
BENCH_S3_OUTPUT (local|s3: where the S3 job writes; default local, as the local job does),
BENCH_S3_REMOTE ("30,100": ms per request, MB/s per connection of the second measurement; 0
skips it), BENCH_RESULTS (bench/RESULTS.md), BENCH_S3_TMP (where the server's folder and outputs go).
"""

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from slow_link import SlowLink
from bench_report import command, load_average, machine, utc_now, write_section

ENV = os.environ
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
SLUICE = ENV.get("SLUICE_BIN") or os.path.join(REPO, "build", "bin", "sluice")
ROWS = int(ENV.get("BENCH_S3_ROWS", "10000000"))
RUNS = int(ENV.get("BENCH_S3_RUNS", "5"))
SEED = ENV.get("BENCH_SEED", "1")
DATA_ROOT = ENV.get("BENCH_DATA_ROOT") or os.path.join(BENCH_DIR, "out", "data")
SERVER = ENV.get("BENCH_S3_SERVER", "s3rver")
OUTPUT = ENV.get("BENCH_S3_OUTPUT", "local")
# The second measurement, through SlowLink: "<ms per request>,<MB/s per connection>"; 0 skips it.
REMOTE = ENV.get("BENCH_S3_REMOTE", "30,100")
RESULTS = ENV.get("BENCH_RESULTS") or os.path.join(BENCH_DIR, "RESULTS.md")
SPEC = os.path.join(REPO, "examples", "salary", "etl", "avg_salary.yml")
HEADING = "## S3"
BUCKET = "salary-bench"
INPUTS = ["train_salaries.csv", "train_features.csv"]  # the order the job reads them in
FEATURES = ["companyId", "jobType", "degree", "major", "industry"]


def log(msg):
    print(f"s3 bench: {msg}", file=sys.stderr, flush=True)


def human(rows):
    return f"{rows // 1000000}M" if rows % 1000000 == 0 else f"{rows // 1000}K"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_data():
    """The data bench/run.sh generates, reused when its `.complete` stamp matches."""
    folder = os.path.join(DATA_ROOT, f"salary-{human(ROWS)}")
    stamp = os.path.join(folder, ".complete")
    how = f"sluice datagen salary --rows {ROWS} --seed {SEED}"
    if os.path.exists(stamp) and open(stamp).read().strip() == how:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    log(f"generating {human(ROWS)} rows into {os.path.relpath(folder, REPO)} ...")
    subprocess.run([SLUICE, "datagen", "salary", "--rows", str(ROWS), "--seed", SEED,
                    "--out", folder], check=True, stdout=subprocess.DEVNULL)
    with open(stamp, "w") as f:
        f.write(how + "\n")
    return folder


class Server:
    """A local S3 endpoint in its own process group, stopped at exit."""

    def __init__(self, kind, tmp):
        self.kind = kind
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(tmp, f"{kind}.log")
        log_file = open(self.log_path, "w")
        if kind == "s3rver":
            script = os.path.join(REPO, "tools", "npm", "node_modules", "s3rver", "bin",
                                  "s3rver.js")
            if not os.path.exists(script) or not shutil.which("node"):
                sys.exit("s3 bench: s3rver is not in tools/npm (or node is missing): run "
                         "scripts/bootstrap.sh")
            folder = os.path.join(tmp, "s3rver")
            os.makedirs(folder)
            argv = ["node", "--openssl-legacy-provider", script, "-d", folder, "-a", "127.0.0.1",
                    "-p", str(self.port), "--silent"]
            self.key, self.secret = "S3RVER", "S3RVER"
        elif kind == "moto":
            binary = shutil.which("moto_server") or os.path.join(REPO, "tools", "py", "bin",
                                                                 "moto_server")
            if not os.access(binary, os.X_OK):
                sys.exit("s3 bench: moto_server is missing: run scripts/bootstrap.sh")
            argv = [binary, "-H", "127.0.0.1", "-p", str(self.port)]
            self.key, self.secret = "AKIDBENCH", "bench-secret"  # moto's auth is off
        else:
            sys.exit(f"s3 bench: BENCH_S3_SERVER must be s3rver or moto, not {kind!r}")
        self.proc = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        for _ in range(300):
            if self.proc.poll() is not None:
                sys.exit(f"s3 bench: {kind} exited at start:\n{open(self.log_path).read()}")
            try:
                urllib.request.urlopen(self.endpoint + "/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # any answer will do
            except OSError:
                time.sleep(0.1)
        else:
            self.stop()
            sys.exit(f"s3 bench: {kind} did not answer on {self.endpoint} in 30 s")

    def version(self):
        if self.kind == "s3rver":
            pkg = os.path.join(REPO, "tools", "npm", "node_modules", "s3rver", "package.json")
            return f"s3rver {json.load(open(pkg))['version']} (node {node_version()})"
        r = subprocess.run([sys.executable, "-c", "import moto; print(moto.__version__)"],
                           capture_output=True, text=True)
        return f"moto_server {r.stdout.strip() or '?'}"

    def cpu_seconds(self):
        """User + system CPU of the server process so far."""
        try:
            fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def node_version():
    r = subprocess.run(["node", "--version"], capture_output=True, text=True)
    return r.stdout.strip()


def curl_auth(server):
    # SigV4 as sluice signs; s3rver also wants the payload hash header on every request.
    return ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", f"{server.key}:{server.secret}",
            "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]


def sluice_env(server, endpoint=None):
    env = {k: v for k, v in ENV.items() if not k.startswith("AWS_")}
    env["SLUICE_CONN_AWS_DEFAULT"] = json.dumps({
        "endpoint_url": endpoint or server.endpoint, "region": "us-east-1", "access_key_id": server.key,
        "secret_access_key": server.secret, "addressing": "path"})
    return env


def upload(server, data):
    r = subprocess.run(["curl", "-sS", "-f", "-X", "PUT", *curl_auth(server),
                        f"{server.endpoint}/{BUCKET}"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"s3 bench: cannot create bucket {BUCKET}: {r.stderr or r.stdout}")
    for name in INPUTS:
        log(f"uploading {name} ...")
        subprocess.run([SLUICE, "storage", "cp", os.path.join(data, name),
                        f"s3://{BUCKET}/{name}"], check=True, env=sluice_env(server),
                       stdout=subprocess.DEVNULL)


def timed(argv, env=None):
    """Wall seconds, peak RSS (MiB) and user+system CPU seconds of one command."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"s3 bench: {' '.join(argv[:3])} ... failed (exit {code}):\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def local_part(out, feature):
    folder = os.path.join(out, feature)
    parts = [p for p in os.listdir(folder) if p.startswith("part-")]
    return open(os.path.join(folder, parts[0]), "rb").read() if len(parts) == 1 else None


def s3_part(server, prefix, feature):
    env = sluice_env(server)
    folder = f"s3://{BUCKET}/{prefix}/{feature}/"
    listing = subprocess.run([SLUICE, "storage", "ls", folder], env=env, capture_output=True,
                             text=True, check=True).stdout.split()
    names = [n for n in listing if n.startswith("part-")]
    if len(names) != 1:
        return None
    return subprocess.run([SLUICE, "storage", "cat", folder + names[0]], env=env,
                          capture_output=True, check=True).stdout


def outputs_match(server, s3_out, local_out):
    for feature in FEATURES:
        want = local_part(local_out, feature)
        got = (local_part(s3_out, feature) if OUTPUT == "local" else
               s3_part(server, "output", feature))
        if want is None or got != want:
            return False
    return True


def lines_to_time(server, endpoint, data, s3_out, local_out):
    """The three lines of a table: argv and environment of each, reading from `endpoint`."""
    curl = ["curl", "-sS", "-f", *curl_auth(server)]
    for name in INPUTS:
        curl += [f"{endpoint}/{BUCKET}/{name}", "-o", "/dev/null"]
    return {
        "curl": (curl, None),
        "s3": ([SLUICE, "etl", "run", SPEC, "--var", f"data=s3://{BUCKET}", "--var",
                f"output={s3_out}"], sluice_env(server, endpoint)),
        "local": ([SLUICE, "etl", "run", SPEC, "--var", f"data={data}", "--var",
                   f"output={local_out}"], None),
    }


def measure(server, lines, what):
    """RUNS interleaved runs of each line: (wall, peak RSS, server CPU, own CPU) per run."""
    samples = {name: [] for name in lines}
    for run in range(RUNS):
        for name, (argv, env) in lines.items():
            cpu = server.cpu_seconds()
            wall, rss, own_cpu = timed(argv, env)
            samples[name].append((wall, rss, server.cpu_seconds() - cpu, own_cpu))
            log(f"{what} run {run + 1}/{RUNS} {name}: {wall:.2f} s")
    return samples


def remote_link():
    """(latency in s, rate in bytes/s) of BENCH_S3_REMOTE, or None when it is 0."""
    if REMOTE.strip() == "0":
        return None
    try:
        ms, mb_s = (float(x) for x in REMOTE.split(","))
    except ValueError:
        sys.exit(f"s3 bench: BENCH_S3_REMOTE must be '<ms>,<MB/s>' or 0, not {REMOTE!r}")
    return ms / 1000, mb_s * 1e6


def main():
    if not os.access(SLUICE, os.X_OK):
        sys.exit(f"s3 bench: {SLUICE} not found; run 'make build' first (or set SLUICE_BIN)")
    if OUTPUT not in ("local", "s3"):
        sys.exit(f"s3 bench: BENCH_S3_OUTPUT must be local or s3, not {OUTPUT!r}")
    link = remote_link()
    data = ensure_data()
    sizes = {name: os.path.getsize(os.path.join(data, name)) for name in INPUTS}
    tmp = tempfile.mkdtemp(prefix="sluice-s3-bench-", dir=ENV.get("BENCH_S3_TMP"))
    server = Server(SERVER, tmp)
    proxy = None
    try:
        upload(server, data)
        s3_out = os.path.join(tmp, "out-s3") if OUTPUT == "local" else f"s3://{BUCKET}/output"
        local_out = os.path.join(tmp, "out-local")
        load_before = load_average()
        direct = lines_to_time(server, server.endpoint, data, s3_out, local_out)
        timed(direct["curl"][0])  # a first read warms the server's page cache
        tables = [("direct", measure(server, direct, "direct"),
                   outputs_match(server, s3_out, local_out))]
        if link:
            proxy = SlowLink(server.port, *link)
            remote = lines_to_time(server, proxy.endpoint, data, s3_out, local_out)
            shutil.rmtree(s3_out, ignore_errors=True)
            tables.append(("remote", measure(server, remote, "remote"),
                           outputs_match(server, s3_out, local_out)))
        load_after = load_average()
        section = render(tables, sizes, server, link, load_before, load_after)
    finally:
        if proxy:
            proxy.stop()
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    write_section(RESULTS, HEADING, section)
    log(f"written to {os.path.relpath(RESULTS)}")
    print(section)


def table(samples, labels, same, title):
    """A table of medians, the issue-6 target checked on them, and whether outputs agree."""
    med = {name: statistics.median(s[0] for s in runs) for name, runs in samples.items()}
    budget = med["curl"] + med["local"] / 3
    verdict = "meets" if med["s3"] <= budget else "misses"
    lines = [
        title,
        "",
        "| what | runs | median wall (s) | min-max (s) | median peak RSS (MiB) | "
        "median CPU (s) | median server CPU (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("curl", "s3", "local"):
        runs = samples[name]
        walls = [s[0] for s in runs]
        lines.append(f"| {labels[name]} | {len(runs)} | {med[name]:.2f} | {min(walls):.2f}-"
                     f"{max(walls):.2f} | {statistics.median(s[1] for s in runs):.0f} | "
                     f"{statistics.median(s[3] for s in runs):.2f} | "
                     f"{statistics.median(s[2] for s in runs):.2f} |")
    return lines + [
        "",
        f"- target (issue 6): S3 job <= curl + local/3 = {med['curl']:.2f} + "
        f"{med['local']:.2f}/3 = {budget:.2f} s: {verdict} it ({med['s3']:.2f} s, "
        f"{med['s3'] / budget:.2f}x the budget; S3 job / local job {med['s3'] / med['local']:.2f}x;"
        f" S3 job / curl {med['s3'] / med['curl']:.2f}x)",
        f"- outputs of the S3 job and the local job: {'identical' if same else 'DIFFERENT'}",
        "",
    ]


def render(tables, sizes, server, link, load_before, load_after):
    cmd = command("s3_bench.sh", "BENCH_S3_", SLUICE, ENV)
    total_mb = sum(sizes.values()) / 1e6
    version = subprocess.run([SLUICE, "version"], capture_output=True, text=True).stdout.strip()
    curl_version = subprocess.run(["curl", "--version"], capture_output=True,
                                  text=True).stdout.split("\n")[0].split(" ")[1]
    where = "local files" if OUTPUT == "local" else f"s3://{BUCKET}/output"
    labels = {
        "curl": "curl: GET both objects to /dev/null (one process, one connection, SigV4)",
        "s3": f"S3 job: `sluice etl run`, input on s3:// (output to {where})",
        "local": "local job: `sluice etl run`, input on local files (output to local files)",
    }
    lines = [
        HEADING,
        "",
        f"- date: {utc_now()}",
        f"- machine: {machine()}",
        f"- versions: {version or 'sluice'}; endpoint {server.version()}; curl {curl_version}",
        f"- command: `{cmd}` (also run by `make bench`; `BENCH_S3=0` skips it)",
        f"- load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
        f"- what: `sluice datagen salary --rows {ROWS} --seed {SEED}`; train_salaries.csv and "
        f"train_features.csv ({total_mb:.0f} MB together) uploaded to a local {server.kind} on "
        "127.0.0.1; then, interleaved, "
        f"{RUNS} runs of each line below; whole-process wall time and peak RSS, medians; "
        "server CPU = the endpoint process's user+system CPU during the run.",
        f"- endpoint: {server.kind}, chosen because it streams a ranged GET from its file; "
        "moto_server (also here) rebuilds the whole object for each ranged GET (0.4-0.7 s per "
        "16 MiB range of the 586 MB object), which would time moto, not sluice.",
        "",
    ]
    direct, direct_samples, direct_same = tables[0]
    lines += table(direct_samples, labels, direct_same,
                   "### Direct: the endpoint on 127.0.0.1\n\n"
                   "The endpoint runs on the same 2 cores as the job, so its CPU is taken from "
                   "the job's: on this machine the S3 job cannot take less than (its CPU + the "
                   "server's CPU) / 2.")
    if link:
        latency_s, rate = link
        _, remote_samples, remote_same = tables[1]
        lines += table(remote_samples, labels, remote_same,
                       f"### Remote: through a link of {latency_s * 1000:.0f} ms per request and "
                       f"{rate / 1e6:.0f} MB/s per connection\n\n"
                       "The same lines through bench/slow_link.py, a proxy in the benchmark's "
                       "process that delays each request and paces each connection's answers, "
                       "as a remote S3 would: the network, not the 2 shared cores, bounds the "
                       "reads, so what shows is how far the job overlaps its reads (curl uses one "
                       "connection, the job several ranges at once) and its parsing with them.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
