"""auditreport.config: one validated configuration read from TOML. Relative paths are relative to the file; every
error is one line naming the file and the key at fault."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from auditreport.config import SAMPLE_CONFIG, Config, load_config
from auditreport.errors import ConfigError
from auditreport.period import Period
from auditreport.source_settings import FilesSettings, MlflowRestSettings, S3BucketSettings, S3TrailSettings
from auditreport.sources import SOURCE_NAMES


def _write(tmp_path: Path, text: str, name: str = "audit.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _error(path: Path) -> str:
    with pytest.raises(ConfigError) as e:
        load_config(path)
    msg = str(e.value)
    assert "\n" not in msg, msg
    assert msg.startswith(f"{path}: "), msg
    assert e.value.exit_code == 3
    return msg.removeprefix(f"{path}: ")


# -- the sample configuration ----------------------------------------------------------------------------------------


def test_load_config_reads_the_sample_config():
    cfg = load_config(SAMPLE_CONFIG)
    assert cfg.organisation == "Northwind Analytics ML Platform (sample)"
    assert cfg.period == "2026-10"
    assert set(cfg.sources) == set(SOURCE_NAMES)
    assert all(isinstance(s, FilesSettings) for s in cfg.sources.values())
    assert cfg.policy.ml_log_group_prefixes == ["/aws/sagemaker/", "/ml/"]
    assert cfg.config_path == SAMPLE_CONFIG.resolve()
    assert cfg.sources["cloudtrail"].path == SAMPLE_CONFIG.parent.resolve() / "cloudtrail"
    assert cfg.sources["iam"].path.is_dir()


def test_load_config_without_a_path_is_the_sample_config():
    assert load_config(None).model_dump() == load_config(SAMPLE_CONFIG).model_dump()


def test_config_sha256_is_the_hash_of_the_file_bytes(tmp_path):
    raw = SAMPLE_CONFIG.read_bytes()
    assert load_config(SAMPLE_CONFIG).config_sha256 == hashlib.sha256(raw).hexdigest()
    path = tmp_path / "c.toml"
    path.write_bytes(raw + b"\n# a comment changes the hash\n")
    assert load_config(path).config_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert load_config(path).config_sha256 != load_config(SAMPLE_CONFIG).config_sha256


def test_relative_paths_are_resolved_against_the_config_files_folder(tmp_path, monkeypatch):
    conf_dir = tmp_path / "it's conf"
    conf_dir.mkdir()
    path = _write(conf_dir, '[sources.iam]\nkind = "files"\npath = "aws"\n'
                            '[sources.trails]\nkind = "files"\npath = "../elsewhere"\n'
                            f'[sources.s3]\nkind = "files"\npath = "{tmp_path / "abs"}"\n')  # fmt: skip
    monkeypatch.chdir(tmp_path)
    cfg = load_config(Path("it's conf") / "audit.toml")
    assert cfg.sources["iam"].path == conf_dir.resolve() / "aws"
    assert cfg.sources["trails"].path == (tmp_path / "elsewhere").resolve()
    assert cfg.sources["s3"].path == tmp_path / "abs"
    assert cfg.config_path == path.resolve()


def test_an_empty_file_is_a_valid_configuration_of_defaults(tmp_path):
    cfg = load_config(_write(tmp_path, ""))
    assert cfg.sources == {} and cfg.period is None and cfg.organisation == "Unnamed organisation"
    assert cfg.policy.min_log_retention_days == 365 and cfg.aws.accounts == []


# -- one-line errors naming file and key -----------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert _error(tmp_path / "nope.toml") == "configuration file not found"


def test_a_directory_is_not_a_configuration(tmp_path):
    assert _error(tmp_path).startswith("cannot read configuration")


def test_invalid_toml(tmp_path):
    msg = _error(_write(tmp_path, 'organisation = "x"\n[policy\n'))
    assert msg.startswith("not valid TOML:") and "line 2" in msg


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('organisation = "Société"\n'.encode("latin-1"))
    assert _error(path).startswith("not valid TOML:")


def test_unknown_top_level_key(tmp_path):
    msg = _error(_write(tmp_path, 'organisaton = "typo"\n'))
    assert msg.startswith("organisaton:") and "Extra inputs are not permitted" in msg


def test_unknown_policy_key_and_bad_policy_value(tmp_path):
    assert _error(_write(tmp_path, "[policy]\nmin_retention = 1\n")).startswith("policy.min_retention:")
    assert _error(_write(tmp_path, "[policy]\nmin_log_retention_days = 0\n")).startswith(
        "policy.min_log_retention_days:")


def test_unknown_source(tmp_path):
    msg = _error(_write(tmp_path, '[sources.guardduty]\nkind = "files"\npath = "x"\n'))
    assert msg.startswith("sources: unknown source 'guardduty' (known: cloudtrail, trails, sagemaker, cloudwatch, "
                          "iam, s3, eks, mlflow)")  # fmt: skip


def test_wrong_kind_for_a_source_lists_the_allowed_kinds(tmp_path):
    msg = _error(_write(tmp_path, '[sources.cloudtrail]\nkind = "aws"\n'))
    assert msg == "sources: source 'cloudtrail' cannot be kind 'aws' (allowed: files, s3)"
    msg = _error(_write(tmp_path, '[sources.mlflow]\ntracking_uri = "http://x"\n'))
    assert msg == "sources: source 'mlflow' cannot be kind 'None' (allowed: files, rest)"


def test_a_source_that_is_not_a_table(tmp_path):
    assert _error(_write(tmp_path, 'sources = { iam = "files" }\n')) == "sources: source 'iam' must be a table with a kind"


def test_bad_key_inside_a_source_names_source_and_key(tmp_path):
    msg = _error(_write(tmp_path, '[sources.cloudtrail]\nkind = "s3"\nuri = "https://bucket"\n'))
    assert msg == "sources.cloudtrail.uri: 'https://bucket' is not an s3://bucket[/prefix] URI"
    msg = _error(_write(tmp_path, '[sources.iam]\nkind = "files"\npath = "x"\nbucket = "b"\n'))
    assert msg.startswith("sources.iam.bucket: Extra inputs are not permitted")
    assert _error(_write(tmp_path, '[sources.trails]\nkind = "files"\n')).startswith("sources.trails.path: Field required")
    msg = _error(_write(tmp_path, '[sources.mlflow]\nkind = "rest"\ntracking_uri = "http://x"\ntimeout_seconds = 0\n'))
    assert msg.startswith("sources.mlflow.timeout_seconds:")


def test_bad_account_id(tmp_path):
    msg = _error(_write(tmp_path, '[aws]\naccounts = ["111122223333", "1234"]\n'))
    assert msg.startswith("aws.accounts:") and "'1234' is not a 12-digit AWS account id" in msg


def test_bad_period(tmp_path):
    msg = _error(_write(tmp_path, 'period = "2026-13"\n'))
    assert msg == ("period: period '2026-13' is not a month (YYYY-MM), a quarter (YYYY-Qn), a year (YYYY) or a "
                   "range of months (YYYY-MM..YYYY-MM): month 13 does not exist")
    assert _error(_write(tmp_path, 'period = "October"\n')).startswith("period: period 'October'")
    assert _error(_write(tmp_path, 'period = "2026-Q5"\n')) == "period: period '2026-Q5': a year has quarters Q1 to Q4"


def test_a_period_may_be_a_quarter_a_year_or_a_range(tmp_path):
    for text in ("2026-Q3", "2026", "2026-01..2026-06"):
        assert load_config(_write(tmp_path, f'period = "{text}"\n')).resolve_period().label == text


def test_retention_settings(tmp_path):
    cfg = load_config(_write(tmp_path, "[retention]\nraw_days = 90\nlake_months = 24\n"))
    assert (cfg.retention.raw_days, cfg.retention.lake_months) == (90, 24)
    assert (Config().retention.raw_days, Config().retention.lake_months) == (None, None)  # keep everything
    assert _error(_write(tmp_path, "[retention]\nraw_days = 0\n")).startswith("retention.raw_days: ")
    assert _error(_write(tmp_path, '[retention]\nlake_months = "12"\n')).startswith("retention.lake_months: ")
    assert _error(_write(tmp_path, "[retention]\ndays = 3\n")).startswith("retention.days: ")


def test_engine_settings(tmp_path):
    assert (Config().engine.name, Config().engine.master) == ("duckdb", None)  # DuckDB unless told otherwise
    cfg = load_config(_write(tmp_path, '[engine]\nname = "spark"\nmaster = "spark://spark-master:7077"\n'))
    assert (cfg.engine.name, cfg.engine.master) == ("spark", "spark://spark-master:7077")
    assert _error(_write(tmp_path, '[engine]\nname = "athena"\n')).startswith("engine.name: ")
    assert _error(_write(tmp_path, '[engine]\nmaster = "local[4]"\n')) == \
        'engine: master is a Spark setting: set name = "spark" too'
    assert _error(_write(tmp_path, '[engine]\nname = "spark"\nmaster = ""\n')).startswith("engine.master: ")


def test_several_errors_are_still_one_line_and_counted(tmp_path):
    msg = _error(_write(tmp_path, 'organisaton = "x"\nperiod = "bad"\n[policy]\nfoo = 1\n'))
    assert "(and 2 more)" in msg


# -- frameworks_dir --------------------------------------------------------------------------------------------------


def test_frameworks_dir_is_relative_to_the_config_file_and_defaults_to_none(tmp_path):
    (tmp_path / "conf" / "my-frameworks").mkdir(parents=True)
    cfg = load_config(_write(tmp_path / "conf", 'frameworks_dir = "my-frameworks"\n'))
    assert cfg.frameworks_dir == (tmp_path / "conf" / "my-frameworks").resolve()
    assert load_config(_write(tmp_path, 'organisation = "x"\n')).frameworks_dir is None
    assert load_config(SAMPLE_CONFIG).frameworks_dir is None


def test_a_frameworks_dir_that_is_not_a_directory_is_one_line(tmp_path):
    msg = _error(_write(tmp_path, 'frameworks_dir = "missing"\n'))
    assert msg == f"frameworks_dir: {(tmp_path / 'missing').resolve()} is not a directory"
    (tmp_path / "a-file").write_text("x")
    assert _error(_write(tmp_path, 'frameworks_dir = "a-file"\n')).endswith("a-file is not a directory")
    assert _error(_write(tmp_path, "frameworks_dir = 3\n")) == "frameworks_dir: must be the path of a folder, as a string"
    assert _error(_write(tmp_path, '[frameworks_dir]\npath = "x"\n')).startswith("frameworks_dir: must be the path")


# -- resolve_period --------------------------------------------------------------------------------------------------


def test_resolve_period_override_beats_file_beats_previous_month():
    cfg = Config(period="2026-10")
    assert cfg.resolve_period("2025-02") == Period(2025, 2)
    assert cfg.resolve_period() == Period(2026, 10)
    assert cfg.resolve_period(None) == Period(2026, 10)
    assert Config().resolve_period() == Period.previous_month()
    assert Config().resolve_period("2024-12") == Period(2024, 12)


def test_resolve_period_previous_month_is_in_utc():
    now = datetime.now(timezone.utc)
    got = Config().resolve_period()
    assert got.start < datetime(now.year, now.month, 1) and got.end == datetime(now.year, now.month, 1)


def test_resolve_period_bad_override_is_a_config_error():
    with pytest.raises(ConfigError, match=r"period '2026-1' is not a month \(YYYY-MM\)"):
        Config().resolve_period("2026-1")


# -- Config as a model -----------------------------------------------------------------------------------------------


def test_model_validate_accepts_settings_objects_or_dicts(tmp_path):
    from_objects = Config.model_validate({"sources": {
        "cloudtrail": S3TrailSettings(kind="s3", uri="s3://trail"),
        "iam": FilesSettings(kind="files", path=tmp_path),
        "mlflow": MlflowRestSettings(kind="rest", tracking_uri="http://m", timeout_seconds=5),
    }})  # fmt: skip
    from_dicts = Config.model_validate({"sources": {
        "cloudtrail": {"kind": "s3", "uri": "s3://trail"},
        "iam": {"kind": "files", "path": str(tmp_path)},
        "mlflow": {"kind": "rest", "tracking_uri": "http://m", "timeout_seconds": 5},
    }})  # fmt: skip
    assert from_objects.model_dump() == from_dicts.model_dump()
    assert isinstance(from_objects.sources["cloudtrail"], S3TrailSettings)
    assert from_objects.sources["mlflow"].timeout_seconds == 5


def test_model_validate_checks_settings_objects_against_their_source():
    with pytest.raises(ValueError, match=r"source 'iam' cannot be kind 's3'"):
        Config.model_validate({"sources": {"iam": S3TrailSettings(kind="s3", uri="s3://b")}})


def test_model_dump_keeps_each_sources_own_fields(tmp_path):
    cfg = Config.model_validate({"sources": {
        "cloudtrail": {"kind": "s3", "uri": "s3://trail/p", "organization_id": "o-abcd1234ef",
                       "bucket_account": "111122223333"},
        "s3": {"kind": "aws", "buckets": ["d"], "bucket_accounts": ["444455556666"]},
        "cloudwatch": {"kind": "aws", "event_log_groups": ["/ml/x"]},
        "mlflow": {"kind": "rest", "tracking_uri": "http://m"},
        "iam": {"kind": "files", "path": str(tmp_path)},
    }})  # fmt: skip
    dumped = cfg.model_dump()["sources"]
    assert dumped["cloudtrail"]["uri"] == "s3://trail/p" and dumped["cloudtrail"]["organization_id"] == "o-abcd1234ef"
    assert dumped["s3"] == {"kind": "aws", "buckets": ["d"], "bucket_accounts": ["444455556666"], "log_uris": []}
    assert dumped["cloudwatch"] == {"kind": "aws", "log_group_prefixes": None, "event_log_groups": ["/ml/x"]}
    assert dumped["mlflow"] == {"kind": "rest", "tracking_uri": "http://m", "timeout_seconds": 30}
    assert dumped["iam"] == {"kind": "files", "path": tmp_path}
    # and what it dumps validates back to the same configuration
    assert Config.model_validate(cfg.model_dump()).model_dump() == cfg.model_dump()
    assert isinstance(Config.model_validate(cfg.model_dump()).sources["s3"], S3BucketSettings)


def test_model_dump_leaves_out_where_the_config_came_from():
    dumped = load_config(SAMPLE_CONFIG).model_dump()
    assert "config_path" not in dumped and "config_sha256" not in dumped


def test_policy_params_are_the_policy_values():
    cfg = load_config(SAMPLE_CONFIG)
    assert cfg.policy_params() == cfg.policy.model_dump()
    assert cfg.policy_params()["approver_roles"] == ["arn:aws:iam::*:role/ml-approver"]


def test_approval_policy_defaults_and_one_line_errors(tmp_path):
    cfg = load_config(_write(tmp_path, ""))
    assert cfg.policy.min_approvers == 1  # existing configurations keep their meaning: one approval suffices
    assert cfg.policy.approval_reference_pattern == "[A-Z][A-Z0-9]+-[0-9]+"
    assert load_config(SAMPLE_CONFIG).policy.min_approvers == 2
    assert _error(_write(tmp_path, "[policy]\nmin_approvers = 0\n")).startswith("policy.min_approvers:")
    assert _error(_write(tmp_path, '[policy]\nmin_approvers = "2"\n')).startswith("policy.min_approvers:")
    msg = _error(_write(tmp_path, '[policy]\napproval_reference_pattern = "CHG-(["\n'))
    assert msg.startswith("policy.approval_reference_pattern: not a regular expression") and "\n" not in msg


def test_a_required_log_field_with_a_quote_is_refused_naming_it(tmp_path):
    msg = _error(_write(tmp_path, '[policy]\nrequired_log_fields = ["request_id", "model\\"version"]\n'))
    assert msg.startswith("policy.required_log_fields: a field name must be non-empty and hold no quote") \
        and "model\"version" in msg and "\n" not in msg


def test_change_windows_are_weekdays_and_utc_hours(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[policy]\nchange_windows = [{days = ["Mon", "Fri"], start_hour = 8, end_hour = 24}]\n')
    (w,) = load_config(p).policy.change_windows
    assert (w.days, w.start_hour, w.end_hour) == (["Mon", "Fri"], 8, 24)
    assert load_config(p).policy_params()["change_windows"] == [
        {"days": ["Mon", "Fri"], "start_hour": 8, "end_hour": 24}]


@pytest.mark.parametrize("window, message", [
    ('{days = ["Monday"], start_hour = 8, end_hour = 18}', "policy.change_windows.0.days.0: Input should be 'Mon'"),
    ('{days = [], start_hour = 8, end_hour = 18}', "policy.change_windows.0.days: List should have at least 1 item"),
    ('{days = ["Mon"], start_hour = 18, end_hour = 8}', "policy.change_windows.0: end_hour must be after start_hour"),
    ('{days = ["Mon"], start_hour = 8, end_hour = 25}',
     "policy.change_windows.0.end_hour: Input should be less than or equal to 24"),
    ('{days = ["Mon"], start_hour = "8", end_hour = 18}',
     "policy.change_windows.0.start_hour: Input should be a valid integer"),
    ('{days = ["Mon"], start_hour = 8, end_hour = 18, tz = "CET"}',
     "policy.change_windows.0.tz: Extra inputs are not permitted"),
])
def test_a_bad_change_window_is_one_line_naming_it(tmp_path, window, message):
    p = tmp_path / "c.toml"
    p.write_text(f"[policy]\nchange_windows = [{window}]\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert "\n" not in str(e.value) and message in str(e.value), str(e.value)


def test_several_trails_in_one_configuration_and_their_errors_name_the_key(tmp_path):
    cfg = load_config(_write(tmp_path, '[sources.cloudtrail]\nkind = "files"\n[[sources.cloudtrail.trails]]\n'
                                       'name = "prod"\npath = "prod-logs"\n[[sources.cloudtrail.trails]]\n'
                                       'name = "dev"\npath = "dev-logs"\n'))
    assert [(t.name, t.path) for t in cfg.sources["cloudtrail"].trails] == [
        ("prod", (tmp_path / "prod-logs").resolve()), ("dev", (tmp_path / "dev-logs").resolve())]
    assert _error(_write(tmp_path, '[sources.cloudtrail]\nkind = "s3"\n')).startswith(
        "sources.cloudtrail: give uri (one trail bucket) or trails")
    assert _error(_write(tmp_path, '[sources.cloudtrail]\nkind = "s3"\n[[sources.cloudtrail.trails]]\nname = "x"\n')
                  ).startswith("sources.cloudtrail.trails.0.uri: ")


def test_the_s3_source_reads_every_trail_bucket():
    from auditreport.sources import SOURCES

    cfg = Config.model_validate({"sources": {
        "cloudtrail": {"kind": "s3", "trails": [{"name": "org", "uri": "s3://org-logs/o", "bucket_account": "999988887777"},
                                                {"name": "dev", "uri": "s3://dev-logs"}]},
        "s3": {"kind": "aws", "buckets": ["data"]}}})  # fmt: skip
    s3 = SOURCES["s3"].settings_for(cfg)
    assert s3.buckets == ["data", "org-logs", "dev-logs"] and s3.log_uris == ["s3://org-logs/o", "s3://dev-logs"]
    assert s3.bucket_accounts == ["999988887777"]
