"""run(config, period) -> RunResult: extract, load, check, report. The CLI is a thin layer over this.

The runner orchestrates and keeps the run's account; what each source is, how it is extracted, loaded and measured
is its record's business (:mod:`auditreport.sources`).
"""

from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from . import __version__
from .config import Config
from .checks.catalogue import Catalogue, load_catalogue
from .checks.runner import run_checks
from .errors import SourceError
from .extract.base import ExtractContext
from .lake import TABLES
from .lake.connection import connect, create_views, cursor, settle_lake
from .load.base import LoadContext, LoadResult, table_count
from .load.gc_pause import gc_paused
from .notify import notifies_failure, outcome_of_result
from .notify import notify as send_notification
from .output_lock import output_lock
from .period import Period, day_runs
from .privacy import privacy_masker
from .results import DayCoverage, RunResult, SourceStatus
from .source_settings import FilesSettings
from .sources import SOURCES, Source


def new_run_id(period: Period) -> str:
    return f"{period.slug}-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


class Run:
    """One run. Stages are methods so that ``extract`` alone can reuse the first two."""

    def __init__(self, config: Config, period: Period, out_dir: Path, progress=None, catalogue: Catalogue | None = None,
                 fetch: bool = True):
        self.config = config
        self.fetch = fetch  # False: live sources are read from what earlier runs put in OUT/raw/, nothing is fetched
        # first: a bad check or framework file stops the run before any work
        self.catalogue = catalogue or load_catalogue(user_frameworks_dir=config.frameworks_dir,
                                                       user_checks_dir=config.checks_dir)
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
            catalogue=self.catalogue,
        )  # fmt: skip
        self.unavailable: dict[str, str] = {}  # table -> why its evidence is missing
        self.masker = privacy_masker(config)
        self.con = None
        self.fail_on: str | None = None  # the --fail-on of a run: its notification tells findings from complete
        self._loaded: list[tuple[Source, object, LoadResult, SourceStatus]] = []

    @contextmanager
    def _timed(self, stage: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.result.timings[stage] = round(self.result.timings.get(stage, 0) + time.perf_counter() - t0, 3)

    # --- extract + load ------------------------------------------------------------------------------------
    def extract_and_load(self) -> None:
        self.con = connect(work_dir=self.out_dir)
        for source in SOURCES.values():
            self._extract_and_load(source)
        self._apply_retention()
        create_views(self.con, self.lake_root)
        self._measure_coverage()

    def _apply_retention(self) -> None:
        from .retention import apply_retention

        partitioned = [name for name, table in TABLES.items() if table.partitioned]
        self.result.retention = apply_retention(self.config.retention, self.period, self.out_dir, partitioned)

    def _held(self, source: Source, settings):
        """Without fetching, a live source is read as files from ``OUT/raw/<source>/``, where its extractor put its
        evidence in the canonical layout on earlier runs (a files source is read where it is, as always)."""
        held = source.kinds["files"].settings
        if getattr(settings, "trails", None):  # several trails: OUT/raw/cloudtrail/<trail>/ each
            return held.model_validate({"kind": "files", "trails": [
                {"name": t.name, "path": self.raw_dir / source.name / t.name} for t in settings.trails]})
        return held.model_validate({"kind": "files", "path": self.raw_dir / source.name})

    def _extract_and_load(self, source: Source) -> None:
        name = source.name
        settings = source.settings_for(self.config)
        status = SourceStatus(name=name, kind=settings.kind if settings else "not_configured", status="ok",
                              tables=source.tables)  # fmt: skip
        self.result.sources.append(status)
        if settings is None:
            status.status, status.detail = "not_configured", "not in the configuration"
            self._mark_unavailable(source, f"source '{name}' is not configured")
            return
        held = not self.fetch and not isinstance(settings, FilesSettings)  # a live source, read from OUT/raw/
        if held:
            settings = self._held(source, settings)
        loader = source.loader_instance()
        load_ctx = LoadContext(con=self.con, lake_root=self.lake_root, period=self.period, run_id=self.run_id,
                               progress=self._load_progress(name))  # fmt: skip
        extract_ctx = ExtractContext(period=self.period, raw_dir=self.raw_dir, run_id=self.run_id,
                                     already_loaded=loader.already_loaded(load_ctx), progress=self.progress,
                                     held=held)  # fmt: skip
        try:
            with self._timed(f"extract.{name}"):
                raw = source.extractor(settings, self.config.aws).extract(extract_ctx)
            status.location = raw.location
            with self._timed(f"load.{name}"):
                loaded = loader.load(raw, load_ctx)
        except SourceError as e:
            status.status, status.detail = "unavailable", str(e).removeprefix(f"source '{name}': ")
            self._mark_unavailable(source, f"source '{name}' unavailable: {status.detail}")
            return
        for label in (name, f"{name} (load)"):
            getattr(self.progress, "done", lambda _: None)(label)
        self._account(status, loaded)
        if raw.errors:
            status.status = "partial"
            more = f" (+{len(raw.errors) - 3} more)" if len(raw.errors) > 3 else ""
            status.detail = "; ".join(raw.errors[:3]) + more
        self._loaded.append((source, loader, loaded, status))

    def _load_progress(self, name: str):
        """The loaders report increments; the progress reporter takes running totals."""
        done = [0, 0]

        def progress(objects: int, nbytes: int) -> None:
            done[0] += objects
            done[1] += nbytes
            self.progress(f"{name} (load)", done[0], done[1])

        return progress

    def _account(self, status: SourceStatus, loaded: LoadResult) -> None:
        status.objects_read, status.objects_loaded = loaded.objects_read, loaded.objects_loaded
        status.objects_quarantined, status.objects_skipped = loaded.objects_quarantined, loaded.objects_skipped
        status.records_quarantined = loaded.records_quarantined
        status.detail = loaded.detail
        self.result.inputs.extend(loaded.inputs)

    def _mark_unavailable(self, source: Source, why: str) -> None:
        for t in source.tables:
            self.unavailable[t] = why

    def _measure_coverage(self) -> None:
        """Per source: rows in the lake for the period, their time span, and the quarantine rows that concern it."""
        for name in TABLES:
            self.result.table_counts[name] = table_count(self.con, name)
        quarantine = []
        for _source, loader, loaded, status in self._loaded:
            cov = loader.coverage(self.con, self.period, loaded)
            status.records_loaded, status.time_min, status.time_max = cov.records_loaded, cov.time_min, cov.time_max
            if cov.days_present is not None:
                self._day_coverage(status, cov.days_present)
            status.scopes = cov.scopes
            if cov.records_quarantined is not None:
                status.records_quarantined = cov.records_quarantined
            quarantine += cov.quarantine
        self.result.quarantine = sorted(
            quarantine, key=lambda q: (q["source"], q["object_key"] or "", q["record_index"] is not None,
                                       q["record_index"] or 0))  # fmt: skip

    def _day_coverage(self, status: SourceStatus, present: list) -> None:
        """Days of the period without a single record make the source partial: a missing day is never a pass. Only
        the days that ended before the run started are expected (a daily extract of the current month is not
        missing the days to come)."""
        today = self.result.started_at.astimezone(timezone.utc).date()
        expected = [d for d in self.period.days() if d < today]
        missing = sorted(set(expected) - set(present))
        status.days = DayCoverage(len(expected), len(expected) - len(missing), day_runs(missing))
        to_come = len(self.period.days()) - len(expected)
        first_to_come = max(today, self.period.start.date())
        notes = [f"the period is not over: its last {to_come} day(s), from {first_to_come.isoformat()}, are not "
                 "counted"] if to_come else []  # fmt: skip
        if missing and status.status == "ok":
            status.status = "partial"
            notes.insert(0, f"no record on {len(missing)} of {len(expected)} days of {self.period.label}: "
                            f"{status.days.missing_text()}")  # fmt: skip
        if notes:
            status.detail = "; ".join(notes + ([status.detail] if status.detail else []))

    # --- check ---------------------------------------------------------------------------------------------
    def check(self) -> None:
        params = self.config.policy_params()
        with self._timed("check"):
            # the lake settled for reading (small tables in memory), then the shared views, made here: ``extract``
            # alone does not need them, and the materialized ones cost a pass over the month's events
            settle_lake(self.con, self.result.table_counts)
            self.catalogue.create_views(self.con, materialize=True)
            from .report.figures import collect

            # the figures' queries on a cursor of their own, beside the checks: they fill the cores the checks leave
            figures_cursor = cursor(self.con)
            with ThreadPoolExecutor(1, thread_name_prefix="auditreport-figures") as beside:
                figures = beside.submit(collect, figures_cursor, self.period, params)
                try:
                    self.result.checks += self._run_checks(params)
                finally:
                    try:
                        self.result.figures = figures.result()
                    finally:
                        figures_cursor.close()
        if self.masker is not None:
            from .masking import mask_run

            with self._timed("privacy"):
                mask_run(self.result, self.masker, self.con)

    def _run_checks(self, params: dict) -> list:
        """The catalogue on the configured engine: DuckDB on the run's connection, or Spark over the same lake."""
        engine = self.config.engine
        if engine.name == "spark":
            from .engines.spark_checks import run_with_spark

            results, self.result.engine = run_with_spark(engine.master, self.lake_root, self.catalogue, self.period,
                                                         params, self.unavailable)  # fmt: skip
            return results
        self.result.engine = {"name": "duckdb", "version": duckdb.__version__}
        return run_checks(self.con, self.catalogue.checks, self.period, params, self.unavailable,
                          table_rows=self.result.table_counts)

    # --- report --------------------------------------------------------------------------------------------
    def report(self, evidence_row_cap: int = 25, signing=None) -> None:
        from .manifest import write_manifest
        from .report import write_reports
        from .report.pdf import prestart_render_workers

        # the garbage collector paused: a full collection walked the run's whole heap for little (:mod:`.load.gc_pause`)
        with self._timed("report"), gc_paused():
            # report.pdf's render workers start first (WeasyPrint, pikepdf, fonts: about 0.5 s of CPU each), while
            # this process builds the report's view and HTML. Started beside the checks instead, they took a core
            # the checks use: the sample month's checks went from 0.67 s to 1.34 s.
            prestart_render_workers()
            self.result.finished_at = datetime.now(timezone.utc)
            # audit.duckdb in a thread beside the reports (DuckDB works without the GIL), started once report.pdf's
            # parts are with the render workers: before, its threads took the cores this process needs to make them
            with ThreadPoolExecutor(max_workers=1) as pool:
                audit_db = []
                self.result.outputs.update(write_reports(
                    self.result, self.out_dir, evidence_row_cap, history_dir=self.config.history_dir,
                    keep_history=self.config.keep_history, signing=signing, timings=self.result.timings,
                    on_handed_out=lambda: audit_db.append(pool.submit(self._audit_database))))
                self.result.outputs.update(audit_db[0].result())
        self.notify("run")
        self.result.outputs.update(write_manifest(self.result, self.out_dir))

    def _audit_database(self) -> dict[str, Path]:
        from .audit_database import write_audit_database

        t0 = time.perf_counter()
        written = write_audit_database(self.out_dir, self.lake_root, self.result)
        self.result.timings["report.audit.duckdb"] = round(time.perf_counter() - t0, 3)
        return written

    def notify(self, command: str) -> None:
        """Before the manifest is written, so that it records what was sent (``notifications``)."""
        if self.config.notify is not None:
            outcome = outcome_of_result(command, self.result, self.fail_on, self.config.notify.report_location)
            self.result.notifications = send_notification(self.config.notify, outcome, self.config.aws)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


@notifies_failure("run")
def run(config: Config, period: Period, out_dir: Path, progress=None, evidence_row_cap: int = 25,
        fail_on: str | None = None, fetch: bool = True) -> RunResult:
    """The monthly job: extract every configured source, load the lake, run every check, write the reports.
    ``fail_on`` (the CLI's --fail-on) only tells a notification "findings" from "complete". ``fetch=False`` fetches
    nothing: live sources are read from what earlier runs (a daily ``extract``) put in ``OUT/raw/``, so a quarter or
    a year is checked and reported over the lake already kept current."""
    signing = None
    if config.signing is not None:  # loaded first: a key that cannot be read stops the run before any work
        from .signing import load_signer

        signing = (load_signer(config.signing, str(config.config_path or "configuration")), config.signing)
    r = Run(config, period, out_dir, progress, fetch=fetch)
    r.fail_on = fail_on
    with output_lock(r.out_dir, r.run_id):
        try:
            r.extract_and_load()
            r.check()
            r.report(evidence_row_cap, signing)
        finally:
            r.close()
    return r.result


@notifies_failure("extract")
def extract(config: Config, period: Period, out_dir: Path, progress=None) -> RunResult:
    """Extract and load only (no checks, no report): for teams that extract daily and report monthly."""
    from .manifest import write_manifest

    r = Run(config, period, out_dir, progress)
    with output_lock(r.out_dir, r.run_id):
        try:
            r.extract_and_load()
            r.result.finished_at = datetime.now(timezone.utc)
            r.notify("extract")
            r.result.outputs.update(write_manifest(r.result, r.out_dir, name="extract-manifest.json"))
        finally:
            r.close()
    return r.result
