"""The configuration means what it says: no value is guessed into another type. ``min_log_retention_days = "365"``
(a string), ``1.0`` for an integer, ``true`` for a number or a number for a string is refused with exit 3 and one
line naming the file and the key; the run does not start, and nothing is written to ``--out``."""

from __future__ import annotations

import pytest

from auditreport.config import SAMPLE_CONFIG, load_config

from .cli_support import cli, one_error_line

CASES = [
    ('[policy]\nmin_log_retention_days = "365"\n', "policy.min_log_retention_days: Input should be a valid integer"),
    ("[policy]\nmin_log_retention_days = 365.0\n", "policy.min_log_retention_days: Input should be a valid integer"),
    ("[policy]\naccess_denied_threshold = true\n", "policy.access_denied_threshold: Input should be a valid integer"),
    ('[policy]\nmax_delivery_gap_hours = "6"\n', "policy.max_delivery_gap_hours: Input should be a valid integer"),
    ('[policy]\nml_log_group_prefixes = "/aws/sagemaker/"\n', "policy.ml_log_group_prefixes: Input should be a valid list"),
    ("[policy]\napprover_roles = [\"a\", 1]\n", "policy.approver_roles.1: Input should be a valid string"),
    ("[policy]\nproduction_aliases = [[\"x\"]]\n", "policy.production_aliases.0: Input should be a valid string"),
    ('[aws]\nmax_attempts = "8"\n', "aws.max_attempts: Input should be a valid integer"),
    ("[aws]\nmax_concurrency = 8.0\n", "aws.max_concurrency: Input should be a valid integer"),
    ("[aws]\naccounts = [111122223333]\n", "aws.accounts.0: Input should be a valid string"),
    ("[aws]\nprofile = 1\n", "aws.profile: Input should be a valid string"),
    ('[sources.mlflow]\nkind = "rest"\ntracking_uri = "http://m"\ntimeout_seconds = "30"\n',
     "sources.mlflow.timeout_seconds: Input should be a valid number"),
    ('[sources.cloudwatch]\nkind = "aws"\nevent_log_groups = "/ml/a"\n',
     "sources.cloudwatch.event_log_groups: Input should be a valid list"),
    ("organisation = 5\n", "organisation: Input should be a valid string"),
]  # fmt: skip


@pytest.mark.parametrize("body, expected", CASES, ids=[c[1].split(":")[0] + "=" + c[0].split("=")[-1].strip()
                                                        for c in CASES])  # fmt: skip
def test_a_value_of_the_wrong_type_is_refused_in_one_line_naming_file_and_key(tmp_path, body, expected):
    config = tmp_path / "auditreport.toml"
    config.write_text(body)
    out = tmp_path / "out"
    r = cli("run", "--config", config, "--out", out)
    line = one_error_line(r)
    assert r.returncode == 3, r.stderr
    assert line == f"auditreport: error: {config}: {expected}", line
    assert not out.exists()


def test_the_sample_configuration_still_loads_with_its_values():
    cfg = load_config(SAMPLE_CONFIG)
    assert cfg.policy.min_log_retention_days == 365 and cfg.policy.access_denied_threshold == 10
    assert cfg.policy.approver_roles == ["arn:aws:iam::*:role/ml-approver"]
    assert set(cfg.sources) == {"cloudtrail", "trails", "sagemaker", "cloudwatch", "iam", "s3", "eks", "mlflow"}
    assert cfg.sources["cloudtrail"].path == (SAMPLE_CONFIG.parent / "cloudtrail").resolve()


def test_the_readme_live_configuration_still_loads(tmp_path):
    """The live example of README.md (accounts, regions, s3 and aws sources, integers as integers) is valid."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = re.search(r"### A live configuration.*?```toml\n(.*?)```", readme, re.DOTALL)
    assert block, "README.md has no live configuration example"
    config = tmp_path / "live.toml"
    config.write_text(block.group(1))
    cfg = load_config(config)
    assert cfg.aws.max_concurrency == 8 and cfg.sources["cloudtrail"].kind == "s3"
