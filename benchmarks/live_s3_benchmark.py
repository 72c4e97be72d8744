"""Live S3 benchmark: CloudTrail objects/s read from a trail bucket, with 1 worker and with 16.

A moto server (its own process and process group, killed at the end) holds a bucket of many small gzip CloudTrail
log objects in the AWS key layout (``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/``), spread over the days of
2026-10. Between the client and moto sits :mod:`latency_proxy` (in a process of its own) which holds every answer
for S3's first-byte latency, 20 ms by default: without it the moto server's single Python process is the limit, and
a loopback server that answers in a millisecond says nothing about a client that waits 20 ms a request on S3.

Each worker count runs in a fresh process, through auditreport's own extractor (``sources.cloudtrail``, ``kind =
"s3"``) with ``[aws].max_concurrency`` set to the worker count, and reports the extraction alone: planning, every
day-prefix listing and every download into ``raw/cloudtrail/``. The runs must return the same objects with the same
bytes. With ``--with-load`` the whole ``auditreport extract`` (extraction and the lake's load) is timed as well, with
a TOML configuration written for the purpose.

    python benchmarks/live_s3_benchmark.py                              # 3,000 objects, 20 ms, 1 and 16 workers
    python benchmarks/live_s3_benchmark.py --repeat 3 --quiet-wait 300  # medians, each run on an idle machine
    python benchmarks/live_s3_benchmark.py --objects 500 --workers 1 4 16 --latency-ms 50 --with-load

The done-when of "Live S3 at the same pace": 16 workers >= 8x the objects/s of 1 worker at 20 ms a request.

Reading the numbers: the moto server, the proxy and the client share the machine's CPUs, and the moto server is a
single Python process (werkzeug, a thread and a new connection per request) that spends some 2 ms of CPU on each
GetObject and more on each ListObjectsV2, whose cost grows with the bucket; under 16 concurrent requests its answers
queue (the proxy's last line gives the upstream's average answer time). Its "moto CPU" column near 80-100% of a core
means the test server, not the client, set the pace of that run. By default the server runs without two per-request
costs of moto's development server that are neither S3's nor the client's (``--moto lean``, see ``LEAN_MOTO``: a
rescan of moto's own package directory under a global lock, and an access-log line), which takes its CPU per
GetObject from about 2.0 to 1.3 ms; ``--moto stock`` measures against ``python -m moto.server`` as it is. The CPU
columns are shares of one CPU over the run (the client's counts its extraction only). Other
processes' load (``busy before``: the share of all CPUs in use in the second before the run, with ``--quiet-wait``)
slows the 16-worker run far more than the 1-worker one, which mostly waits. The runs write below
``benchmarks/_data/`` (git-ignored) by default, not ``/tmp``, whose file creation costs ten times as much on some
machines.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

BUCKET = "bench-org-trail"
PREFIX = "org/"
ACCOUNTS = ["111122223333", "444455556666"]
REGIONS = ["eu-west-1", "us-east-1"]
PERIOD = "2026-10"
NAMES = [("sagemaker.amazonaws.com", "DescribeEndpoint"), ("s3.amazonaws.com", "GetObject"),
         ("sts.amazonaws.com", "AssumeRole"), ("iam.amazonaws.com", "GetRole"), ("kms.amazonaws.com", "Decrypt")]


# -- processes ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def aws_env() -> dict[str, str]:
    """Dummy credentials only: never the caller's real ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    return env


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def busy_elsewhere() -> float:
    """The 1-minute load average: what else competes for the CPUs the three processes here share."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def _cpu_times() -> tuple[int, int] | None:
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(values), values[3] + values[4]  # total, idle + iowait


def wait_until_quiet(max_seconds: float, busy_below: float = 0.15, for_seconds: int = 3) -> float | None:
    """Wait (at most ``max_seconds``) until the machine's CPUs have been less than ``busy_below`` busy for
    ``for_seconds`` seconds in a row: another process's burst would be measured as this client's slowness. Returns
    the busy fraction of the last second, or None where /proc/stat cannot be read."""
    deadline = time.monotonic() + max_seconds
    quiet = 0
    busy = None
    prev = _cpu_times()
    while prev is not None:
        time.sleep(1)
        cur = _cpu_times()
        if cur is None:
            return None
        total, idle = cur[0] - prev[0], cur[1] - prev[1]
        busy = 1 - idle / total if total else 0.0
        prev = cur
        quiet = quiet + 1 if busy < busy_below else 0
        if quiet >= for_seconds or time.monotonic() >= deadline:
            break
    return busy


def stop_group(proc: subprocess.Popen | None) -> None:
    """SIGTERM the process group, SIGKILL what is left after a few seconds."""
    if proc is None:
        return
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue


# `python -m moto.server` less two costs of its development server that have nothing to do with S3 nor with the
# client measured: on every request it lists moto's own package directory and stats each entry (~175 system calls,
# under a lock that serialises all requests) to find the backend, and it writes an access-log line. Nothing else
# about the server changes: the same werkzeug, Flask and S3 backend answer every request.
LEAN_MOTO = """
import logging, sys
import moto.backends as backends
modules = list(backends.list_of_moto_modules())  # the installed package does not change while the server runs
backends.list_of_moto_modules = lambda: iter(modules)
logging.getLogger("werkzeug").setLevel(logging.WARNING)
from moto.server import main
main(sys.argv[1:])
"""


def start_moto(workdir: Path, lean: bool = True) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = ["-c", LEAN_MOTO] if lean else ["-m", "moto.server"]
    proc = subprocess.Popen([sys.executable, *server, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=open(workdir / "moto.log", "wb"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=aws_env(), cwd=workdir)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto server exited with {proc.returncode}; see {workdir / 'moto.log'}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.25)
    stop_group(proc)
    raise RuntimeError("moto server did not answer within 60 s")


def start_proxy(upstream: str, latency_ms: float, workdir: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, str(HERE / "latency_proxy.py"), "--upstream", upstream,
                             "--latency-ms", str(latency_ms)],
                            stdout=subprocess.PIPE, stderr=open(workdir / "proxy.log", "wb"),
                            stdin=subprocess.DEVNULL, start_new_session=True, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on "):
        stop_group(proc)
        raise RuntimeError(f"latency proxy did not start: {line!r}")
    return proc, f"http://127.0.0.1:{int(line.split()[-1])}"


# -- the bucket ---------------------------------------------------------------------------------------------------


def record(rng: random.Random, t: datetime, account: str, region: str) -> dict:
    src, name = rng.choice(NAMES)
    who = rng.choice(["alice", "bob", "carol", "codebuild-1234"])
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "principalId": f"AROAEXAMPLE:{who}", "accountId": account,
                         "arn": f"arn:aws:sts::{account}:assumed-role/ml-engineer/{who}"},
        "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": src, "eventName": name, "awsRegion": region,
        "sourceIPAddress": f"10.0.{rng.randint(0, 255)}.{rng.randint(0, 255)}", "userAgent": "aws-cli/2.15",
        "requestParameters": None, "responseElements": None, "requestID": f"{rng.getrandbits(64):016x}",
        "eventID": f"{rng.getrandbits(128):032x}", "readOnly": True, "eventType": "AwsApiCall",
        "managementEvent": True, "recipientAccountId": account, "eventCategory": "Management",
    }


def objects(n: int, seed: int = 7):
    """``n`` (key, gzip body) pairs spread evenly over the period's days, accounts and regions; 1-20 records each."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 1)
    step = timedelta(seconds=31 * 86400 / n)
    for i in range(n):
        account, region = ACCOUNTS[i % 2], REGIONS[(i // 2) % 2]
        t = start + step * i
        key = (f"{PREFIX}AWSLogs/{account}/CloudTrail/{region}/{t:%Y/%m/%d}/"
               f"{account}_CloudTrail_{region}_{t:%Y%m%dT%H%M}Z_{i:08d}bench.json.gz")
        records = [record(rng, t + timedelta(seconds=j), account, region) for j in range(rng.randint(1, 20))]
        yield key, gzip.compress(json.dumps({"Records": records}).encode(), mtime=0)


def seed(moto_url: str, n: int) -> tuple[int, int]:
    import boto3
    from botocore.config import Config

    s3 = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing").client(
        "s3", endpoint_url=moto_url, region_name="eu-west-1",
        config=Config(max_pool_connections=16, s3={"addressing_style": "path"}))
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    def put(key_body: tuple[str, bytes]) -> int:
        s3.put_object(Bucket=BUCKET, Key=key_body[0], Body=key_body[1])
        return len(key_body[1])

    with ThreadPoolExecutor(8) as pool:
        return n, sum(pool.map(put, objects(n)))


# -- one measured run, in a process of its own ---------------------------------------------------------------------


def aws_settings(endpoint: str, workers: int) -> dict:
    return {"endpoint_url": endpoint, "accounts": ACCOUNTS, "regions": REGIONS, "max_concurrency": workers,
            "max_attempts": 4}


def child(endpoint: str, workers: int, out: Path) -> dict:
    """Extract the trail bucket with ``workers``; what it took, and a digest of every object it wrote."""
    from auditreport.config import Config
    from auditreport.extract.base import ExtractContext
    from auditreport.period import Period
    from auditreport.sources import SOURCES

    config = Config.model_validate({"organisation": "bench", "aws": aws_settings(endpoint, workers),
                                    "sources": {"cloudtrail": {"kind": "s3", "uri": f"s3://{BUCKET}/{PREFIX}"}}})
    record_ = SOURCES["cloudtrail"]
    extractor = record_.extractor(record_.settings_for(config), config.aws)
    ctx = ExtractContext(period=Period.parse(PERIOD), raw_dir=out / "raw", run_id=f"bench-{workers}")
    cpu0, t0 = time.process_time(), time.perf_counter()
    raw = extractor.extract(ctx)
    objects = sorted(raw.objects, key=lambda o: o.key)  # handed over as they arrive: reading them all is the work
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    digest = hashlib.sha256()
    downloaded = nbytes = 0
    for o in objects:
        data = o.path.read_bytes() if o.path is not None and o.not_readable is None else b""
        downloaded += bool(data)
        nbytes += len(data)
        digest.update(o.key.encode() + b"\0" + hashlib.sha256(data).digest())
    return {"workers": workers, "seconds": seconds, "cpu": cpu, "objects": len(objects), "downloaded": downloaded,
            "bytes": nbytes, "errors": raw.errors, "digest": digest.hexdigest()}


def run_child(endpoint: str, workers: int, workdir: Path) -> dict:
    out = workdir / f"extract-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.run([sys.executable, __file__, "--child", endpoint, str(workers), str(out)],
                          env=aws_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the {workers}-worker run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_cli(endpoint: str, workers: int, workdir: Path) -> dict:
    """The whole ``auditreport extract`` (extraction + load), from a TOML configuration."""
    out = workdir / f"cli-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    aws = aws_settings(endpoint, workers)
    toml = "\n".join([
        'organisation = "live S3 benchmark"', f'period = "{PERIOD}"', "",
        "[aws]", f'endpoint_url = "{endpoint}"', f"accounts = {json.dumps(aws['accounts'])}",
        f"regions = {json.dumps(aws['regions'])}", f"max_concurrency = {workers}",
        f"max_attempts = {aws['max_attempts']}", "",
        "[sources.cloudtrail]", 'kind = "s3"', f'uri = "s3://{BUCKET}/{PREFIX}"', "",
    ])
    cfg = out / "auditreport.toml"
    cfg.write_text(toml)
    exe = Path(sys.executable).with_name("auditreport")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "auditreport.cli"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd + ["extract", "--config", str(cfg), "--out", str(out / "out")],
                          env=aws_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    try:
        timings = json.loads((out / "out" / "extract-manifest.json").read_text()).get("timings_seconds", {})
    except (OSError, ValueError):
        timings = {}
    return {"workers": workers, "seconds": seconds, "exit": proc.returncode, "timings": timings,
            "tail": (proc.stderr or proc.stdout).strip().splitlines()[-3:]}


# -- main -----------------------------------------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))))
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--objects", type=int, default=3000, help="CloudTrail log objects in the bucket")
    p.add_argument("--latency-ms", type=float, default=20.0, help="first-byte latency the proxy adds per request")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 16], help="[aws].max_concurrency of each run")
    p.add_argument("--repeat", type=int, default=1, help="runs per worker count, interleaved; the median counts")
    p.add_argument("--moto", choices=["lean", "stock"], default="lean",
                   help="stock: `python -m moto.server` as it is; lean (default): without its per-request package "
                        "scan and access log, so that the test server is less of the limit")
    p.add_argument("--with-load", action="store_true",
                   help="also time the whole `auditreport extract`, with its manifest's extract and load timings")
    p.add_argument("--quiet-wait", type=float, default=0, metavar="SECONDS",
                   help="before each run, wait up to this long for the CPUs to be idle (other processes' load)")
    p.add_argument("--workdir", type=Path, default=HERE / "_data",
                   help="where the runs write, in a new directory (default: benchmarks/_data)")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    args = p.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="auditreport-live-s3-", dir=args.workdir))
    moto = proxy = None
    try:
        moto, moto_url = start_moto(workdir, lean=args.moto == "lean")
        t0 = time.perf_counter()
        n, nbytes = seed(moto_url, args.objects)
        print(f"seeded {n:,} objects ({nbytes / 1e6:.1f} MB gzip) in s3://{BUCKET}/{PREFIX} "
              f"in {time.perf_counter() - t0:.1f} s")
        proxy, proxy_url = start_proxy(moto_url, args.latency_ms, workdir)
        print(f"moto server: {args.moto}; latency proxy: +{args.latency_ms:g} ms before each answer's first byte; "
              f"{os.cpu_count()} CPUs "
              f"shared by moto, the proxy and the client; load average {busy_elsewhere():.1f} before the runs\n")
        print(f"{'workers':>7} {'objects':>8} {'seconds':>8} {'objects/s':>10} {'MB/s':>6} "
              f"{'client CPU':>10} {'moto CPU':>9} {'proxy CPU':>9} {'busy before':>12}")
        runs: dict[int, list[dict]] = {w: [] for w in args.workers}
        for _ in range(args.repeat):
            for w in args.workers:
                busy = wait_until_quiet(args.quiet_wait) if args.quiet_wait else None
                before = cpu_seconds(moto.pid), cpu_seconds(proxy.pid)
                r = run_child(proxy_url, w, workdir)
                after = cpu_seconds(moto.pid), cpu_seconds(proxy.pid)
                cpu = [f"{(a - b) / r['seconds']:>8.0%}" if a is not None and b is not None else f"{'?':>8}"
                       for a, b in zip(after, before, strict=True)]
                runs[w].append(r)
                if r["errors"]:
                    print(f"  errors: {r['errors'][:3]}")
                print(f"{w:>7} {r['downloaded']:>8,} {r['seconds']:>8.2f} {r['downloaded'] / r['seconds']:>10.1f} "
                      f"{r['bytes'] / r['seconds'] / 1e6:>6.2f} {r['cpu'] / r['seconds']:>10.0%} "
                      f"{cpu[0]:>9} {cpu[1]:>9} "
                      + (f"{busy:>12.0%}" if busy is not None else f"{'-':>12}"))
        everything = [r for rs in runs.values() for r in rs]
        same = len({(r["digest"], r["objects"]) for r in everything}) == 1 and all(
            r["downloaded"] == n for r in everything)
        print(f"\nevery run returned the same {n:,} objects, byte for byte: {same}")
        rate = {w: statistics.median(r["downloaded"] / r["seconds"] for r in rs) for w, rs in runs.items()}
        base = args.workers[0]
        for w in args.workers[1:]:
            print(f"{w} workers vs {base}: {rate[w]:.1f} vs {rate[base]:.1f} objects/s"
                  + (" (medians)" if args.repeat > 1 else "") + f" = {rate[w] / rate[base]:.1f}x")
        if args.with_load:
            print("\nwhole `auditreport extract` (extraction + load into the lake):")
            for w in args.workers:
                r = run_cli(proxy_url, w, workdir)
                stages = ", ".join(f"{k} {v:.2f} s" for k, v in r["timings"].items())
                print(f"{w:>7} workers: {r['seconds']:.2f} s, {n / r['seconds']:.1f} objects/s, exit {r['exit']}"
                      + (f" ({stages})" if stages else "") + ("" if r["exit"] in (0, 1) else f"  {r['tail']}"))
        return 0 if same else 1
    finally:
        stop_group(proxy)
        if proxy is not None:
            tail = (workdir / "proxy.log").read_text().strip()
            if tail:
                print(f"proxy: {tail.splitlines()[-1]}")
        stop_group(moto)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
