"""Ingest benchmark: real CloudTrail record shapes in the S3 key layout -> Parquet, side by side with three yardsticks.

Workloads (generated once by :mod:`workloads`, cached under ``--work``): the ~3,300 real CloudTrail records of
``tests/data/realtrail/`` replicated with fresh eventID/requestID, eventTime spread over 2026-10 and recipientAccountId
set to the key's account, as gzip'd ``{"Records": [...]}`` log files in the real key layout:

* ``delivery``: ``--objects`` objects (default 100,000) of 1 to 20 records (median 5), 20 accounts x 5 regions x 31
  days: what a trail delivers every few minutes. Judged in objects/s.
* ``bulk``: ``--events`` events (default 2,000,000) in objects of 1,000 records. Judged in events/s.

Contenders, each in a fresh process of its own, on the same files (warm in the page cache):

* ``ceiling``: the parse ceiling. gunzip + ``orjson.loads`` of every object and ``len(doc["Records"])``, on every core
  (a ``multiprocessing.Pool`` of ``os.cpu_count()`` processes, the files in chunks), writing nothing. No loader that
  parses every record can beat it.
* ``extract``: ``auditreport extract --config CFG --out OUT`` end to end, as a user runs it: a minimal TOML
  configuration (``period = "2026-10"``, ``[sources.cloudtrail] kind = "files"``, ``path`` = the workload root), a
  fresh empty OUT each time. Exit code 0 or 2 is a success.
* ``duckdb``: bare DuckDB, the simplest honest ``read_json`` -> Parquet, one row per record::

      COPY (SELECT unnest(Records, recursive := true)
            FROM read_json('<root>/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz', format = 'auto',
                           columns = {'Records': 'STRUCT(<every top-level CloudTrail field>)[]'}))
      TO 'OUT/bare.parquet' (FORMAT parquet)

  The explicit schema lists the 27 top-level fields the real records carry, scalars typed (VARCHAR, BOOLEAN), nested
  documents (userIdentity, requestParameters, responseElements, ...) as JSON text: DuckDB's inferred structs cannot
  read real CloudTrail (``requestParameters`` keys that differ only by case). Default DuckDB settings otherwise (all
  cores). No provenance, no quarantine, no partitions, no timestamp parsing: a lower bound on work, not a loader.
* ``naive``: the quick script. ``json.load`` of each gzip file -> one list of records -> ``pandas.json_normalize``
  (``max_level=0``) -> nested columns ``json.dumps``'d (pyarrow rejects mixed dict/str columns) -> ``to_parquet``.
  On a sample only (the first files in key order, ``--naive-fraction`` of the events, at most ``--naive-max-events``);
  its rates are what it achieved on the sample, timed in-process (imports excluded).

Each contender is timed wall-clock from the parent (process start to exit, interpreter start and imports included,
except ``naive`` as said). Peak memory: the parent samples ``VmRSS`` in ``/proc/<pid>/status`` of the contender and
all its descendants every 20 ms and reports the peak of the sum (``tree peak``), and the largest single process
(``VmHWM``, the kernel's own high-water mark, and ``wait4``'s ``ru_maxrss``). Ratios are to the parse ceiling:
objects/s matters for delivery-shaped data, events/s for bulk; both are printed.

    make bench                                                    # both workloads at the default sizes
    python benchmarks/ingest_benchmark.py --objects 5000 --events 100000         # a quick run
    python benchmarks/ingest_benchmark.py --workload bulk --memory-check --keep-out
    python benchmarks/ingest_benchmark.py --skip duckdb,naive --json bench.json

``--memory-check`` runs the extract on bulk at 500,000 events (``--memory-check-events``) and at ``--events`` and
prints both peaks: memory must not grow with the month. ``--keep-out`` keeps each workload's extract output (the lake)
under ``<work>/out/`` for ``checks_benchmark.py``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import workloads

CONTENDERS = ["ceiling", "extract", "duckdb", "naive"]
LABELS = {
    "ceiling": "parse ceiling (gunzip+orjson, all cores)",
    "extract": "auditreport extract",
    "duckdb": "bare DuckDB read_json -> Parquet",
    "naive": "naive json -> pandas -> Parquet",
}

# The top-level fields of the real records (tests/data/realtrail), for bare DuckDB's explicit schema.
CLOUDTRAIL_FIELDS = [
    ("eventVersion", "VARCHAR"), ("userIdentity", "JSON"), ("eventTime", "VARCHAR"), ("eventSource", "VARCHAR"),
    ("eventName", "VARCHAR"), ("awsRegion", "VARCHAR"), ("sourceIPAddress", "VARCHAR"), ("userAgent", "VARCHAR"),
    ("requestParameters", "JSON"), ("responseElements", "JSON"), ("requestID", "VARCHAR"), ("eventID", "VARCHAR"),
    ("readOnly", "BOOLEAN"), ("eventType", "VARCHAR"), ("apiVersion", "VARCHAR"), ("managementEvent", "BOOLEAN"),
    ("recipientAccountId", "VARCHAR"), ("eventCategory", "VARCHAR"), ("tlsDetails", "JSON"),
    ("sessionCredentialFromConsole", "VARCHAR"), ("additionalEventData", "JSON"), ("resources", "JSON"),
    ("vpcEndpointId", "VARCHAR"), ("errorCode", "VARCHAR"), ("errorMessage", "VARCHAR"), ("sharedEventID", "VARCHAR"),
    ("serviceEventDetails", "JSON"),
]  # fmt: skip


# --- children: each contender runs in a process of its own -----------------------------------------------------------
def list_objects(root: Path) -> list[str]:
    """Every log object under root/AWSLogs, in key order."""
    out = []
    for d, _dirs, files in os.walk(Path(root) / "AWSLogs"):
        out.extend(os.path.join(d, f) for f in files if f.endswith(".json.gz"))
    out.sort()
    return out


def _parse_chunk(paths: list[str]) -> tuple[int, int]:
    import orjson

    events = 0
    for p in paths:
        with open(p, "rb") as fh:
            doc = orjson.loads(gzip.decompress(fh.read()))
        events += len(doc["Records"])
    return len(paths), events


def child_ceiling(root: Path, out: Path, args) -> dict:
    from multiprocessing import Pool

    t0 = time.perf_counter()
    files = list_objects(root)
    procs = os.cpu_count() or 1
    size = max(1, min(256, len(files) // (procs * 8) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    objects = events = 0
    with Pool(procs) as pool:
        for o, e in pool.imap_unordered(_parse_chunk, chunks):
            objects += o
            events += e
    return {"objects": objects, "events": events, "work_s": time.perf_counter() - t0, "pool_processes": procs}


def bare_duckdb_sql(root: Path, target: Path) -> str:
    struct = "STRUCT(" + ", ".join(f'"{k}" {t}' for k, t in CLOUDTRAIL_FIELDS) + ")[]"
    pattern = str(Path(root).resolve() / "AWSLogs" / "*" / "CloudTrail" / "*" / "*" / "*" / "*" / "*.json.gz")
    lit = lambda s: "'" + str(s).replace("'", "''") + "'"
    return (f"COPY (SELECT unnest(Records, recursive := true) FROM read_json({lit(pattern)}, format = 'auto', "
            f"columns = {{'Records': {lit(struct)}}})) TO {lit(target)} (FORMAT parquet)")  # fmt: skip


def child_duckdb(root: Path, out: Path, args) -> dict:
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    target = out / "bare.parquet"
    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute(bare_duckdb_sql(root, target))
    work = time.perf_counter() - t0
    events = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return {"objects": len(list_objects(root)), "events": events, "work_s": work, "threads": threads,
            "parquet_bytes": target.stat().st_size}  # fmt: skip


def child_naive(root: Path, out: Path, args) -> dict:
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rows: list[dict] = []
    objects = 0
    for f in list_objects(root):
        if len(rows) >= args.naive_budget:
            break
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            rows.extend(json.load(fh)["Records"])
        objects += 1
    df = pd.json_normalize(rows, max_level=0)
    for c in df.columns:
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, (dict, list))).any():
            df[c] = df[c].map(lambda v: json.dumps(v) if isinstance(v, (dict, list)) else None if pd.isna(v) else v)
    df.to_parquet(out / "naive.parquet")
    return {"objects": objects, "events": len(df), "work_s": time.perf_counter() - t0}


CHILDREN = {"ceiling": child_ceiling, "duckdb": child_duckdb, "naive": child_naive}


def child_main(args) -> None:
    r = CHILDREN[args.child](Path(args.root), Path(args.out), args)
    print("RESULT " + json.dumps(r), flush=True)


# --- the parent: spawn, sample the process tree's memory, time ---------------------------------------------------------
def _children_of(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    out.extend(int(x) for x in fh.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def _status_kib(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) in KiB, None for a process gone or a zombie."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            text = fh.read()
    except OSError:
        return None
    rss = hwm = None
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return None if rss is None else (rss, hwm or rss)


class TreeSampler(threading.Thread):
    """Samples the RSS of a process and all its descendants every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.halt = threading.Event()
        self.peak_sum_kib = 0
        self.peak_one_kib = 0  # largest VmHWM any process of the tree reported
        self.max_procs = 0
        self.samples = 0
        self.pids: set[int] = set()

    def run(self) -> None:
        while not self.halt.is_set():
            tree, i = [self.pid], 0
            while i < len(tree):
                tree.extend(_children_of(tree[i]))
                i += 1
            total = alive = 0
            for p in tree:
                st = _status_kib(p)
                if st is None:
                    continue
                alive += 1
                total += st[0]
                self.peak_one_kib = max(self.peak_one_kib, st[1])
                self.pids.add(p)
            if alive:
                self.samples += 1
                self.peak_sum_kib = max(self.peak_sum_kib, total)
                self.max_procs = max(self.max_procs, alive)
            self.halt.wait(self.interval)


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat") as fh:
        v = [int(x) for x in fh.readline().split()[1:]]
    return (sum(v[:3]) + sum(v[5:8])) / os.sysconf("SC_CLK_TCK")  # user nice system + irq softirq steal


