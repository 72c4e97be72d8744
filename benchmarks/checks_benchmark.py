"""Checks benchmark: the whole check catalogue, and each check alone, over a lake ``auditreport extract`` wrote.

It opens the lake the way ``auditreport run`` does, with the library's own functions, no SQL of its own:
``lake.connection.connect(work_dir=OUT)`` and ``lake.connection.create_views(con, OUT/lake)`` (one view per lake
table over its Parquet files); then it runs the catalogue with ``runner.Run.check`` (the very stage of a run:
``checks.runner.run_checks``, one check per core at once, with the configuration's policy values, the period, and
the tables whose source was not configured or unavailable, which makes their checks ``no_data`` as in a run). That
stage creates the shared views of ``queries/_views`` itself (materialized where marked), so the catalogue's time
includes them. It prints, per check: id, status, rows returned and seconds (in the catalogue's pass, beside the
others, and in one more pass alone, one check at a time); then the time to
open the lake, the whole catalogue, and the target of the issue "Ingest at the speed of the hardware" (part 5): the
whole catalogue over 2,000,000 events in at most 3 s.

Which configuration, period and sources: read from ``OUT/extract-manifest.json`` (or ``manifest.json`` of a full run),
or given with ``--config`` and ``--period``.

    python benchmarks/checks_benchmark.py                        # bulk workload at 2,000,000 events, built if missing
    python benchmarks/checks_benchmark.py --events 500000 --repeat 3
    python benchmarks/checks_benchmark.py --out out/sample       # any OUT folder a run or an extract wrote

Without ``--out`` it uses the extract output ``ingest_benchmark.py --keep-out`` keeps for the bulk workload of that
size (``<work>/out/bulk-<events>-s<seed>-extract``), and builds it when it is missing: the workload (cached) and one
``auditreport extract`` into that folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(REPO / "src"))  # when run by a Python where auditreport is not installed

import workloads
from ingest_benchmark import auditreport_bin, busy_cpu_seconds

TARGET_SECONDS = 3.0
TARGET_EVENTS = 2_000_000


SAMPLE = REPO / "sample_data"


def toml_value(v) -> str:
    """``v`` (what tomllib read) written back as TOML: JSON's strings, numbers and lists are TOML's too, but a table
    is ``{key = value}`` (``change_windows`` holds some)."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return json.dumps(v)


