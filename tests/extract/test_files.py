"""extract/files.py: a snapshot source already on disk is read in place: its root and location handed over as they
are, nothing copied; a missing directory is a one-line SourceError naming the source and the path."""

from __future__ import annotations

import pytest

from auditreport.errors import SourceError
from auditreport.extract.files import FilesExtractor
from auditreport.source_settings import Aws, FilesSettings
from auditreport.sources import SOURCES

from live_seed import make_ctx


def test_evidence_on_disk_is_handed_over_in_place(tmp_path):
    root = tmp_path / "evidence" / "iam"
    (root / "111122223333" / "global" / "iam").mkdir(parents=True)
    ctx = make_ctx(tmp_path / "raw")
    out = FilesExtractor("iam", FilesSettings(kind="files", path=root)).extract(ctx)
    assert (out.source, out.kind, out.root, out.location) == ("iam", "files", root, str(root))
    assert out.objects == [] and out.errors == [] and out.captured_at is None
    assert not (tmp_path / "raw").exists()  # nothing copied into the run's raw folder


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.write_text("a file, not a folder")],
                         ids=["missing", "a file"])
def test_a_path_that_is_not_a_directory_is_a_one_line_source_error_naming_it(tmp_path, make):
    path = tmp_path / "sample_data" / "aws"
    path.parent.mkdir()
    make(path)
    with pytest.raises(SourceError) as e:
        FilesExtractor("sagemaker", FilesSettings(kind="files", path=path)).extract(make_ctx(tmp_path / "raw"))
    assert e.value.source == "sagemaker" and e.value.exit_code == 2
    assert str(e.value) == f"source 'sagemaker': {path}: directory not found"


def test_every_snapshot_source_of_kind_files_is_read_by_it(tmp_path):
    for name in ("trails", "sagemaker", "cloudwatch", "iam", "s3", "mlflow"):
        ex = SOURCES[name].extractor(FilesSettings(kind="files", path=tmp_path), Aws())
        assert type(ex) is FilesExtractor and ex.name == name
        assert ex.extract(make_ctx(tmp_path / "raw")).source == name