def quiet_wait(limit: float, threshold: float = 0.25) -> float:
    """Wait (at most ``limit`` seconds) until the machine is idle: other processes using under ``threshold`` cores over
    2 s. Returns the cores they used in the last window."""
    t_end = time.monotonic() + limit
    while True:
        b0 = busy_cpu_seconds()
        time.sleep(2.0)
        others = (busy_cpu_seconds() - b0) / 2.0
        if others < threshold or time.monotonic() >= t_end:
            return others


def run_measured(cmd: list[str], log: Path, env: dict | None = None) -> dict:
    """Run ``cmd`` (its output to ``log``), sampling its process tree's memory: wall time, exit code, peaks, the CPU
    the contender used (``wait4``: it and its reaped descendants) and the CPU other processes of the machine used
    meanwhile (``/proc/stat`` minus the contender minus this process's sampler): a busy machine shows there."""
    import resource

    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as fh:
        me0, busy0 = resource.getrusage(resource.RUSAGE_SELF), busy_cpu_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _pid, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        sampler.halt.set()
        sampler.join()
        me1, busy1 = resource.getrusage(resource.RUSAGE_SELF), busy_cpu_seconds()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = ru.ru_utime + ru.ru_stime
    mine = (me1.ru_utime + me1.ru_stime) - (me0.ru_utime + me0.ru_stime)
    return {
        "exit_code": proc.returncode, "wall_s": wall, "cpu_s": cpu, "cores": cpu / wall if wall else 0.0,
        "others_cores": max(0.0, (busy1 - busy0) - cpu - mine) / wall if wall else 0.0,
        "peak_tree_rss_mib": sampler.peak_sum_kib / 1024,
        "peak_one_rss_mib": max(sampler.peak_one_kib, ru.ru_maxrss) / 1024,
        "processes": sampler.max_procs, "rss_samples": sampler.samples,
    }  # fmt: skip