def all_sources_config(w: workloads.Workload) -> Path:
    """The workload's CloudTrail, and every other source from the bundled sample month (trails, SageMaker,
    CloudWatch, IAM, S3 settings, MLflow) with the sample's policy: so that every check of the catalogue has evidence
    and runs its SQL, the CloudTrail ones over the whole workload."""
    import tomllib

    sample = tomllib.loads((SAMPLE / "auditreport.toml").read_text())
    lines = [f'period = "{workloads.PERIOD}"', "", "[policy]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in sample.get("policy", {}).items()]
    for name, body in sample["sources"].items():
        path = w.root.resolve() if name == "cloudtrail" else (SAMPLE / body["path"]).resolve()
        lines += ["", f"[sources.{name}]", f'kind = "{body["kind"]}"', f"path = {json.dumps(str(path))}"]
    cfg = w.dir / "extract-all-sources.toml"
    cfg.write_text("\n".join(lines) + "\n")
    return cfg


def build_out(events: int, seed: int, work: Path, all_sources: bool) -> Path:
    w = workloads.ensure("bulk", events, seed, work)
    out = workloads.kept_out_dir(w)
    if all_sources:
        out = out.with_name(out.name + "-all-sources")
    if (out / "extract-manifest.json").is_file():
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    cfg = all_sources_config(w) if all_sources else workloads.extract_config(w)
    cmd = [auditreport_bin(), "extract", "--config", str(cfg), "--out", str(out)]
    print(f"building the lake: {' '.join(cmd)}", flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 2):
        sys.exit(f"auditreport extract failed (exit code {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
    print(f"built in {time.perf_counter() - t0:.1f}s -> {out}")
    return out


def read_manifest(out: Path) -> dict:
    for name in ("extract-manifest.json", "manifest.json"):
        p = out / name
        if p.is_file():
            return json.loads(p.read_text())
    return {}


def unavailable_tables(manifest: dict, config) -> dict[str, str]:
    """lake table -> why its evidence is missing, as the run marks it (runner.Run._mark_unavailable): from the
    sources' statuses the run recorded, else from the configuration (a source left out is not configured)."""
    from auditreport.sources import SOURCES

    out: dict[str, str] = {}
    statuses = {s["name"]: s for s in manifest.get("sources", [])}
    for name, source in SOURCES.items():
        s = statuses.get(name)
        if s is not None:
            if s["status"] == "not_configured":
                why = f"source '{name}' is not configured"
            elif s["status"] == "unavailable":
                why = f"source '{name}' unavailable: {s.get('detail', '')}"
            else:
                continue
        elif source.settings_for(config) is None:
            why = f"source '{name}' is not configured"
        else:
            continue
        for t in source.tables:
            out[t] = why
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="an OUT folder auditreport extract (or run) wrote; default: see below")
    ap.add_argument(
        "--events",
        type=int,
        default=workloads.DEFAULT_SIZE["bulk"],
        help="without --out: the bulk workload's size (default %(default)s)",
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=workloads.DEFAULT_WORK)
    ap.add_argument(
        "--with-sample-sources",
        action="store_true",
        help="without --out: a lake with the workload's CloudTrail AND the sample month's other sources, "
        "so that every check runs its SQL (built once under <work>/out/...-all-sources)",
    )
    ap.add_argument("--config", type=Path, help="configuration (default: the one the manifest names)")
    ap.add_argument("--period", help="YYYY-MM (default: the manifest's, else the configuration's)")
    ap.add_argument("--repeat", type=int, default=1, help="run the catalogue this many times; best and first shown")
    ap.add_argument("--json", type=Path, help="write every figure to this JSON file")
    args = ap.parse_args()

    out = (
        args.out.resolve()
        if args.out
        else build_out(args.events, args.seed, args.work.resolve(), args.with_sample_sources)
    )
    if not (out / "lake").is_dir():
        sys.exit(f"{out}: no lake/ folder: not an OUT folder auditreport extract or run wrote")

    from auditreport.checks.catalogue import load_catalogue
    from auditreport.checks.runner import check_threads, run_checks
    from auditreport.config import load_config
    from auditreport.lake import TABLES
    from auditreport.lake.connection import connect, create_views
    from auditreport.load.base import table_count
    from auditreport.period import Period
    from auditreport.runner import Run

    manifest = read_manifest(out)
    cfg_path = args.config or (Path(manifest["config"]["path"]) if manifest.get("config", {}).get("path") else None)
    config = load_config(cfg_path)
    period = Period.parse(args.period) if args.period else (
        Period.parse(manifest["period"]["label"]) if manifest.get("period") else config.resolve_period())  # fmt: skip
    t0 = time.perf_counter()
    catalogue = load_catalogue()
    load_s = time.perf_counter() - t0
    unavailable = unavailable_tables(manifest, config)

    t0 = time.perf_counter()
    con = connect(work_dir=out)
    create_views(con, out / "lake")
    open_s = time.perf_counter() - t0
    events = con.execute(
        "SELECT count(*) FROM cloudtrail_events WHERE event_time >= ? AND event_time < ?", [period.start, period.end]
    ).fetchone()[0]
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    at_once = check_threads()
    print(f"lake: {out / 'lake'}; period {period.label}; {events:,} CloudTrail events in the period; "
          f"{len(catalogue.checks)} checks, {at_once} at once; DuckDB threads {threads}")  # fmt: skip
    print(f"catalogue loaded in {load_s:.3f}s; lake opened (table views) in {open_s:.3f}s")

    run = Run(config, period, out, catalogue=catalogue)  # only its check stage is used: no lock, nothing written
    run.con, run.unavailable = con, unavailable
    t0 = time.perf_counter()  # the rows per table, as a run counts them before its checks (it reads the small ones
    run.result.table_counts = {name: table_count(con, name) for name in TABLES}  # into memory from these counts)
    open_s += time.perf_counter() - t0
    passes = []  # per repetition: (catalogue seconds, [CheckResult])
    others = []  # per repetition: cores other processes of the machine kept busy meanwhile
    for _ in range(max(1, args.repeat)):
        run.result.checks.clear()
        run.result.timings.pop("check", None)
        me0, busy0 = resource.getrusage(resource.RUSAGE_SELF), busy_cpu_seconds()
        t0 = time.perf_counter()
        run.check()
        wall = time.perf_counter() - t0
        me1, busy1 = resource.getrusage(resource.RUSAGE_SELF), busy_cpu_seconds()
        mine = (me1.ru_utime + me1.ru_stime) - (me0.ru_utime + me0.ru_stime)
        others.append(max(0.0, busy1 - busy0 - mine) / wall if wall else 0.0)
        passes.append((wall, list(run.result.checks)))
    # each check alone: one more pass, one check at a time (in the catalogue's passes they share the cores)
    alone = run_checks(con, catalogue.checks, period, config.policy_params(), unavailable, threads=1)
    con.close()

    first = passes[0][1]
    per_check = []
    for i, res in enumerate(first):
        times = [p[1][i].duration_s for p in passes]
        per_check.append({"check": f"{res.check.domain}/{res.check.id}", "status": res.status, "rows": len(res.rows),
                          "seconds": times[0], "best_seconds": min(times), "alone_seconds": alone[i].duration_s,
                          "message": res.message})  # fmt: skip
    width = max(len(c["check"]) for c in per_check) + 2
    extra = f"{'best s':>9}" if len(passes) > 1 else ""
    print(f"\nper check: seconds in the catalogue's pass ({at_once} at once), and alone (one at a time)")
    print(f"{'check':<{width}}{'status':<9}{'rows':>8}{'seconds':>9}{extra}{'alone s':>9}")
    for c in per_check:
        extra = f"{c['best_seconds']:>9.3f}" if len(passes) > 1 else ""
        note = f"  ({c['message'][:70]})" if c["status"] in ("no_data", "error") else ""
        print(f"{c['check']:<{width}}{c['status']:<9}{c['rows']:>8,}{c['seconds']:>9.3f}{extra}"
              f"{c['alone_seconds']:>9.3f}{note}")  # fmt: skip
    cat_times = [p[0] for p in passes]
    total = cat_times[0]
    best = min(cat_times)
    ran_sql = sum(1 for c in per_check if c["status"] != "no_data")
    alone_s = sum(c["alone_seconds"] for c in per_check)
    print(f"{'whole catalogue':<{width}}{'':<9}{sum(c['rows'] for c in per_check):>8,}{total:>9.3f}"
          + (f"{best:>9.3f}" if len(passes) > 1 else "") + f"{alone_s:>9.3f}")  # fmt: skip
    print(f"{ran_sql} of {len(per_check)} checks ran their SQL; the others are no_data (no evidence for them "
          f"in the lake), as in a run")  # fmt: skip
    if max(others) > 0.2:
        print(f"WARNING: other processes kept {', '.join(f'{o:.2f}' for o in others)} cores busy during the "
              f"pass(es) (of {os.cpu_count()}): the times are high")  # fmt: skip
    if len(passes) > 1:
        print(f"catalogue over {len(passes)} passes: first {total:.3f}s, best {best:.3f}s, "
              f"median {statistics.median(cat_times):.3f}s")  # fmt: skip
    scaled = TARGET_SECONDS * events / TARGET_EVENTS
    print(f"\ntarget (issue part 5): whole catalogue over {TARGET_EVENTS:,} events <= {TARGET_SECONDS:.1f}s")
    print(f"measured: {total:.3f}s over {events:,} events = {total / TARGET_SECONDS:.2f} of the target"
          + (f" (at {events:,} events, the target scaled linearly is {scaled:.2f}s: ratio {total / scaled:.2f})"
             if events and events != TARGET_EVENTS else ""))  # fmt: skip
    print(f"with opening the lake: {open_s + total:.3f}s = {(open_s + total) / TARGET_SECONDS:.2f} of the target")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "out": str(out), "period": period.label, "events": events, "duckdb_threads": threads,
            "checks_at_once": at_once, "catalogue_alone_s": alone_s,
            "catalogue_load_s": load_s, "open_s": open_s, "catalogue_s": cat_times, "others_cores": others, "checks": per_check,
            "target": {"seconds": TARGET_SECONDS, "events": TARGET_EVENTS, "ratio": total / TARGET_SECONDS},
        }, indent=1, default=str))  # fmt: skip
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
