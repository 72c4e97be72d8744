"""Benchmark workloads: real CloudTrail record shapes, replicated to any size, as gzip'd log files in the S3 key layout.

The records are the ~3,300 real CloudTrail events of ``tests/data/realtrail/*.jsonl`` (public projects; attribution
and licences in ``tests/data/realtrail/SOURCES.md``), cycled through in file order with their nested shapes untouched.
Each copy gets only what must differ between copies:

* ``eventID`` and ``requestID``: fresh, unique, uuid-like (a bijection of the copy's index, salted by the seed);
* ``eventTime``: spread over the days of the period 2026-10 (``%Y-%m-%dT%H:%M:%SZ``), increasing within an object and
  before the object's delivery time;
* ``recipientAccountId``: the account of the object's key (so no copy is "misdelivered").

A key present in the original stays where it was; one missing from it (a handful of the EventBridge-borne events lack
``requestID``, ``recipientAccountId``, one even ``eventTime``) is added at the end of the record.

Objects are written as ``{"Records":[...]}``, compact JSON, gzip'd, under the key layout CloudTrail writes to S3::

    AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<random16>.json.gz

Two workloads:

* ``delivery``: N objects (default 100,000) of 1 to 20 records each (a geometric draw, p = 0.14, clipped to 1..20:
  median 5, mean about 6.3), over 20 accounts x 5 regions, one object every few tens of minutes per account-region
  over the 31 days; what an ordinary trail delivers;
* ``bulk``: M events (default 2,000,000) in objects of 1,000 records, over 2 accounts x 2 regions; a busy trail.

Generation is deterministic for a seed, fast (each record is pre-serialised once as a ``%``-template; copies are string
substitution; objects are compressed in parallel on every core) and cached: a workload folder whose ``manifest.json``
matches the request (workload, size, seed, generator version, corpus hash) is reused as it is.

    python benchmarks/workloads.py delivery --objects 5000         # writes benchmarks/_data/delivery-5000-s7/
    python benchmarks/workloads.py bulk --events 100000
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import hashlib
import json
import math
import os
import random
import shutil
import string
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REALTRAIL = REPO / "tests" / "data" / "realtrail"
DEFAULT_WORK = HERE / "_data"

GENERATOR_VERSION = 1
PERIOD = "2026-10"
GZIP_LEVEL = 6  # what gzip and most S3 writers use by default
REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-1", "eu-north-1", "ap-northeast-1"]

# workload -> how it is spread; sizes come from the command line
SHAPES = {
    "delivery": {"accounts": 20, "regions": 5, "min_records": 1, "max_records": 20, "geometric_p": 0.14},
    "bulk": {"accounts": 2, "regions": 2, "records_per_object": 1000},
}
DEFAULT_SIZE = {"delivery": 100_000, "bulk": 2_000_000}  # objects for delivery, events for bulk

# placeholders in the pre-serialised records (JSON string values, replaced by %-substitution)
_FIELDS = {"eventID": "e", "requestID": "q", "eventTime": "t", "recipientAccountId": "a"}
_M128, _M64 = (1 << 128) - 1, (1 << 64) - 1
_K_EVENT = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd: multiplication mod 2^128 is a bijection, so ids never repeat
_K_REQUEST = 0xD1B54A32D192ED03AEF3D6F0C1B7A3E5


@dataclass(frozen=True)
class Workload:
    name: str  # delivery | bulk
    dir: Path  # the workload folder: manifest.json, data/, extract.toml
    manifest: dict

    @property
    def root(self) -> Path:
        """The folder that holds AWSLogs/ (what ``[sources.cloudtrail] path`` names)."""
        return self.dir / "data"

    @property
    def objects(self) -> int:
        return self.manifest["objects"]

    @property
    def events(self) -> int:
        return self.manifest["events"]

    @property
    def label(self) -> str:
        return self.dir.name


# --- the real records as templates ---------------------------------------------------------------------------------
def corpus_files() -> list[Path]:
    files = sorted(REALTRAIL.glob("*.jsonl"))
    if not files:
        sys.exit(f"no real CloudTrail records found in {REALTRAIL}")
    return files


def corpus_sha256() -> str:
    h = hashlib.sha256()
    for f in corpus_files():
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def templates() -> list[str]:
    """Every real record, compact JSON, as a %-template with %(e)s %(q)s %(t)s %(a)s where the copy's eventID,
    requestID, eventTime and recipientAccountId go."""
    out = []
    for f in corpus_files():
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            for field, ph in _FIELDS.items():
                rec[field] = f"@@{ph}@@"  # an existing key keeps its place; a missing one is appended
            text = json.dumps(rec, separators=(",", ":"), ensure_ascii=False).replace("%", "%%")
            for ph in _FIELDS.values():
                assert text.count(f'"@@{ph}@@"') == 1, (f, ph)
                text = text.replace(f'"@@{ph}@@"', f'"%({ph})s"')
            out.append(text)
    return out


# --- the plan: which object holds which copies, when, where --------------------------------------------------------
def _month() -> tuple[int, int, int]:
    y, m = (int(x) for x in PERIOD.split("-"))
    start = calendar.timegm((y, m, 1, 0, 0, 0))
    return y, m, start


def _accounts(rng: random.Random, n: int) -> list[str]:
    seen: list[str] = []
    while len(seen) < n:
        a = f"{rng.randrange(10**11, 10**12)}"
        if a not in seen:
            seen.append(a)
    return seen


def plan(name: str, size: int, seed: int) -> tuple[dict, list[tuple]]:
    """(shape summary, object specs). A spec is (key, account, first copy index, records, first event epoch,
    seconds the object's events span). Deterministic for (name, size, seed)."""
    shape = SHAPES[name]
    rng = random.Random(f"auditreport-bench-{name}-{seed}")
    accounts = _accounts(rng, shape["accounts"])
    regions = [REGIONS[i % len(REGIONS)] for i in range(shape["regions"])]
    scopes = [(a, r) for a in accounts for r in regions]
    if name == "delivery":
        p, lo, hi = shape["geometric_p"], shape["min_records"], shape["max_records"]
        log_q = math.log(1.0 - p)
        # geometric on 1, 2, ... (inverse transform), clipped
        sizes = [min(hi, max(lo, 1 + int(math.log(1.0 - rng.random()) / log_q))) for _ in range(size)]
    else:
        per = shape["records_per_object"]
        sizes = [per] * (size // per) + ([size % per] if size % per else [])
    _y, _m, month_start = _month()
    month_seconds = calendar.monthrange(_y, _m)[1] * 86400
    per_scope = [0] * len(scopes)
    for i in range(len(sizes)):
        per_scope[i % len(scopes)] += 1
    alnum = string.ascii_letters + string.digits
    specs = []
    first = 0
    for i, n in enumerate(sizes):
        s = i % len(scopes)
        account, region = scopes[s]
        window = month_seconds / per_scope[s]  # this scope's objects tile the month, one after the other
        t0 = month_start + (i // len(scopes)) * window
        delivered = time.gmtime(
            int(t0 + window)
        )  # delivered when its window closes (the last one on the 1st of next month)
        day = time.strftime("%Y/%m/%d", delivered)
        stamp = time.strftime("%Y%m%dT%H%MZ", delivered)
        rand16 = "".join(rng.choices(alnum, k=16))
        key = (f"AWSLogs/{account}/CloudTrail/{region}/{day}/"
               f"{account}_CloudTrail_{region}_{stamp}_{rand16}.json.gz")  # fmt: skip
        specs.append((key, account, first, n, t0, window))
        first += n
    summary = {"accounts": accounts, "regions": regions, "records_min": min(sizes), "records_max": max(sizes),
               "records_median": sorted(sizes)[len(sizes) // 2]}  # fmt: skip
    return summary, specs


# --- writing (in worker processes) ---------------------------------------------------------------------------------
_TPL: list[str] = []


def _init_worker() -> None:
    global _TPL
    _TPL = templates()


def _uuid(h: int) -> str:
    x = f"{h:032x}"
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _write_chunk(args: tuple) -> tuple[int, int]:
    root, salt, specs = args
    tpl, n_tpl = _TPL, len(_TPL)
    made_dirs: set[str] = set()
    nbytes = 0
    gmtime, strftime = time.gmtime, time.strftime
    for key, account, first, n, t0, window in specs:
        step = window / n
        recs = []
        for j in range(n):
            g = first + j
            recs.append(tpl[g % n_tpl] % {
                "e": _uuid((g * _K_EVENT + salt) & _M128),
                "q": _uuid(((g * _K_REQUEST + salt) & _M128) ^ (1 << 78)),
                "t": strftime("%Y-%m-%dT%H:%M:%SZ", gmtime(int(t0 + j * step))),
                "a": account,
            })  # fmt: skip
        body = ('{"Records":[' + ",".join(recs) + "]}").encode("utf-8")
        data = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        path = os.path.join(root, key)
        d = os.path.dirname(path)
        if d not in made_dirs:
            os.makedirs(d, exist_ok=True)
            made_dirs.add(d)
        with open(path, "wb") as fh:
            fh.write(data)
        nbytes += len(data)
    return len(specs), nbytes


# --- the cache -----------------------------------------------------------------------------------------------------
def workload_dir(work: Path, name: str, size: int, seed: int) -> Path:
    return Path(work) / f"{name}-{size}-s{seed}"


def expected_manifest(name: str, size: int, seed: int) -> dict:
    return {"generator_version": GENERATOR_VERSION, "workload": name, "size": size, "seed": seed,
            "period": PERIOD, "gzip_level": GZIP_LEVEL, "shape": SHAPES[name], "corpus_sha256": corpus_sha256()}  # fmt: skip


def cached(work: Path, name: str, size: int, seed: int) -> Workload | None:
    d = workload_dir(work, name, size, seed)
    try:
        m = json.loads((d / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    want = expected_manifest(name, size, seed)
    if any(m.get(k) != v for k, v in want.items()) or not (d / "data" / "AWSLogs").is_dir():
        return None
    return Workload(name, d, m)


def ensure(
    name: str, size: int | None = None, seed: int = 7, work: Path = DEFAULT_WORK, jobs: int | None = None, log=print
) -> Workload:
    """The workload, from the cache when its manifest matches, else generated (replacing a stale folder)."""
    size = DEFAULT_SIZE[name] if size is None else size
    if size < 1:
        raise ValueError(f"{name}: size must be at least 1")
    hit = cached(work, name, size, seed)
    if hit is not None:
        log(f"{name}: reusing {hit.dir} ({hit.events:,} events in {hit.objects:,} objects, "
            f"{hit.manifest['gzip_bytes'] / 2**20:,.1f} MiB gzip)")  # fmt: skip
        return hit
    d = workload_dir(work, name, size, seed)
    shutil.rmtree(d, ignore_errors=True)
    (d / "data").mkdir(parents=True)
    t0 = time.perf_counter()
    summary, specs = plan(name, size, seed)
    salt = int.from_bytes(hashlib.sha256(f"{name}-{seed}".encode()).digest()[:16], "big")
    jobs = jobs or os.cpu_count() or 1
    chunk = max(1, min(2000, len(specs) // (jobs * 8) or 1))
    if name == "bulk":
        chunk = max(1, min(chunk, 20))
    chunks = [(str(d / "data"), salt, specs[i : i + chunk]) for i in range(0, len(specs), chunk)]
    nbytes = 0
    with Pool(jobs, initializer=_init_worker) as pool:
        for _n, b in pool.imap_unordered(_write_chunk, chunks):
            nbytes += b
    events = sum(s[3] for s in specs)
    seconds = time.perf_counter() - t0
    manifest = {**expected_manifest(name, size, seed), **summary, "objects": len(specs), "events": events,
                "gzip_bytes": nbytes, "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "generation_seconds": round(seconds, 2)}  # fmt: skip
    tmp = d / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1))
    tmp.replace(d / "manifest.json")  # written last: a folder without it is an unfinished generation
    log(f"{name}: generated {events:,} events in {len(specs):,} objects ({nbytes / 2**20:,.1f} MiB gzip) "
        f"in {seconds:.1f}s with {jobs} processes -> {d}")  # fmt: skip
    return Workload(name, d, manifest)


def extract_config(w: Workload) -> Path:
    """The minimal configuration ``auditreport extract`` needs for this workload (written beside it)."""
    cfg = w.dir / "extract.toml"
    text = (f'period = "{PERIOD}"\n\n[sources.cloudtrail]\nkind = "files"\n'
            f"path = {json.dumps(str(w.root.resolve()))}\n")  # fmt: skip
    if not cfg.exists() or cfg.read_text() != text:
        cfg.write_text(text)
    return cfg


def kept_out_dir(w: Workload) -> Path:
    """Where ``ingest_benchmark.py --keep-out`` keeps the extract output of a workload (and checks_benchmark.py
    looks for it)."""
    return w.dir.parent / "out" / f"{w.label}-extract"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workload", choices=sorted(SHAPES))
    ap.add_argument("--objects", type=int, default=DEFAULT_SIZE["delivery"], help="delivery: objects to write")
    ap.add_argument("--events", type=int, default=DEFAULT_SIZE["bulk"], help="bulk: events to write")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    ap.add_argument("--jobs", type=int, default=None, help="generator processes (default: every core)")
    a = ap.parse_args()
    ensure(a.workload, a.objects if a.workload == "delivery" else a.events, a.seed, a.work, a.jobs)


if __name__ == "__main__":
    main()
