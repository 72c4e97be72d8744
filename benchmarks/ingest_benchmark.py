"""Ingest benchmark: CloudTrail in the S3 key layout -> Parquet.

Generates CloudTrail log files at a chosen size, then measures, each in a fresh process (so peak memory is its own):
  1. auditreport's loader (CloudTrailLoader: explicit schema, quarantine, partitions, commit markers);
  2. DuckDB's bare read_json -> Parquet on the same files, with the same explicit schema (the ceiling);
  3. a naive json.load -> pandas -> Parquet loop (what a quick script would do), on a sample of the files;
and prints events/s and peak RSS for each, plus the loader's peak at a quarter of the size, to show that memory
does not grow with the number of events.

    python benchmarks/ingest_benchmark.py --events 1000000 --threads 2
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

ACCOUNTS = ["111122223333", "444455556666"]
REGIONS = ["eu-west-1", "us-east-1"]
NAMES = [("ec2.amazonaws.com", "DescribeInstances"), ("s3.amazonaws.com", "GetObject"), ("sts.amazonaws.com", "AssumeRole"),
         ("kms.amazonaws.com", "Decrypt"), ("sagemaker.amazonaws.com", "DescribeEndpoint"), ("iam.amazonaws.com", "GetRole")]  # fmt: skip


def record(rng: random.Random, t: datetime, account: str, region: str) -> dict:
    src, name = rng.choice(NAMES)
    who = rng.choice(["alice", "bob", "carol", "codebuild-1234"])
    return {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole", "principalId": f"AROAEXAMPLE:{who}", "arn": f"arn:aws:sts::{account}:assumed-role/ml-engineer/{who}",
            "accountId": account, "accessKeyId": "ASIAEXAMPLE",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE", "arn": f"arn:aws:iam::{account}:role/ml-engineer",
                                                 "accountId": account, "userName": "ml-engineer"},
                               "attributes": {"creationDate": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "mfaAuthenticated": "false"}},
        },  # fmt: skip
        "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": src, "eventName": name, "awsRegion": region,
        "sourceIPAddress": f"10.0.{rng.randint(0, 255)}.{rng.randint(0, 255)}", "userAgent": "aws-cli/2.15.0 Python/3.11",
        "requestParameters": {"bucketName": "northwind-ml-datasets", "key": f"train/{rng.randint(0, 10**6)}.parquet", "Host": "s3"},
        "responseElements": None, "requestID": f"{rng.getrandbits(64):016x}", "eventID": f"{rng.getrandbits(128):032x}",
        "readOnly": True, "eventType": "AwsApiCall", "managementEvent": src != "s3.amazonaws.com",
        "recipientAccountId": account, "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{src}"},
    }  # fmt: skip


def generate(root: Path, events: int, per_file: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    start = datetime(2026, 10, 1)
    files = []
    n_files = max(1, events // per_file)
    step = timedelta(seconds=(31 * 86400) / n_files)
    for i in range(n_files):
        account, region = ACCOUNTS[i % 2], REGIONS[(i // 2) % 2]
        t = start + step * i
        d = root / "AWSLogs" / account / "CloudTrail" / region / f"{t:%Y}" / f"{t:%m}" / f"{t:%d}"
        d.mkdir(parents=True, exist_ok=True)
        f = d / f"{account}_CloudTrail_{region}_{t:%Y%m%dT%H%MZ}_{i:016d}.json.gz"
        recs = [record(rng, t + timedelta(seconds=j % 300), account, region) for j in range(per_file)]
        with gzip.open(f, "wt", compresslevel=6) as fh:
            json.dump({"Records": recs}, fh)
        files.append(f)
    return files


# --- the three contenders, each run in its own process --------------------------------------------------------
def run_auditreport(root: Path, out: Path, threads: int) -> dict:
    from auditreport.lake.connection import connect
    from auditreport.load.cloudtrail import CloudTrailLoader
    from auditreport.raw import RawObject

    con = connect(work_dir=out)
    con.execute(f"SET threads = {threads}")
    objs = [RawObject(key=str(p.relative_to(root)), path=p, size_bytes=p.stat().st_size) for p in sorted(root.rglob("*.json.gz"))]
    t0 = time.perf_counter()
    stats = CloudTrailLoader(con, out / "lake", "bench").load(objs)
    return {"seconds": time.perf_counter() - t0, "events": stats.records_loaded}


def run_bare_duckdb(root: Path, out: Path, threads: int) -> dict:
    """The ceiling: DuckDB's own read_json -> Parquet, with an explicit schema (the one DuckDB infers from these
    files, nested documents as structs), no provenance, no quarantine, no partitions. Note that this cannot load
    real CloudTrail at all: keys that differ only by case in requestParameters break struct schemas."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    glob = f"{root}/AWSLogs/**/*.json.gz"
    sample = sorted(root.rglob("*.json.gz"))[:20]
    records_type = dict(con.execute(f"DESCRIBE SELECT * FROM read_json({[str(p) for p in sample]})").fetchall()[i][:2]
                        for i in range(1))["Records"]  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    con.execute(
        f"COPY (SELECT unnest(Records, recursive := false) AS r FROM read_json('{glob}', "
        f"columns = {{'Records': '{records_type}'}})) TO '{out}/bare.parquet' (FORMAT parquet)"
    )
    n = con.execute(f"SELECT count(*) FROM '{out}/bare.parquet'").fetchone()[0]
    return {"seconds": time.perf_counter() - t0, "events": n}


