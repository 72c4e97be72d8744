"""run(config, period) -> RunResult: extract, load, check, report. The CLI is a thin layer over this."""

from __future__ import annotations

import secrets
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from . import __version__, lake
from .checks.model import CheckResult
from .config import SOURCE_NAMES, Config
from .errors import SourceError
from .extract.base import ExtractContext, ExtractOutcome
from .extract.registry import make_extractor
from .load.aws_snapshots import READERS
from .load.cloudtrail import CloudTrailLoader
from .load.digests import read_digests
from .load.mlflow_snapshots import read_mlflow
from .period import Period
from .results import InputFile, RunResult, SourceStatus

BOOKKEEPING_TABLES = {"ingest_objects", "quarantine"}  # written by the loader itself, never "unavailable"


def new_run_id(period: Period) -> str:
    return f"{period.label}-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def connect(out_dir: Path | None = None, memory_limit: str = "4GB") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    if out_dir is not None:
        tmp = Path(out_dir) / ".duckdb_tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{tmp}'")
    return con


class Run:
    """One monthly run. Stages are methods so that ``extract`` alone can reuse the first two."""

    def __init__(self, config: Config, period: Period, out_dir: Path, progress=None):
        self.config = config
        self.period = period
        self.out_dir = Path(out_dir)
        self.lake_root = self.out_dir / "lake"
        self.raw_dir = self.out_dir / "raw"
        self.run_id = new_run_id(period)
        self.progress = progress or (lambda source, objects, nbytes: None)
        self.result = RunResult(
            run_id=self.run_id, tool_version=__version__, organisation=config.organisation, period=period,
            config_path=str(config.config_path or ""), config_sha256=config.config_sha256,
            started_at=datetime.now(timezone.utc), out_dir=self.out_dir, policy=config.policy_params(),
        )  # fmt: skip
        self.unavailable: dict[str, str] = {}  # table -> why its evidence is missing
        self.con: duckdb.DuckDBPyConnection | None = None

    @contextmanager
    def _timed(self, stage: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.result.timings[stage] = round(self.result.timings.get(stage, 0) + time.perf_counter() - t0, 3)

    # --- extract + load ------------------------------------------------------------------------------------
    def extract_and_load(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.con = connect(self.out_dir)
        ct_loader = CloudTrailLoader(self.con, self.lake_root, self.run_id)
        ctx = ExtractContext(
            config=self.config, period=self.period, raw_dir=self.raw_dir, run_id=self.run_id,
            already_loaded=ct_loader.already_loaded() if self.lake_root.exists() else {}, progress=self.progress,
        )  # fmt: skip
        for name in SOURCE_NAMES:
            src_cfg = self.config.sources.get(name)
            tables = [t for t, spec in lake.TABLES.items() if spec.source == name and t not in BOOKKEEPING_TABLES]
            status = SourceStatus(name=name, kind=src_cfg.kind if src_cfg else "not_configured", status="ok", tables=tables)
            self.result.sources.append(status)
            if src_cfg is None:
                status.status, status.detail = "not_configured", "not in the configuration"
                self._mark_unavailable(tables, f"source '{name}' is not configured")
                continue
            try:
                with self._timed(f"extract.{name}"):
                    outcome = make_extractor(name, src_cfg, self.config).extract(ctx)
                status.location = outcome.location
                with self._timed(f"load.{name}"):
                    if name == "cloudtrail":
                        self._load_cloudtrail(ct_loader, outcome, status)
                    else:
                        self._load_snapshots(name, outcome, status)
                for label in (name, f"{name} (load)"):
                    getattr(self.progress, "done", lambda _: None)(label)
                if outcome.errors:
                    status.status = "partial"
                    status.detail = "; ".join(outcome.errors[:3]) + (f" (+{len(outcome.errors) - 3} more)" if len(outcome.errors) > 3 else "")
            except SourceError as e:
                status.status, status.detail = "unavailable", str(e).removeprefix(f"source '{name}': ")
                self._mark_unavailable(tables, f"source '{name}' unavailable: {status.detail}")
        self._create_views()
        self._coverage()

    def _mark_unavailable(self, tables: list[str], why: str) -> None:
        for t in tables:
            self.unavailable[t] = why

    def _load_cloudtrail(self, loader: CloudTrailLoader, outcome: ExtractOutcome, status: SourceStatus) -> None:
        done = [0, 0]

        def progress(n, nbytes):  # the reporter takes running totals
            done[0] += n
            done[1] += nbytes
            self.progress("cloudtrail (load)", done[0], done[1])

        stats = loader.load(outcome.objects, progress=progress)
        status.objects_read = stats.objects_read
        status.objects_loaded = stats.objects_loaded
        status.objects_quarantined = stats.objects_quarantined + stats.objects_changed
        status.objects_skipped = stats.objects_skipped
        for i in stats.inputs:
            self.result.inputs.append(InputFile(source="cloudtrail", key=i["key"], sha256=i["sha256"],
                                                size_bytes=i["size_bytes"], records=i["records"], status=i["status"]))
        if stats.objects_changed:
            status.detail = f"{stats.objects_changed} object(s) changed since an earlier run loaded them"
        digests = read_digests(outcome.objects, self.run_id)
        lake.replace_period_files(self.con, self.lake_root, "cloudtrail_digests", digests.digests, self.period.label)
        lake.replace_period_files(self.con, self.lake_root, "cloudtrail_digest_log_files", digests.log_files, self.period.label)
        self._write_quarantine("cloudtrail_digest", digests.quarantine)
        for i in digests.inputs:
            self.result.inputs.append(InputFile(source="cloudtrail_digest", **i))
        self._period_keys = {o.key for o in outcome.objects}

    def _load_snapshots(self, name: str, outcome: ExtractOutcome, status: SourceStatus) -> None:
        read = (read_mlflow if name == "mlflow" else READERS[name])(outcome.root, self.run_id)
        for table in status.tables:
            rows = read.rows.get(table, [])
            if lake.TABLES[table].partitioned:
                lake.replace_period_files(self.con, self.lake_root, table, rows, self.period.label)
            else:
                lake.replace_table(self.con, self.lake_root, table, rows, self.run_id)
        self._write_quarantine(name, read.quarantine)
        if name != "mlflow":  # a snapshot covers one instant: when it was captured
            status.time_min = status.time_max = read.captured_at
        status.objects_read = len(read.inputs)
        status.objects_quarantined = sum(1 for i in read.inputs if i["status"] == "quarantined")
        status.objects_loaded = status.objects_read - status.objects_quarantined
        status.records_quarantined = len(read.quarantine) - status.objects_quarantined
        for i in read.inputs:
            self.result.inputs.append(InputFile(source=name, **i))
        if not read.inputs:
            raise SourceError(name, f"{outcome.location}: no evidence files found in the expected layout")

    def _write_quarantine(self, source: str, rows: list[dict]) -> None:
        """Quarantine rows of snapshot sources: one file per source, replaced each run (they are re-read whole)."""
        path = self.lake_root / "quarantine" / f"snapshot-{source}.parquet"
        if path.exists():
            path.unlink()
        if rows:
            lake.create_temp_table(self.con, "quarantine", "_snap_q")
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            lake.insert_rows(self.con, "quarantine", "_snap_q", [{"quarantined_at": now, **r} for r in rows])
            lake.write_parquet(self.con, "SELECT * FROM _snap_q", path)

    def _create_views(self) -> None:
        for name in lake.TABLES:
            self.con.execute(lake.view_sql(self.lake_root, name))

    def _span(self, table: str) -> tuple:
        """(rows, first, last) of an event table within the period."""
        col = lake.TABLES[table].time_column
        return self.con.execute(
            f'SELECT count(*), min("{col}"), max("{col}") FROM "{table}" WHERE "{col}" >= $s AND "{col}" < $e',
            {"s": self.period.start, "e": self.period.end},
        ).fetchone()

    def _coverage(self) -> None:
        """Per source: rows in the lake for the period, their time span, and the run's quarantine rows."""
        con = self.con
        for name in lake.TABLES:
            self.result.table_counts[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        by_name = {s.name: s for s in self.result.sources}
        ct = by_name["cloudtrail"]
        if ct.status in ("ok", "partial"):
            ct.records_loaded, ct.time_min, ct.time_max = self._span("cloudtrail_events")
            keys = sorted(getattr(self, "_period_keys", set()))
            import pyarrow as pa

            period_keys = pa.table({"k": pa.array(keys, pa.string())})
            con.execute("CREATE OR REPLACE TEMP TABLE _period_keys AS SELECT k FROM period_keys")  # Arrow scan
            del period_keys
            ct.records_quarantined = con.execute(
                "SELECT count(*) FROM quarantine WHERE source = 'cloudtrail' AND record_index IS NOT NULL "
                "AND object_key IN (SELECT k FROM _period_keys)"
            ).fetchone()[0]
        cw = by_name["cloudwatch"]
        if cw.status in ("ok", "partial"):
            n, lo, hi = self._span("cloudwatch_log_events")
            cw.records_loaded = n + self.result.table_counts["cloudwatch_log_groups"]
            cw.time_min, cw.time_max = lo, hi
        for s in self.result.sources:
            if s.name not in ("cloudtrail", "cloudwatch") and s.status in ("ok", "partial"):
                s.records_loaded = sum(self.result.table_counts.get(t, 0) for t in s.tables)
        mlflow = by_name["mlflow"]
        if mlflow.status in ("ok", "partial"):
            mlflow.time_min, mlflow.time_max = con.execute(
                "SELECT min(snapshot_at), max(snapshot_at) FROM mlflow_registered_models"
            ).fetchone()
        keys_filter = "object_key IN (SELECT k FROM _period_keys)" if ct.status in ("ok", "partial") else "false"
        cur = con.execute(
            f"SELECT * FROM quarantine WHERE (source = 'cloudtrail' AND {keys_filter}) OR source <> 'cloudtrail' "
            "ORDER BY source, object_key, record_index NULLS FIRST"
        )
        cols = [d[0] for d in cur.description]
        self.result.quarantine = [dict(zip(cols, r)) for r in cur.fetchall()]

    # --- check ---------------------------------------------------------------------------------------------
    def check(self) -> None:
        from .checks.catalogue import load_catalogue
        from .checks.runner import run_check

        params = {**self.config.policy_params(), "period_start": self.period.start, "period_end": self.period.end}
        with self._timed("check"):
            for check in load_catalogue():
                result: CheckResult = run_check(
                    self.con, check, params, self.unavailable, period_start=self.period.start, period_end=self.period.end
                )
                self.result.checks.append(result)

    # --- report --------------------------------------------------------------------------------------------
    def report(self, evidence_row_cap: int = 25) -> None:
        from .checks.catalogue import default_queries_dir
        from .checks.frameworks import load_frameworks
        from .report import write_reports
        from .duckdb_file import write_audit_database
        from .manifest import write_manifest

        with self._timed("report"):
            self.result.finished_at = datetime.now(timezone.utc)
            self.result.outputs.update(write_audit_database(self.out_dir, self.lake_root, self.result))
            self.result.outputs.update(write_reports(self.result, self.out_dir, load_frameworks(default_queries_dir() / "frameworks"), evidence_row_cap))
        self.result.outputs.update(write_manifest(self.result, self.out_dir))

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def run(config: Config, period: Period, out_dir: Path, progress=None, evidence_row_cap: int = 25) -> RunResult:
    """The monthly job: extract every configured source, load the lake, run every check, write the reports."""
    r = Run(config, period, out_dir, progress)
    try:
        r.extract_and_load()
        r.check()
        r.report(evidence_row_cap)
    finally:
        r.close()
    return r.result


def extract(config: Config, period: Period, out_dir: Path, progress=None) -> RunResult:
    """Extract and load only (no checks, no report): for teams that extract daily and report monthly."""
    from .manifest import write_manifest

    r = Run(config, period, out_dir, progress)
    try:
        r.extract_and_load()
        r.result.finished_at = datetime.now(timezone.utc)
        r.result.outputs.update(write_manifest(r.result, r.out_dir, name="extract-manifest.json"))
    finally:
        r.close()
    return r.result
