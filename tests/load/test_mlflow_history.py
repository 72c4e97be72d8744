"""load/mlflow_history.py: registry changes derived from two consecutive snapshots, each stamped with the two
snapshot times (observed_after, observed_before) and never with an actor or an exact time MLflow did not record."""

from __future__ import annotations

from datetime import datetime

from auditreport import lake
from auditreport.load.mlflow_history import diff_snapshots

T1, T2 = datetime(2026, 10, 1, 1), datetime(2026, 10, 15, 1)


def _v(stage="None", **tags) -> dict:
    return {"current_stage": stage, "tags": tags}


def _changes(before_versions, after_versions, before_aliases=None, after_aliases=None) -> list[tuple]:
    out = diff_snapshots((T1, before_versions, before_aliases or {}), (T2, after_versions, after_aliases or {}))
    for c in out:
        assert (c["observed_after"], c["observed_before"]) == (T1, T2)
    return [(c["model_name"], c["version"], c["change"], c["field"], c["old_value"], c["new_value"]) for c in out]


def test_identical_snapshots_have_no_changes():
    state = {("m", 1): _v("Production", approved_by="carol")}
    assert _changes(state, dict(state), {"m": {"champion": "1"}}, {"m": {"champion": "1"}}) == []


def test_version_created_and_deleted():
    assert _changes({("m", 1): _v()}, {("m", 2): _v()}) == [
        ("m", 1, "version_deleted", None, "1", None),
        ("m", 2, "version_created", None, None, "2"),
    ]


def test_a_new_version_reports_its_stage_and_tags_but_not_the_stage_none():
    assert _changes({}, {("m", 3): _v("Staging", approved_by="carol")}) == [
        ("m", 3, "version_created", None, None, "3"),
        ("m", 3, "stage_changed", "current_stage", None, "Staging"),
        ("m", 3, "tag_set", "approved_by", None, "carol"),
    ]
    assert _changes({}, {("m", 4): _v("None")}) == [("m", 4, "version_created", None, None, "4")]


def test_stage_changed():
    assert _changes({("m", 1): _v("Staging")}, {("m", 1): _v("Production")}) == [
        ("m", 1, "stage_changed", "current_stage", "Staging", "Production")]


def test_tag_set_changed_and_removed():
    before = {("m", 1): _v(approved_by="carol", ticket="ML-1")}
    after = {("m", 1): _v(ticket="ML-2", validated="yes")}
    assert _changes(before, after) == [
        ("m", 1, "tag_removed", "approved_by", "carol", None),
        ("m", 1, "tag_changed", "ticket", "ML-1", "ML-2"),
        ("m", 1, "tag_set", "validated", None, "yes"),
    ]


def test_alias_set_moved_and_removed():
    versions = {("m", 1): _v(), ("m", 2): _v()}
    before = {"m": {"champion": "1", "old": "1"}}
    after = {"m": {"champion": "2", "challenger": "1"}}
    assert _changes(versions, versions, before, after) == [
        ("m", 1, "alias_set", "challenger", None, "1"),
        ("m", 2, "alias_moved", "champion", "1", "2"),
        ("m", 1, "alias_removed", "old", "1", None),
    ]


def test_a_change_row_has_exactly_the_columns_of_the_table_and_no_actor():
    [change] = diff_snapshots((T1, {}, {}), (T2, {("m", 1): _v()}, {}))
    assert set(change) == {c for c, _ in lake.table("mlflow_registry_changes").columns}
    assert not any("user" in k or "actor" in k or "by" in k.split("_") for k in change)