def _tail(path: Path, n: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def auditreport_bin() -> str:
    for cand in (Path(sys.executable).parent / "auditreport", REPO / ".venv" / "bin" / "auditreport"):
        if cand.exists():
            return str(cand)
    found = shutil.which("auditreport")
    if not found:
        sys.exit("auditreport is not installed: run `make install` (or pip install -e .) first")
    return found


def measure_extract(w: workloads.Workload, work: Path, keep_out: bool) -> dict:
    cfg = workloads.extract_config(w)
    out = workloads.kept_out_dir(w) if keep_out else work / "runs" / f"{w.label}-extract"
    shutil.rmtree(out, ignore_errors=True)  # a fresh, empty OUT each time
    out.parent.mkdir(parents=True, exist_ok=True)
    log = work / "logs" / f"{w.label}-extract.log"
    cmd = [auditreport_bin(), "extract", "--config", str(cfg), "--out", str(out)]
    r = run_measured(cmd, log)
    r.update(contender="extract", command=" ".join(cmd), log=str(log))
    if r["exit_code"] not in (0, 2):
        r["failed"] = f"exit code {r['exit_code']}; last lines of {log}:\n{_tail(log)}"
        return r
    try:
        m = json.loads((out / "extract-manifest.json").read_text())
        ct = next(s for s in m["sources"] if s["name"] == "cloudtrail")
        r.update(events=ct["records_loaded"], objects=ct["objects_read"], objects_loaded=ct["objects_loaded"],
                 objects_quarantined=ct["objects_quarantined"], records_quarantined=ct["records_quarantined"],
                 timings=m.get("timings_seconds", {}))  # fmt: skip
    except (OSError, ValueError, StopIteration, KeyError) as e:
        r.update(events=w.events, objects=w.objects, note=f"extract-manifest.json unreadable ({e}): counts assumed")
    if keep_out:
        r["out"] = str(out)
    else:
        shutil.rmtree(out, ignore_errors=True)
    return r


def measure_child(kind: str, w: workloads.Workload, work: Path, naive_budget: int = 0) -> dict:
    out = work / "runs" / f"{w.label}-{kind}"
    shutil.rmtree(out, ignore_errors=True)
    log = work / "logs" / f"{w.label}-{kind}.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--root", str(w.root), "--out", str(out),
           "--naive-budget", str(naive_budget)]  # fmt: skip
    r = run_measured(cmd, log)
    r["contender"] = kind
    lines = [ln for ln in _tail(log, 50).splitlines() if ln.startswith("RESULT ")]
    if r["exit_code"] != 0 or not lines:
        r["failed"] = f"exit code {r['exit_code']}; last lines of {log}:\n{_tail(log)}"
    else:
        r.update(json.loads(lines[-1].removeprefix("RESULT ")))
    shutil.rmtree(out, ignore_errors=True)
    return r


