"""auditreport.sources: the source registry. Every source has a files kind, importable extractors and a loader,
validates its settings naming the kind or key at fault, fills the lake tables declared for it, and borrows settings
from the rest of the configuration without changing it."""

from __future__ import annotations

import pytest

from auditreport import lake
from auditreport.config import Config
from auditreport.source_settings import (CloudWatchSettings, FilesSettings, MlflowRestSettings, S3BucketSettings,
                                         S3TrailSettings, SourceSettings)  # fmt: skip
from auditreport.sources import SOURCE_NAMES, SOURCES, Kind, Source, _import

NAMES = ["cloudtrail", "trails", "sagemaker", "cloudwatch", "iam", "s3", "eks", "mlflow"]


def test_the_registry_holds_the_eight_sources_in_order():
    assert SOURCE_NAMES == list(SOURCES) == NAMES
    assert all(s.name == name for name, s in SOURCES.items())


@pytest.mark.parametrize("name", NAMES)
def test_every_source_has_a_files_kind_and_a_description(name):
    s = SOURCES[name]
    assert "files" in s.kinds
    assert issubclass(s.kinds["files"].settings, FilesSettings)  # cloudtrail: one folder, or one per trail
    assert not s.kinds["files"].uses_aws
    assert s.description.strip() and "\n" not in s.description


@pytest.mark.parametrize("name", NAMES)
def test_every_extractor_and_loader_path_imports(name):
    s = SOURCES[name]
    for kind_name, kind in s.kinds.items():
        assert isinstance(kind, Kind)
        assert issubclass(kind.settings, SourceSettings)
        cls = _import(kind.extractor)
        assert isinstance(cls, type) and callable(getattr(cls, "extract", None)), f"{name}/{kind_name}"
    loader = s.loader_instance()
    assert type(loader) is _import(s.loader)
    assert loader.source == name
    assert callable(loader.load) and callable(loader.coverage)


def test_import_names_module_and_attribute_below_auditreport():
    from auditreport.load.trails import TrailsLoader

    assert _import("load.trails:TrailsLoader") is TrailsLoader
    with pytest.raises(AttributeError):
        _import("load.trails:NoSuchLoader")
    with pytest.raises(ModuleNotFoundError):
        _import("load.no_such_module:X")


@pytest.mark.parametrize("name", NAMES)
def test_tables_matches_lake_tables_of(name):
    assert SOURCES[name].tables == lake.tables_of(name)
    assert SOURCES[name].tables, f"{name} fills no table"


def test_live_kinds_that_need_aws_are_marked_and_rest_is_not():
    assert SOURCES["cloudtrail"].kinds["s3"].uses_aws
    for name in ("trails", "sagemaker", "cloudwatch", "iam", "s3"):
        assert SOURCES[name].kinds["aws"].uses_aws
    assert not SOURCES["mlflow"].kinds["rest"].uses_aws


def test_extractor_builds_a_files_extractor_from_its_own_settings(tmp_path):
    cfg = Config.model_validate({"sources": {"iam": {"kind": "files", "path": str(tmp_path)}}})
    ex = SOURCES["iam"].extractor(cfg.sources["iam"], cfg.aws)
    assert ex.name == "iam" and ex.settings is cfg.sources["iam"]
    mlflow = SOURCES["mlflow"].extractor(MlflowRestSettings(kind="rest", tracking_uri="http://x"), cfg.aws)
    assert type(mlflow).__name__ == "MlflowRestExtractor"


# -- validate --------------------------------------------------------------------------------------------------------


def test_validate_returns_the_settings_model_of_the_kind(tmp_path):
    assert isinstance(SOURCES["cloudtrail"].validate({"kind": "s3", "uri": "s3://b"}), S3TrailSettings)
    assert isinstance(SOURCES["cloudtrail"].validate({"kind": "files", "path": "x"}), FilesSettings)
    assert isinstance(SOURCES["cloudwatch"].validate({"kind": "aws"}), CloudWatchSettings)
    assert isinstance(SOURCES["s3"].validate({"kind": "aws", "buckets": ["b"]}), S3BucketSettings)


def test_validate_error_names_the_source_the_kind_and_the_allowed_kinds():
    with pytest.raises(ValueError, match=r"source 'cloudtrail' cannot be kind 'aws' \(allowed: files, s3\)"):
        SOURCES["cloudtrail"].validate({"kind": "aws"})
    with pytest.raises(ValueError, match=r"source 'mlflow' cannot be kind 'None' \(allowed: files, rest\)"):
        SOURCES["mlflow"].validate({"tracking_uri": "http://x"})
    with pytest.raises(ValueError, match="source 'iam' must be a table with a kind"):
        SOURCES["iam"].validate("files")


def test_validate_error_names_the_key_at_fault():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as e:
        SOURCES["cloudtrail"].validate({"kind": "s3", "uri": "https://b"})
    assert e.value.errors()[0]["loc"] == ("uri",)
    with pytest.raises(ValidationError) as e:
        SOURCES["iam"].validate({"kind": "files", "path": "x", "bucket": "nope"})
    assert e.value.errors()[0]["loc"] == ("bucket",)
    with pytest.raises(ValidationError) as e:
        SOURCES["iam"].validate({"kind": "files"})
    assert e.value.errors()[0]["loc"] == ("path",)


# -- settings_for ----------------------------------------------------------------------------------------------------


def _config(**sources) -> Config:
    return Config.model_validate({"policy": {"ml_log_group_prefixes": ["/aws/sagemaker/", "/ml/"]},
                                  "sources": sources})  # fmt: skip


