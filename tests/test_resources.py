"""auditreport.resources: the one home that finds queries/, templates/ and the sample month, in a checkout (the
top-level folders) or in an installed wheel (auditreport/_data/; tests/test_packaging.py installs one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditreport import config, resources
from auditreport.checks.frameworks import default_queries_dir
from auditreport.errors import EnvironmentFailure
from auditreport.report import html

REPO = Path(__file__).resolve().parents[1]


def test_in_a_checkout_the_folders_are_the_repository_top_level_ones():
    assert resources.queries_dir() == REPO / "queries" == default_queries_dir()
    assert resources.templates_dir() == REPO / "templates"
    assert resources.sample_config() == REPO / "sample_data" / "auditreport.toml" == config.SAMPLE_CONFIG
    assert html.templates_dir is resources.templates_dir  # one home: the report asks resources


def test_an_installed_copy_inside_the_package_is_preferred(tmp_path, monkeypatch):
    data = tmp_path / "_data"
    shutil.copytree(REPO / "templates", data / "templates")
    (data / "sample_data").mkdir()
    (data / "sample_data" / "auditreport.toml").write_text('organisation = "installed"\n')
    monkeypatch.setattr(resources, "INSTALLED_DATA", data)
    assert resources.templates_dir() == data / "templates"
    assert config.load_config(None).organisation == "installed"  # `run` without --config reads the installed sample
    assert resources.queries_dir() == REPO / "queries"  # not in this _data: the checkout's


def test_a_missing_folder_is_an_environment_failure_naming_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "INSTALLED_DATA", tmp_path / "_data")
    monkeypatch.setattr(resources, "CHECKOUT_ROOT", tmp_path)
    (tmp_path / "queries").mkdir()  # a folder of that name without the catalogue's frameworks/ is not it
    with pytest.raises(EnvironmentFailure) as e:
        resources.queries_dir()
    assert e.value.exit_code == 5
    assert str(tmp_path / "_data" / "queries") in str(e.value) and "reinstall" in str(e.value)
    assert "\n" not in str(e.value)
