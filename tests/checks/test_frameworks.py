"""frameworks.py: one file per framework, strictly validated, keyed by its id."""

from __future__ import annotations

import pytest

from auditreport.checks.frameworks import (
    Framework,
    default_queries_dir,
    load_framework,
    load_frameworks,
)
from auditreport.errors import CheckDefinitionError


def test_the_repository_frameworks_load_by_default():
    frameworks = load_frameworks()
    assert {"soc2", "iso27001", "hipaa", "eu_ai_act", "iso42001", "nist_ai_rmf"} <= set(frameworks)
    assert frameworks == load_frameworks(default_queries_dir() / "frameworks")
    assert all(isinstance(fw, Framework) and fw.id == key for key, fw in frameworks.items())


def test_a_framework_keeps_its_requirements_in_file_order(tmp_path):
    (tmp_path / "demo.yaml").write_text('id: demo\nname: "Demo"\nrequirements:\n  Z.1: "Last letter."\n  A.1: "First."\n')
    fw = load_framework(tmp_path / "demo.yaml")
    assert fw == Framework("demo", "Demo", {"Z.1": "Last letter.", "A.1": "First."})
    assert list(fw.requirements) == ["Z.1", "A.1"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("id: soc2\nname: x\nrequirements: {}\n", "requirements"),
        ("id: other\nname: x\nrequirements: {A: b}\n", "differs from the file name"),
        ("id: soc2\nname: x\nrequirements: {A: b}\nversion: 2\n", "version: unknown key"),
        ("id: soc2\nname: [x\n", "not valid YAML"),
    ],
)
def test_bad_framework_files(tmp_path, text, expected):
    (tmp_path / "soc2.yaml").write_text(text)
    with pytest.raises(CheckDefinitionError) as err:
        load_frameworks(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / 'soc2.yaml'}: ") and expected in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_framework_directory_and_file(tmp_path):
    with pytest.raises(CheckDefinitionError, match="framework directory not found"):
        load_frameworks(tmp_path / "nowhere")
    with pytest.raises(CheckDefinitionError, match="cannot read framework file"):
        load_framework(tmp_path / "nowhere.yaml")