def test_settings_for_is_none_when_the_source_is_not_configured():
    cfg = _config(iam={"kind": "aws"})
    for name in NAMES:
        if name != "iam":
            assert SOURCES[name].settings_for(cfg) is None
    assert SOURCES["iam"].settings_for(cfg) == cfg.sources["iam"]


def test_settings_for_fills_cloudwatch_prefixes_from_the_policy_deduplicated():
    cfg = _config(cloudwatch={"kind": "aws", "log_group_prefixes": ["/ml/", "/custom/", "/custom/"]})
    got = SOURCES["cloudwatch"].settings_for(cfg)
    assert got.log_group_prefixes == ["/aws/sagemaker/", "/ml/", "/custom/"]
    assert got.event_log_groups == []


def test_settings_for_fills_cloudwatch_prefixes_when_the_source_names_none():
    got = SOURCES["cloudwatch"].settings_for(_config(cloudwatch={"kind": "aws"}))
    assert got.log_group_prefixes == ["/aws/sagemaker/", "/ml/"]


def test_settings_for_an_empty_cloudwatch_prefix_means_every_group():
    got = SOURCES["cloudwatch"].settings_for(_config(cloudwatch={"kind": "aws", "log_group_prefixes": [""]}))
    assert got.log_group_prefixes == [""]
    cfg = Config.model_validate({"policy": {"ml_log_group_prefixes": ["", "/ml/"]}, "sources": {"cloudwatch": {
        "kind": "aws"}}})
    assert SOURCES["cloudwatch"].settings_for(cfg).log_group_prefixes == [""]


def test_settings_for_reads_the_eks_log_groups_and_the_audit_events_of_the_policy_clusters():
    cfg = Config.model_validate({
        "policy": {"ml_log_group_prefixes": ["/ml/"], "eks_clusters": ["ml-serving", "batch"]},
        "sources": {"cloudwatch": {"kind": "aws", "event_log_groups": ["/ml/gw", "/aws/eks/batch/cluster"]},
                    "eks": {"kind": "aws"}}})
    got = SOURCES["cloudwatch"].settings_for(cfg)
    assert got.log_group_prefixes == ["/ml/", "/aws/eks/"]
    assert got.event_log_groups == ["/ml/gw", "/aws/eks/batch/cluster", "/aws/eks/ml-serving/cluster"]
    # without the eks source, nothing of EKS is read
    del cfg.sources["eks"]
    assert SOURCES["cloudwatch"].settings_for(cfg).event_log_groups == ["/ml/gw", "/aws/eks/batch/cluster"]


def test_settings_for_leaves_a_files_cloudwatch_source_as_it_is(tmp_path):
    cfg = _config(cloudwatch={"kind": "files", "path": str(tmp_path)})
    assert SOURCES["cloudwatch"].settings_for(cfg) == cfg.sources["cloudwatch"]


def test_settings_for_adds_the_trail_bucket_and_its_account_to_the_s3_source():
    cfg = _config(cloudtrail={"kind": "s3", "uri": "s3://trail-bucket/prefix/", "bucket_account": "111122223333"},
                  s3={"kind": "aws", "buckets": ["datasets", "trail-bucket"], "bucket_accounts": ["444455556666"]})
    got = SOURCES["s3"].settings_for(cfg)
    assert got.buckets == ["datasets", "trail-bucket"]  # deduplicated
    assert got.bucket_accounts == ["444455556666", "111122223333"]
    assert got.log_uris == ["s3://trail-bucket/prefix/"]  # where its AWSLogs/ is listed for the oldest log objects


def test_settings_for_adds_the_trail_bucket_without_an_account_when_none_is_named():
    cfg = _config(cloudtrail={"kind": "s3", "uri": "s3://trail-bucket"}, s3={"kind": "aws"})
    got = SOURCES["s3"].settings_for(cfg)
    assert (got.buckets, got.bucket_accounts) == (["trail-bucket"], [])


def test_settings_for_s3_borrows_nothing_from_a_files_cloudtrail_source(tmp_path):
    cfg = _config(cloudtrail={"kind": "files", "path": str(tmp_path)}, s3={"kind": "aws", "buckets": ["d"]})
    assert SOURCES["s3"].settings_for(cfg).buckets == ["d"]


def test_settings_for_does_not_mutate_the_config():
    cfg = _config(cloudtrail={"kind": "s3", "uri": "s3://trail-bucket", "bucket_account": "111122223333"},
                  s3={"kind": "aws", "buckets": ["datasets"]}, cloudwatch={"kind": "aws", "log_group_prefixes": ["/x/"]})
    before = cfg.model_dump()
    s3 = SOURCES["s3"].settings_for(cfg)
    cw = SOURCES["cloudwatch"].settings_for(cfg)
    assert s3 is not cfg.sources["s3"] and cw is not cfg.sources["cloudwatch"]
    assert cfg.model_dump() == before
    assert cfg.sources["s3"].buckets == ["datasets"] and cfg.sources["s3"].bucket_accounts == []
    assert cfg.sources["cloudwatch"].log_group_prefixes == ["/x/"]
    assert cfg.policy.ml_log_group_prefixes == ["/aws/sagemaker/", "/ml/"]
    # asking twice gives the same answer: nothing accumulates
    assert SOURCES["s3"].settings_for(cfg) == s3 and SOURCES["cloudwatch"].settings_for(cfg) == cw


def test_a_source_record_is_frozen():
    with pytest.raises(AttributeError):
        SOURCES["iam"].name = "x"
    assert isinstance(SOURCES["iam"], Source)