def run_naive(root: Path, out: Path, threads: int, max_files: int) -> dict:
    import pandas as pd

    files = sorted(root.rglob("*.json.gz"))[:max_files]
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rows = []
    for f in files:
        with gzip.open(f, "rt") as fh:
            rows.extend(json.load(fh)["Records"])
    df = pd.json_normalize(rows, max_level=0)
    for c in ["userIdentity", "requestParameters", "responseElements", "tlsDetails"]:
        df[c] = df[c].map(json.dumps)
    df.to_parquet(out / "naive.parquet")
    return {"seconds": time.perf_counter() - t0, "events": len(df)}


def child(args) -> None:
    root, out = Path(args.root), Path(args.out)
    if args.child == "auditreport":
        r = run_auditreport(root, out, args.threads)
    elif args.child == "bare":
        r = run_bare_duckdb(root, out, args.threads)
    else:
        r = run_naive(root, out, args.threads, args.naive_files)
    r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(r))


def measure(kind: str, root: Path, work: Path, threads: int, naive_files: int = 0) -> dict:
    out = work / f"out-{kind}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", kind, "--root", str(root), "--out", str(out), "--threads", str(threads),
           "--naive-files", str(naive_files)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{kind} failed:\n{proc.stderr[-2000:]}")
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    r["rate"] = r["events"] / r["seconds"] if r["seconds"] else 0
    shutil.rmtree(out, ignore_errors=True)
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=400_000, help="events to generate (default 400,000)")
    ap.add_argument("--per-file", type=int, default=1000, help="events per log object (default 1000)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--naive-events", type=int, default=100_000, help="events the naive loop reads (it is slow)")
    ap.add_argument("--work", default=str(HERE / "_data"), help="scratch folder (deleted unless --keep)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--naive-files", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)

    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    big, small = work / "big", work / "small"
    t0 = time.perf_counter()
    generate(big, args.events, args.per_file)
    generate(small, args.events // 4, args.per_file, seed=8)
    size = sum(p.stat().st_size for p in big.rglob("*.gz"))
    print(f"generated {args.events:,} events in {args.events // args.per_file:,} objects ({size / 2**20:.1f} MiB gzip) "
          f"in {time.perf_counter() - t0:.1f}s; threads={args.threads}")  # fmt: skip
    ours = measure("auditreport", big, work, args.threads)
    ours_small = measure("auditreport", small, work, args.threads)
    bare = measure("bare", big, work, args.threads)
    naive = measure("naive", big, work, args.threads, naive_files=max(1, args.naive_events // args.per_file))
    print(f"{'contender':<34}{'events':>12}{'seconds':>10}{'events/s':>12}{'peak RSS MiB':>14}")
    for label, r in [("auditreport loader", ours), ("auditreport loader (1/4 size)", ours_small),
                     ("bare DuckDB read_json -> Parquet", bare), ("naive json.load -> pandas -> Parquet", naive)]:  # fmt: skip
        print(f"{label:<34}{r['events']:>12,}{r['seconds']:>10.2f}{r['rate']:>12,.0f}{r['peak_rss_mb']:>14,.0f}")
    print(f"auditreport / bare DuckDB rate: {ours['rate'] / bare['rate']:.2f}x (target >= 0.8x)")
    print(f"auditreport / naive loop rate:  {ours['rate'] / naive['rate']:.2f}x (target >= 5x)")
    print(f"peak memory, full vs 1/4 size:  {ours['peak_rss_mb']:.0f} MiB vs {ours_small['peak_rss_mb']:.0f} MiB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
