"""outcome.py: the cover leads with how many checks failed and how badly; completeness is stated beside it and
never replaces it; the summary's top findings are plain sentences."""

from __future__ import annotations

from types import SimpleNamespace

from auditreport.report.outcome import LEAD_REASON_LIMIT, lead_reason, outcome

SEV = {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0}


def counts(**kw):
    return {"pass": 0, "fail": 0, "error": 0, "no_data": 0, "info": 0, **kw}


def test_failures_lead_whatever_the_completeness():
    o = outcome(counts(fail=17, pass_=0, **{"pass": 6}), {**SEV, "critical": 8, "high": 6, "medium": 2, "info": 1}, 23, True)
    assert (o.level, o.headline) == ("fail", "17 of 23 checks failed")
    assert o.detail == "8 of them critical; 6 passed, 0 not verified, 0 informational."
    assert o.running_head == "17 OF 23 FAILED · COMPLETE"
    o = outcome(counts(fail=2, no_data=3), {**SEV, "medium": 2}, 9, False)
    assert o.headline == "2 of 9 checks failed" and o.detail.startswith("0 passed, 3 not verified")
    assert o.running_head == "2 OF 9 FAILED · INCOMPLETE"


def test_nothing_failed_but_something_unverified_is_open_not_passed():
    o = outcome(counts(**{"pass": 5}, error=1, no_data=1), SEV, 7, False)
    assert (o.level, o.headline) == ("open", "No check failed; 2 of 7 could not be verified")
    assert "never passed" in o.detail and o.running_head == "2 OF 7 NOT VERIFIED · INCOMPLETE"


def test_all_ran_and_none_failed():
    o = outcome(counts(**{"pass": 5}, info=1), SEV, 6, True)
    assert (o.level, o.headline, o.detail) == ("pass", "No check failed: all 6 ran", "5 passed, 1 informational.")


def test_lead_reason_is_the_first_failing_rows_reason_shortened():
    row = lambda status, reason: SimpleNamespace(status=status, reason=reason)  # noqa: E731
    f = SimpleNamespace(rows=[row("pass", "fine"), row("fail", "Model  x\nwas deployed. " + "word " * 60)])
    text = lead_reason(f)
    assert text.startswith("Model x was deployed.") and text.endswith("…") and len(text) <= LEAD_REASON_LIMIT + 1
    assert lead_reason(SimpleNamespace(rows=[row("pass", "fine")])) is None


def test_a_reason_made_of_one_long_token_is_cut_inside_it():
    row = SimpleNamespace(status="fail", reason="Digest " + "AWSLogs/111122223333/CloudTrail-Digest/" * 8 + " ends")
    text = lead_reason(SimpleNamespace(rows=[row]))
    assert text.startswith("Digest AWSLogs/111122223333/") and len(text) == LEAD_REASON_LIMIT + 1
