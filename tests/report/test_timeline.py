"""timeline.py: a model's history over the period as SVG with a title, a description in words and one row per event;
an event a finding names is a red diamond with "!" and the check's id in its text, not colour alone. The picture's
text is HTML laid over the SVG (charts.labelled), in the same places."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from auditreport.report.model_cards import ModelCard, Violation
from auditreport.report.timeline import BAND, CHAR_W, RED, RIGHT, W, _fit, _side, model_timeline, short_actor

SVG = "{http://www.w3.org/2000/svg}"
START, END = datetime(2026, 10, 1), datetime(2026, 11, 1)
DAVE = "dave (role arn:aws:iam::111122223333:role/ml-approver)"


def _event(kind, at, actor=None, violations=(), **kw):
    return {"kind": kind, "at": at, "actor": actor, "detail": kind, "event_id": None, "table": "t",
            "source_key": None, "record_index": None, "violations": list(violations), **kw}


def _card(events, violations=(), platform="sagemaker"):
    return ModelCard("model-x", platform, "ep ← pkg/1", "sub", [], events, list(violations), "note")


def _picture(markup):
    """The SVG of a timeline, and its labels (the HTML over it), which the screen reader skips."""
    root = ET.fromstring(str(markup))
    (layer,) = [d for d in root.iter("div") if d.get("class") == "pl-layer"]
    assert layer.get("aria-hidden") == "true" and not list(root.find(f"{SVG}svg").iter(f"{SVG}text"))
    return root.find(f"{SVG}svg"), list(layer.iter("span"))


def _texts(labels):
    return [t.text for t in labels]


def _left(label):
    """The x, in the picture's units, where a label anchored at its start begins."""
    return float(re.search(r"left:([\d.]+)%", label.get("style")).group(1)) * W / 100


def test_who_and_when_per_event_the_violation_marked_and_described_in_words():
    v = Violation("sagemaker_deployed_before_approval", "check-sagemaker_deployed_before_approval", "t", "critical", 1,
                  "r", {"e2"})
    events = [_event("registered", datetime(2026, 9, 18, 11, 5), None),
              _event("approved", datetime(2026, 10, 16, 10, 5), DAVE),
              _event("deployed", datetime(2026, 10, 14, 9, 33), "codebuild-4833 (role arn:aws:iam::1:role/deploy)",
                     ["sagemaker_deployed_before_approval"])]
    svg, labels = _picture(model_timeline(_card(events, [v]), START, END))
    assert svg.find(f"{SVG}title").text == ("Timeline of ep ← pkg/1: 3 events, 1 named by a finding; 1 failing check "
                                            "name this model")
    desc = svg.find(f"{SVG}desc").text
    assert "2026-10-16 10:05 approved, dave (ml-approver)" in desc
    assert "2026-10-14 09:33 deployed, codebuild-4833 (deploy) [violation: sagemaker_deployed_before_approval]" in desc
    assert "2026-09-18 11:05 registered, no actor recorded" in desc
    texts = _texts(labels)
    assert "! finding: sagemaker_deployed_before_approval (critical)" in texts  # the banner: text, not colour
    (flag,) = [t for t in labels if t.text == "! sagemaker_deployed_before_approval"]
    assert flag.get("class") == "pl pl-bad"  # red and bold (report.css)
    when = labels[labels.index(flag) - 1]  # the line above it: when, what, who, in red too
    assert when.text == "10-14 09:33 deployed, codebuild-4833 (deploy)" and when.get("class") == "pl pl-bad"
    diamonds = [p for p in svg.iter(f"{SVG}path") if p.get("fill") == RED]
    assert len(diamonds) == 1 and len([r for r in svg.iter(f"{SVG}rect") if r.get("fill") == "#fff"]) == 2  # its "!"
    # the event before the period sits in the band on the left, with its date
    registered = [t for t in labels if (t.text or "").startswith("09-18 11:05 registered")]
    assert _left(registered[0]) < BAND + 9 + 1


def test_mlflow_changes_are_windows_between_snapshots_with_no_actor_and_labels_stay_inside():
    change = _event("mlflow_alias_moved", datetime(2026, 10, 15, 1), since=datetime(2026, 10, 8, 1))
    change["detail"] = "alias production moved v6 -> v7"
    created = _event("registered", datetime(2026, 10, 5, 9, 55))
    svg, labels = _picture(model_timeline(_card([created, change], platform="mlflow"), START, END))
    assert "between 10-08 01:00 and 10-15 01:00 alias production moved v6 -> v7, no actor (MLflow records none)" in (
        svg.find(f"{SVG}desc").text)
    bars = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert bars[0].find(f"{SVG}title").text == "observed between the snapshots of 2026-10-08 01:00 and 2026-10-15 01:00"
    assert "by 10-15 alias production moved v6 -> v7" in _texts(labels)
    assert "MLflow records no actor: no event has a who; each change lies between two snapshots (bar)" in _texts(labels)
    assert svg.find(f"{SVG}title").text.endswith("no finding names this model")


def test_a_long_label_is_cut_to_the_room_beside_its_mark_and_markup_stays_text():
    x = W - 100
    assert _side(x, ["x" * 200]) is False  # neither side holds it: the roomier one
    label = _fit(x, False, "x" * 200)
    assert len(label) * CHAR_W <= x - 9 - 2 + CHAR_W and label.endswith("…")
    assert _side(BAND + 20, ["short"]) is True and _fit(BAND + 20, True, "short") == "short"
    x = W - RIGHT - 40
    assert _side(x, ["y" * 60], left_of=BAND + 300) is False  # left of the bar that ends at the mark, not over it
    assert _fit(BAND + 300, False, "y" * 60) == "y" * 60
    hostile = _event("approved", datetime(2026, 10, 3), "<script>alert(1)</script> (role arn:aws:iam::1:role/r)")
    _, labels = _picture(model_timeline(_card([hostile]), START, END))  # parses: escaped
    assert any("<script>alert(1)</script> (r)" in (t or "") for t in _texts(labels))
    assert short_actor(DAVE) == "dave (ml-approver)" and short_actor(None) is None
    _, empty = _picture(model_timeline(_card([]), START, END))
    assert "No dated event recorded." in _texts(empty)
