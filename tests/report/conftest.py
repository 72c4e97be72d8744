"""The report written once per session from the hand-built RunResult on the real catalogue (the PDF render is the slow
part), and its outputs as the tests read them."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sample_run import make_result

from auditreport.report import write_reports


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    # a stale CSV from an earlier run must not survive
    (out / "evidence").mkdir()
    (out / "evidence" / "old_check.csv").write_text("x\n")
    handed_out = []  # what was written when write_reports gave its cue (test_report.py reads it)
    outputs = write_reports(make_result(), out, evidence_row_cap=25,
                            generated_at=datetime(2026, 11, 1, 2, 3, 30, tzinfo=timezone.utc),
                            on_handed_out=lambda: handed_out.append(sorted(p.name for p in out.iterdir())))
    (out / "_outputs.txt").write_text("\n".join(f"{k}={v}" for k, v in outputs.items()))
    (out / "_handed_out.json").write_text(json.dumps(handed_out))
    return out


@pytest.fixture(scope="session")
def html(report_dir: Path) -> str:
    return (report_dir / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def findings(report_dir: Path) -> dict:
    return json.loads((report_dir / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def pdf_text(report_dir: Path) -> str:
    # `make test` installs poppler-utils (scripts/ensure-system-deps.sh --test): a missing tool is a failure
    assert shutil.which("pdftotext"), "pdftotext is missing: run scripts/ensure-system-deps.sh --test"
    return subprocess.run(["pdftotext", "-layout", str(report_dir / "report.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def sample_month(tmp_path_factory):
    """The bundled sample month through extract, load and the checks (no report): a real RunResult whose figures,
    models in production included, come from the real lake."""
    from auditreport.config import SAMPLE_CONFIG, load_config
    from auditreport.runner import Run

    config = load_config(SAMPLE_CONFIG)
    run = Run(config, config.resolve_period(), tmp_path_factory.mktemp("sample-month"))
    try:
        run.extract_and_load()
        run.check()
    finally:
        run.close()
    return run.result

@pytest.fixture(scope="session")
def sample_month_dir(sample_month) -> Path:
    """The bundled sample month, extracted, loaded and checked as `auditreport run` does, with every report output
    but the PDF (the slow part, which the browser tests do not read), written beside its lake."""
    out = sample_month.out_dir
    write_reports(sample_month, out, pdf=False)
    return out


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (Debian's, driven by Playwright). Not per session: Playwright's sync API
    keeps an event loop running in the main thread while it is open, and a later test that calls asyncio.run()
    (pyHanko signs that way) would fail."""
    from browser_support import browser

    with browser() as instance:
        yield instance