def rates(r: dict) -> None:
    """events/s and objects/s: over the process's wall time; the naive loop over its in-process time on its sample."""
    if r.get("failed"):
        return
    r["seconds"] = r["work_s"] if r["contender"] == "naive" else r["wall_s"]
    r["events_per_s"] = r["events"] / r["seconds"] if r["seconds"] else 0.0
    r["objects_per_s"] = r["objects"] / r["seconds"] if r["seconds"] else 0.0


def warm(root: Path) -> float:
    """Read every object once, so that every contender finds the files in the page cache."""
    t0 = time.perf_counter()
    for f in list_objects(root):
        with open(f, "rb") as fh:
            while fh.read(1 << 20):
                pass
    return time.perf_counter() - t0


def print_table(w: workloads.Workload, results: list[dict]) -> None:
    ceiling = next((r for r in results if r["contender"] == "ceiling" and not r.get("failed")), None)
    head = (f"{'contender':<44}{'events':>11}{'objects':>9}{'seconds':>9}{'events/s':>10}{'objects/s':>10}"
            f"{'cores':>6}{'tree peak':>10}{'1-proc':>8}{'ev/s÷ceil':>10}{'obj/s÷ceil':>11}")  # fmt: skip
    print(f"\n== {w.name}: {w.events:,} events in {w.objects:,} objects "
          f"({w.manifest['gzip_bytes'] / 2**20:,.1f} MiB gzip; {w.dir}) ==")  # fmt: skip
    print(head)
    print(f"{'':<44}{'':>11}{'':>9}{'':>9}{'':>10}{'':>10}{'used':>6}{'MiB':>10}{'MiB':>8}")
    for r in results:
        label = LABELS[r["contender"]]
        if r["contender"] == "naive" and not r.get("failed"):
            label += f" ({100 * r['events'] / max(1, w.events):.2g}% sample)"
        if r.get("failed"):
            print(f"{label:<44}  FAILED: {r['failed'].splitlines()[0]}")
            continue
        ev_ratio = r["events_per_s"] / ceiling["events_per_s"] if ceiling else float("nan")
        ob_ratio = r["objects_per_s"] / ceiling["objects_per_s"] if ceiling else float("nan")
        r["events_per_s_vs_ceiling"], r["objects_per_s_vs_ceiling"] = ev_ratio, ob_ratio
        print(f"{label:<44}{r['events']:>11,}{r['objects']:>9,}{r['seconds']:>9.2f}{r['events_per_s']:>10,.0f}"
              f"{r['objects_per_s']:>10,.0f}{r['cores']:>6.2f}{r['peak_tree_rss_mib']:>10,.0f}{r['peak_one_rss_mib']:>8,.0f}"
              f"{ev_ratio:>10.2f}{ob_ratio:>11.2f}")  # fmt: skip
    busy = [f"{r['contender']} {r['others_cores']:.2f}" for r in results if r.get("others_cores", 0) > 0.2]
    if busy:
        print(f"WARNING: other processes kept the machine busy during: {', '.join(busy)} cores on average "
              f"(of {os.cpu_count()}): those rates are low; see --quiet-wait")  # fmt: skip
    for r in results:
        if r.get("failed"):
            print(f"\n{LABELS[r['contender']]} failed: {r['failed']}")
    ext = next((r for r in results if r["contender"] == "extract" and not r.get("failed")), None)
    if ext:
        if ext["events"] != w.events or ext["objects"] != w.objects:
            print(f"NOTE: extract loaded {ext['events']:,} events of {ext['objects']:,} objects; the workload holds "
                  f"{w.events:,} in {w.objects:,} (quarantined: {ext.get('objects_quarantined')} objects, "
                  f"{ext.get('records_quarantined')} records)")  # fmt: skip
        if ceiling:
            key = "objects_per_s" if w.name == "delivery" else "events_per_s"
            print(f"auditreport extract reaches {ext[key + '_vs_ceiling']:.2f} of the parse ceiling's "
                  f"{key.replace('_per_s', '/s')} ({ext[key]:,.0f} vs {ceiling[key]:,.0f})")  # fmt: skip


