"""A real DuckDB connection and lake directory per test."""

from __future__ import annotations

import pytest

from auditreport.lake.connection import connect


@pytest.fixture
def con(tmp_path):
    c = connect(work_dir=tmp_path)
    yield c
    c.close()


@pytest.fixture
def lake_root(tmp_path):
    return tmp_path / "lake"
