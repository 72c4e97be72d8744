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
