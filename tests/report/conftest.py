"""The report written once per session from the hand-built RunResult (the PDF render is the slow part)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sample_run import make_frameworks, make_result

from auditreport.report import write_reports


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    # a stale CSV from an earlier run must not survive
    (out / "evidence").mkdir()
    (out / "evidence" / "old_check.csv").write_text("x\n")
    outputs = write_reports(make_result(), out, make_frameworks(), evidence_row_cap=25,
                            generated_at=datetime(2026, 11, 1, 2, 3, 30, tzinfo=timezone.utc))
    (out / "_outputs.txt").write_text("\n".join(f"{k}={v}" for k, v in outputs.items()))
    return out