def env_info() -> dict:
    def git(*a):
        try:
            return subprocess.run(
                ["git", "-C", str(REPO), *a], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    mem = ""
    try:
        mem = next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(), "mem_total_gib": round(int(mem) / 2**20, 1) if mem else None,
        "python": platform.python_version(), "platform": platform.platform(),
        "duckdb": version("duckdb"), "orjson": version("orjson"), "pandas": version("pandas"),
        "pyarrow": version("pyarrow"), "auditreport_commit": git("rev-parse", "HEAD"),
        "loader_modified": bool(git("status", "--porcelain", "--", "src")),
        "load_avg_at_start": os.getloadavg(),
    }  # fmt: skip


def measure_best(kind: str, w: workloads.Workload, work: Path, args, keep_out: bool | None = None) -> dict:
    """The contender ``args.repeat`` times (after ``--quiet-wait``), the fastest run kept; every run's time noted."""
    runs = []
    for _ in range(max(1, args.repeat)):
        if args.quiet_wait:
            quiet_wait(args.quiet_wait)
        print(f"{w.name}: running {kind} ...", flush=True)
        if kind == "extract":
            r = measure_extract(w, work, args.keep_out if keep_out is None else keep_out)
        else:
            share = int(w.events * args.naive_fraction)
            budget = max(1, min(args.naive_max_events, share)) if kind == "naive" else 0
            r = measure_child(kind, w, work, budget)
        rates(r)
        runs.append(r)
        print(f"{w.name}: {kind} took {r['wall_s']:.1f}s" + (" (FAILED)" if r.get("failed") else "")
              + f"; other processes used {r['others_cores']:.2f} cores meanwhile", flush=True)  # fmt: skip
        if r.get("failed"):
            break
    best = min(runs, key=lambda x: (bool(x.get("failed")), x.get("seconds", 0)))
    if len(runs) > 1:
        best["repeats_seconds"] = [x.get("seconds") for x in runs]
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=["delivery", "bulk", "both"], default="both")
    ap.add_argument(
        "--objects",
        type=int,
        default=workloads.DEFAULT_SIZE["delivery"],
        help="delivery workload: objects of 1-20 records (default %(default)s)",
    )
    ap.add_argument(
        "--events",
        type=int,
        default=workloads.DEFAULT_SIZE["bulk"],
        help="bulk workload: events, 1,000 a object (default %(default)s)",
    )
    ap.add_argument("--seed", type=int, default=7, help="workload seed (default %(default)s)")
    ap.add_argument(
        "--work",
        type=Path,
        default=workloads.DEFAULT_WORK,
        help="workloads, logs and outputs (default benchmarks/_data, git-ignored)",
    )
    ap.add_argument("--skip", default="", help=f"comma-separated contenders not to run: {','.join(CONTENDERS)}")
    ap.add_argument("--naive-fraction", type=float, default=0.05, help="naive loop: share of the events (default 5%%)")
    ap.add_argument("--naive-max-events", type=int, default=50_000, help="naive loop: at most this many events")
    ap.add_argument(
        "--memory-check",
        action="store_true",
        help="also run extract on bulk at --memory-check-events and at --events; print both peaks",
    )
    ap.add_argument("--memory-check-events", type=int, default=500_000)
    ap.add_argument(
        "--keep-out", action="store_true", help="keep the extract output under <work>/out/ (checks_benchmark.py)"
    )
    ap.add_argument("--json", type=Path, help="write every figure to this JSON file")
    ap.add_argument(
        "--repeat", type=int, default=1, help="run each contender N times and keep the fastest (a busy machine)"
    )
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each contender, wait up to SECONDS for other processes to leave the cores idle "
        "(a shared machine); default: do not wait",
    )
    ap.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--naive-budget", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child_main(args)

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if skip - set(CONTENDERS):
        ap.error(
            f"--skip: unknown contender(s) {', '.join(sorted(skip - set(CONTENDERS)))} (known: {', '.join(CONTENDERS)})"
        )
    if "orjson" not in sys.modules and "ceiling" not in skip:
        try:
            import orjson  # noqa: F401
        except ImportError:
            sys.exit("the parse ceiling needs orjson: pip install -e '.[bench]' (make bench does it)")
    work = args.work.resolve()
    names = ["delivery", "bulk"] if args.workload == "both" else [args.workload]
    report: dict = {"environment": env_info(), "workloads": {}}
    print(f"machine: {report['environment']['cpus']} cores, {report['environment']['mem_total_gib']} GiB; "
          f"duckdb {report['environment']['duckdb']}; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    measured_extract: dict[str, dict] = {}
    for name in names:
        size = args.objects if name == "delivery" else args.events
        w = workloads.ensure(name, size, args.seed, work)
        print(f"{name}: page cache warmed in {warm(w.root):.1f}s")
        results = []
        for kind in CONTENDERS:
            if kind in skip:
                continue
            r = measure_best(kind, w, work, args)
            if kind == "extract":
                measured_extract[w.label] = r
            results.append(r)
        print_table(w, results)
        report["workloads"][name] = {"manifest": w.manifest, "dir": str(w.dir), "results": results}

    if args.memory_check:
        print("\n== memory check: auditreport extract on bulk at two sizes ==")
        rows = []
        for events in sorted({args.memory_check_events, args.events}):
            w = workloads.ensure("bulk", events, args.seed, work)
            r = measured_extract.get(w.label)
            if r is None:
                warm(w.root)
                r = measure_best("extract", w, work, args, keep_out=False)
            rows.append((w, r))
        for w, r in rows:
            if r.get("failed"):
                print(f"bulk {w.events:>11,} events: FAILED: {r['failed']}")
                continue
            print(f"bulk {w.events:>11,} events: {r['seconds']:7.2f}s {r['events_per_s']:>10,.0f} events/s   "
                  f"tree peak {r['peak_tree_rss_mib']:7,.0f} MiB   largest process {r['peak_one_rss_mib']:7,.0f} MiB   "
                  f"(others used {r['others_cores']:.2f} cores)")  # fmt: skip
        ok = [r for _w, r in rows if not r.get("failed")]
        if len(ok) == 2:
            print(f"peak at the larger size / peak at the smaller: {ok[1]['peak_tree_rss_mib'] / ok[0]['peak_tree_rss_mib']:.2f} "
                  f"for {rows[1][0].events / rows[0][0].events:.1f}x the events (flat memory: about 1)")  # fmt: skip
        report["memory_check"] = [{"events": w.events, **r} for w, r in rows]

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=str))
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
