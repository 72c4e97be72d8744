"""auditreport.errors: one hierarchy; each class has its exit code and a one-line message naming the input."""

from __future__ import annotations

import pytest

from auditreport.errors import AuditReportError, CheckDefinitionError, ConfigError, InputError, SourceError
from auditreport.results import EXIT_CONFIG, EXIT_CRASH, EXIT_INCOMPLETE


@pytest.mark.parametrize("cls,code", [(AuditReportError, EXIT_CRASH), (ConfigError, EXIT_CONFIG),
                                      (CheckDefinitionError, EXIT_CONFIG), (SourceError, EXIT_INCOMPLETE),
                                      (InputError, EXIT_INCOMPLETE)])
def test_each_error_class_has_its_exit_code(cls, code):
    assert cls.exit_code == code
    assert issubclass(cls, AuditReportError)
    assert (AuditReportError.exit_code, ConfigError.exit_code, SourceError.exit_code) == (4, 3, 2)


def test_config_and_check_definition_errors_are_their_message():
    assert str(ConfigError("audit.toml: period: bad")) == "audit.toml: period: bad"
    assert str(CheckDefinitionError("queries/x/y.sql: no header")) == "queries/x/y.sql: no header"
    assert ConfigError("x").exit_code == 3 and CheckDefinitionError("x").exit_code == 3


def test_source_error_names_the_source_in_one_line():
    e = SourceError("cloudtrail", "/data/ct: directory not found")
    assert str(e) == "source 'cloudtrail': /data/ct: directory not found"
    assert e.source == "cloudtrail" and e.exit_code == 2
    assert "\n" not in str(e)


def test_input_error_names_the_key_and_keeps_reason_and_detail():
    e = InputError("AWSLogs/1/CloudTrail/x.json.gz", "corrupt_gzip", "not a gzip file")
    assert str(e) == "AWSLogs/1/CloudTrail/x.json.gz: not a gzip file"
    assert (e.key, e.reason, e.detail) == ("AWSLogs/1/CloudTrail/x.json.gz", "corrupt_gzip", "not a gzip file")
    assert e.exit_code == 2


def test_every_error_is_caught_as_an_auditreport_error():
    for err in (ConfigError("c"), SourceError("s", "m"), InputError("k", "r", "d"), CheckDefinitionError("x")):
        with pytest.raises(AuditReportError):
            raise err


def test_environment_failure_from_an_os_error_names_its_path_or_the_hint():
    import errno

    from auditreport.errors import EnvironmentFailure, environment_failure

    e = environment_failure(PermissionError(errno.EACCES, "Permission denied", "/out/lake/x.parquet"), "/out")
    assert isinstance(e, EnvironmentFailure) and e.exit_code == 5
    assert str(e) == "/out/lake/x.parquet: Permission denied"
    full = environment_failure(OSError(errno.ENOSPC, "No space left on device"), "/out")  # a write() names no file
    assert str(full) == "/out: No space left on device"
    assert environment_failure(FileNotFoundError(errno.ENOENT, "No such file", "/x")) is None  # could be a bug: 4
    assert environment_failure(ValueError("x")) is None


def test_environment_failure_reads_duckdb_io_errors_on_a_real_full_device_and_a_missing_one():
    """DuckDB reports ENOSPC as an IOException whose text carries a JSON errno (here: a real write to /dev/full)."""
    import os

    import duckdb

    from auditreport.errors import environment_failure

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    con = duckdb.connect()
    with pytest.raises(duckdb.IOException) as full:
        con.execute("COPY (SELECT range FROM range(100000)) TO '/dev/full' (FORMAT csv)")
    assert str(environment_failure(full.value)) == "/dev/full: No space left on device"
    with pytest.raises(duckdb.IOException) as missing:
        con.execute("COPY (SELECT 1) TO '/nonexistent-dir/x.csv' (FORMAT csv)")
    assert environment_failure(missing.value) is None  # "No such file or directory" is not the machine refusing
