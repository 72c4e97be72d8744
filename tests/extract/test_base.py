"""extract/base.py: the extraction context's defaults, and every extractor the source registry can build honours
the Extractor protocol (a ``name`` equal to its source, and ``extract(ctx)``)."""

from __future__ import annotations

import inspect

from auditreport.extract.base import ExtractContext
from auditreport.period import Period
from auditreport.source_settings import Aws, FilesSettings, MlflowRestSettings, S3TrailSettings
from auditreport.sources import SOURCES


def test_context_defaults_nothing_loaded_and_a_silent_progress(tmp_path):
    a = ExtractContext(period=Period(2026, 10), raw_dir=tmp_path, run_id="r")
    b = ExtractContext(period=Period(2026, 10), raw_dir=tmp_path, run_id="r")
    assert a.already_loaded == {} and a.already_loaded is not b.already_loaded
    assert a.progress("cloudtrail", 3, 1024) is None


def _settings(kind_name: str, kind, tmp_path):
    if issubclass(kind.settings, FilesSettings):  # CloudTrail's files settings are a subclass (one path or trails)
        return kind.settings(kind="files", path=tmp_path)
    if kind.settings is S3TrailSettings:
        return S3TrailSettings(kind="s3", uri="s3://trail-bucket")
    if kind.settings is MlflowRestSettings:
        return MlflowRestSettings(kind="rest", tracking_uri="http://127.0.0.1:1")
    return kind.settings(kind=kind_name)


def test_every_registry_extractor_has_its_source_name_and_extract_of_a_context(tmp_path):
    built = 0
    for name, source in SOURCES.items():
        for kind_name, kind in source.kinds.items():
            ex = source.extractor(_settings(kind_name, kind, tmp_path), Aws(regions=["eu-west-1"]))
            assert ex.name == name, (name, kind_name, type(ex).__name__)
            assert list(inspect.signature(ex.extract).parameters) == ["ctx"], (name, kind_name)
            built += 1
    assert built == sum(len(s.kinds) for s in SOURCES.values()) >= 14
