"""view.py: the template's view of a RunResult: framework mappings inverted with the real frameworks, evidence
columns laid out, the shared views the checks read."""

from __future__ import annotations

from dataclasses import replace

from report_support import NOW, section, squash, text
from sample_run import (
    ALIAS_CHANGES,
    BURST,
    RETENTION,
    ROOT,
    UNAPPROVED,
    VALIDATION,
    VERSIONING,
    catalogue,
    make_result,
)

from auditreport.checks.frameworks import Framework
from auditreport.report import render_html
from auditreport.report.view import build_context, layout_columns, shared_views


def context(result=None, frameworks=None) -> dict:
    result = result or make_result()
    return build_context(result, catalogue().frameworks if frameworks is None else frameworks, NOW, 25, 50, 500)


def test_framework_mappings_are_inverted_into_requirements():
    ctx = context()
    soc2 = next(fw for fw in ctx["frameworks"] if fw.id == "soc2")
    assert soc2.name == catalogue().frameworks["soc2"].name
    cc72 = next(r for r in soc2.requirements if r.id == "CC7.2")
    assert cc72.text == catalogue().frameworks["soc2"].requirements["CC7.2"]
    assert {f.id for f in cc72.checks} == {VALIDATION, BURST, RETENTION, ROOT, VERSIONING}
    assert cc72.status == "fail"  # the worst status of its checks
    assert [r.id for r in soc2.requirements] == [r for r in catalogue().frameworks["soc2"].requirements
                                                 if r in {"CC6.1", "CC7.2", "CC8.1", "A1.2"}]  # file order
    assert soc2.total_requirements == len(catalogue().frameworks["soc2"].requirements)
    assert soc2.unmapped == soc2.total_requirements - 4


def test_html_inverts_framework_mappings(html: str):
    part = section(html, "fw-soc2", "findings")  # soc2 is the last framework
    cc72 = part[part.index(">CC7.2<"):]
    cc72 = cc72[: cc72.index("</tr>")]
    for cid in (VALIDATION, BURST, RETENTION):
        assert f'href="#check-{cid}"' in cc72
    assert "badge-fail" in cc72
    unmapped = len(catalogue().frameworks["soc2"].requirements) - 4
    assert f"{unmapped} have no automated check" in squash(part)


def test_a_requirement_missing_from_the_framework_file_is_marked():
    frameworks = dict(catalogue().frameworks)
    iso = frameworks["iso27001"]
    frameworks["iso27001"] = replace(iso, requirements={k: v for k, v in iso.requirements.items() if k != "A.8.2"})
    html = render_html(make_result(), frameworks, NOW)
    iso_part = section(html, "fw-iso27001")
    assert "Not listed in the framework file" in iso_part[: iso_part.index("</table>")]  # A.8.2, mapped by root


def test_frameworks_without_definitions_and_without_checks():
    frameworks = {k: v for k, v in catalogue().frameworks.items() if k != "nist_ai_rmf"}
    frameworks["extra"] = Framework("extra", "An Extra Framework", {"X.1": "Something."})
    html = render_html(make_result(), frameworks, NOW)
    assert "No check in this catalogue maps to An Extra Framework" in text(html)
    assert 'id="fw-nist_ai_rmf"' in html and "No framework definition was loaded for" in html
    bare = render_html(make_result(), {}, NOW)
    assert "No framework definition was loaded for" in bare and 'id="fw-soc2"' in bare


def test_findings_are_ordered_and_capped():
    ctx = context()
    unapproved = next(f for f in ctx["findings"] if f.id == UNAPPROVED)
    assert len(unapproved.rows) == 25 and unapproved.hidden_rows == 15 and unapproved.total_rows == 40
    assert unapproved.path == "queries/model_governance/sagemaker_endpoint_unapproved_package.sql"
    assert "account_id" in unapproved.grid_columns and "model_package_arn" in unapproved.line_columns
    assert [f.status for f in ctx["detailed"]] == ["fail", "fail", "fail", "error", "no_data", "info"]
    assert {f.id for f in ctx["passing"]} == {ROOT, VERSIONING}
    alias = next(f for f in ctx["findings"] if f.id == ALIAS_CHANGES)
    assert alias.frameworks[0] == ("soc2", catalogue().frameworks["soc2"].name, ["CC8.1"])


def test_layout_puts_long_values_on_their_own_line():
    grid, lines, widths = layout_columns(["resource", "arn", "n"], [["r1", "a" * 90, "1"], ["r2", "b" * 90, "2"]])
    assert grid == [0, 2] and lines == [1]
    assert abs(sum(widths) - 87.0) < 0.05
    assert layout_columns(["document"], [["x" * 200]])[0] == [0]  # at least one grid column


def test_shared_views_are_those_the_run_s_checks_read():
    result = make_result()
    views = {v.id: v for v in shared_views(result)}
    # cloudtrail_event_copies is read through cloudtrail_events_unique: shown with it, read by the same checks
    assert set(views) == {"cloudtrail_event_copies", "cloudtrail_events_unique", "sagemaker_model_packages_current"}
    assert views["cloudtrail_events_unique"].read_by == sorted([BURST, ROOT])
    assert views["cloudtrail_event_copies"].read_by == sorted([BURST, ROOT])
    assert views["sagemaker_model_packages_current"].read_by == [UNAPPROVED]
    assert views["cloudtrail_events_unique"].path == "queries/_views/cloudtrail_events_unique.sql"
    assert shared_views(replace(result, catalogue=None)) == []
