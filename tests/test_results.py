"""auditreport.results: the run's result object. Exit codes: incomplete -> 2; a failing check at or above
--fail-on -> 1; otherwise 0. Incomplete means an unavailable/partial source or an error/no_data check."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.model import SEVERITIES, CheckResult
from auditreport.period import Period
from auditreport.results import (EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, InputFile, RunResult,
                                 SourceStatus)  # fmt: skip


@pytest.fixture(scope="module")
def checks_by_severity():
    """A real check of the catalogue, once at each severity (the catalogue need not use them all)."""
    base = next(iter(load_catalogue()))
    return {s: replace(base, id=f"{base.id}_{s}", severity=s) for s in SEVERITIES}


def _result(sources=(), checks=()) -> RunResult:
    return RunResult(run_id="r", tool_version="0", organisation="o", period=Period(2026, 10), config_path="",
                     config_sha256="", started_at=datetime.now(timezone.utc), sources=list(sources),
                     checks=list(checks))  # fmt: skip


def _check(check, status, message="", rows=()):
    return CheckResult(check=check, status=status, message=message, rows=list(rows))


def test_an_empty_result_is_complete_and_exits_0():
    r = _result()
    assert r.complete and r.incomplete_reasons == [] and r.exit_code() == EXIT_OK == 0


def test_incomplete_reasons_name_unavailable_and_partial_sources(checks_by_severity):
    r = _result(sources=[SourceStatus("cloudtrail", "files", "unavailable", detail="/x: directory not found"),
                         SourceStatus("iam", "aws", "partial", detail="111122223333: AccessDenied"),
                         SourceStatus("mlflow", "not_configured", "not_configured", detail="not in the configuration"),
                         SourceStatus("s3", "files", "ok")])  # fmt: skip
    assert r.incomplete_reasons == ["source 'cloudtrail' unavailable: /x: directory not found",
                                    "source 'iam' partial: 111122223333: AccessDenied"]
    assert not r.complete


def test_incomplete_reasons_name_error_and_no_data_checks(checks_by_severity):
    a, b = list(checks_by_severity.values())[:2]
    r = _result(checks=[_check(a, "error", "Binder Error: x"), _check(b, "no_data", "source 'mlflow' is not configured"),
                        _check(a, "pass"), _check(b, "fail"), _check(a, "info")])  # fmt: skip
    assert r.incomplete_reasons == [f"check '{a.id}' error: Binder Error: x",
                                    f"check '{b.id}' no_data: source 'mlflow' is not configured"]


def test_a_not_configured_source_alone_does_not_make_the_run_incomplete():
    r = _result(sources=[SourceStatus("mlflow", "not_configured", "not_configured")])
    assert r.complete and r.exit_code("info") == 0


def test_exit_code_incomplete_is_2_even_with_failing_checks(checks_by_severity):
    crit = checks_by_severity["critical"]
    r = _result(sources=[SourceStatus("iam", "aws", "unavailable", detail="d")], checks=[_check(crit, "fail")])
    assert r.exit_code() == r.exit_code("info") == EXIT_INCOMPLETE == 2


@pytest.mark.parametrize("fail_on", SEVERITIES)
def test_exit_code_is_1_only_for_a_fail_at_or_above_fail_on(checks_by_severity, fail_on):
    for severity, check in checks_by_severity.items():
        r = _result(checks=[_check(check, "fail")])
        at_or_above = SEVERITIES.index(severity) <= SEVERITIES.index(fail_on)
        assert r.exit_code(fail_on) == (EXIT_FINDINGS if at_or_above else EXIT_OK), (severity, fail_on)


def test_exit_code_without_fail_on_is_0_whatever_fails(checks_by_severity):
    r = _result(checks=[_check(c, "fail") for c in checks_by_severity.values()])
    assert r.exit_code() == r.exit_code(None) == EXIT_OK


def test_exit_code_ignores_passing_and_info_checks(checks_by_severity):
    r = _result(checks=[_check(c, s) for c in checks_by_severity.values() for s in ("pass", "info")])
    assert r.exit_code("info") == EXIT_OK


def test_status_counts_has_every_status_even_when_zero(checks_by_severity):
    c = next(iter(checks_by_severity.values()))
    assert _result().status_counts() == {"pass": 0, "fail": 0, "error": 0, "no_data": 0, "info": 0}
    r = _result(checks=[_check(c, "fail"), _check(c, "fail"), _check(c, "pass"), _check(c, "no_data")])
    assert r.status_counts() == {"pass": 1, "fail": 2, "error": 0, "no_data": 1, "info": 0}


def test_failing_by_severity_counts_failed_checks_per_severity(checks_by_severity):
    r = _result(checks=[_check(c, "fail") for c in checks_by_severity.values()]
                + [_check(c, "pass") for c in checks_by_severity.values()])
    counts = r.failing_by_severity()
    assert list(counts) == SEVERITIES
    assert counts == {s: 1 for s in SEVERITIES}
    assert _result(checks=[_check(checks_by_severity["high"], "fail")] * 2).failing_by_severity()["high"] == 2


def test_check_result_counts_rows_by_status(checks_by_severity):
    c = next(iter(checks_by_severity.values()))
    res = _check(c, "fail", rows=[{"status": "fail"}, {"status": "pass"}, {"status": "fail"}, {}])
    assert res.counts == {"pass": 1, "fail": 2, "info": 1}
    assert res.failing_rows == [{"status": "fail"}, {"status": "fail"}]


def test_input_file_and_source_status_defaults():
    f = InputFile(source="iam", key="a.json", sha256="0" * 64, size_bytes=3)
    assert (f.records, f.status) == (None, "loaded")
    s = SourceStatus("iam", "files", "ok")
    assert (s.objects_read, s.records_loaded, s.time_min, s.tables) == (0, 0, None, [])
    assert SourceStatus("a", "b", "c").tables is not s.tables
