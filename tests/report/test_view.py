"""view.py: the template's view of a RunResult: framework mappings inverted with the real frameworks, evidence
the shared views the checks read."""

from __future__ import annotations

import re
from dataclasses import replace

from report_support import NOW, section, squash, text
from sample_run import (
    ALIAS_CHANGES,
    BURST,
    PRODUCTION,
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
from auditreport.report.view import (
    NOT_ASSESSED_TEXT,
    build_context,
    select_inputs,
    shared_views,
)
from auditreport.results import InputFile


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
    assert f"{unmapped} not assessed (no automated check" in squash(part)


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
    assert "account_id" in unapproved.evidence.grid_columns and "model_package_arn" in unapproved.evidence.line_columns
    assert [f.status for f in ctx["detailed"]] == ["fail", "fail", "fail", "error", "no_data", "info"]
    assert {f.id for f in ctx["passing"]} == {ROOT, VERSIONING}
    alias = next(f for f in ctx["findings"] if f.id == ALIAS_CHANGES)
    assert alias.frameworks[0] == ("soc2", catalogue().frameworks["soc2"].name, ["CC8.1"])


def test_shared_views_are_those_the_run_s_checks_read():
    result = make_result()
    views = {v.id: v for v in shared_views(result)}
    # cloudtrail_event_copies is read through cloudtrail_events_unique: shown with it, read by the same checks
    assert set(views) == {"cloudtrail_event_copies", "cloudtrail_events_unique", "sagemaker_model_packages_current",
                          "mlflow_model_versions_as_of", "trail_buckets"}
    assert views["trail_buckets"].read_by == [VERSIONING]
    assert views["cloudtrail_events_unique"].read_by == sorted([BURST, ROOT])
    assert views["cloudtrail_event_copies"].read_by == sorted([BURST, ROOT])
    assert views["sagemaker_model_packages_current"].read_by == [UNAPPROVED]
    assert views["mlflow_model_versions_as_of"].read_by == [PRODUCTION]
    assert views["cloudtrail_events_unique"].path == "queries/_views/cloudtrail_events_unique.sql"
    assert shared_views(replace(result, catalogue=None)) == []


# -- requirements no check covers, and requirements whose checks could not verify anything ------------------------


def _rows(part: str) -> dict[str, str]:
    """Requirement id -> the markup of its row (a table row, or a line of the list of those not assessed), from a
    framework's section."""
    rows = {}
    for row in re.split(r'<(?:tr|li) class="req ', part)[1:]:
        rid = row[row.index('<span class="req-id">') + len('<span class="req-id">'):]
        rows[rid[: rid.index("<")].strip()] = row[: re.search(r"</(?:tr|li)>", row).start()]  # the list pads its ids
    return rows


def test_every_requirement_no_check_covers_is_listed_as_not_assessed(html: str):
    cis = catalogue().frameworks["cis_aws"]
    fw = next(f for f in context()["frameworks"] if f.id == "cis_aws")
    # the sample run holds root_account_activity (pass: 1.7, 4.3) and cloudtrail_log_file_validation (fail: 3.2)
    assert [(r.id, r.status) for r in fw.requirements] == [("1.7", "pass"), ("3.2", "fail"), ("4.3", "pass")]
    assert [r.id for r in fw.not_assessed] == [r for r in cis.requirements if r not in {"1.7", "3.2", "4.3"}]
    assert {r.status for r in fw.not_assessed} == {"not_assessed"} and fw.unmapped == len(cis.requirements) - 3
    rows = _rows(section(html, "fw-cis_aws", "fw-"))
    assert set(rows) == set(cis.requirements)  # every requirement of the file is in the report
    for rid, row in rows.items():
        if rid in {"1.7", "3.2", "4.3"}:
            continue
        assert "badge-not_assessed" in row and "NOT ASSESSED" in text(row) and "PASS" not in text(row), rid
        assert cis.requirements[rid] in text(row)
    assert "badge-pass" in rows["1.7"] and "badge-fail" in rows["3.2"]
    shown = text(section(html, "fw-cis_aws", "fw-"))
    assert "version 3.0.0" in shown and "real-time metric filters and alarms" in shown
    assert f"{len(cis.requirements) - 3} not assessed" in shown


def test_a_not_assessed_requirement_is_one_line_of_the_pdf(pdf_text: str):
    lines = [line for line in pdf_text.splitlines() if "NOT ASSESSED" in line]
    assert any("4.15" in line and "Ensure AWS Organizations changes are monitored" in line for line in lines)
    # a long requirement text is cut at a word, not wrapped onto a second line
    soc2 = next(f for f in context()["frameworks"] if f.id == "soc2")
    long = [r for r in soc2.not_assessed if len(catalogue().frameworks["soc2"].requirements[r.id]) > NOT_ASSESSED_TEXT]
    assert long and all(r.text.endswith("…") and len(r.text) <= NOT_ASSESSED_TEXT + 1 for r in long)
    assert any(line.strip().startswith(long[0].id) and long[0].text[:40] in squash(line) for line in lines)


def test_requirements_whose_checks_had_no_data_or_an_error_are_not_passed():
    result = make_result()
    result.checks = [cr for cr in result.checks if cr.check.id in (RETENTION, PRODUCTION, ROOT)]  # no_data, error, pass
    fws = {f.id: f for f in context(result)["frameworks"]}
    status = {(f, r.id): r.status for f, fw in fws.items() for r in fw.requirements}
    assert status[("eu_ai_act", "Art.19")] == "no_data"  # retention only
    assert status[("nist_ai_rmf", "MANAGE 4.1")] == "no_data"
    assert status[("eu_ai_act", "Art.17")] == "error"  # mlflow_production_without_approval only
    assert status[("soc2", "CC7.2")] == "no_data"  # root passed, retention had no data: not verified
    assert status[("soc2", "CC6.1")] == "pass"  # root alone
    assert status[("soc2", "CC8.1")] == "error"
    # mapped only by checks this run does not hold (wildcard roles, approvals): not assessed
    assert "CC6.3" not in [r.id for r in fws["soc2"].requirements]
    assert "CC6.3" in [r.id for r in fws["soc2"].not_assessed]
    html = render_html(result, catalogue().frameworks, NOW)
    rows = _rows(section(html, "fw-soc2", "findings"))
    assert "badge-no_data" in rows["CC7.2"] and "badge-error" in rows["CC8.1"]
    assert "badge-not_assessed" in rows["CC6.3"] and "PASS" not in text(rows["CC6.3"])


def test_a_user_framework_is_shown_with_its_file_and_every_requirement_not_assessed(tmp_path):
    frameworks = dict(catalogue().frameworks)
    frameworks["acme_ml"] = Framework("acme_ml", "ACME ML control set", {"ML-1": "Logs are kept.", "ML-2": "Approved."},
                                      user_file=tmp_path / "acme_ml.yaml")
    html = render_html(make_result(), frameworks, NOW)
    part = section(html, "fw-acme_ml", "findings")
    assert str(tmp_path / "acme_ml.yaml") in text(part) and "frameworks_dir" in text(part)
    assert "No check in this catalogue maps to ACME ML control set" in text(part)
    rows = _rows(part)
    assert set(rows) == {"ML-1", "ML-2"} and all("badge-not_assessed" in r for r in rows.values())
    assert 'href="#fw-acme_ml"' in html  # in the table of contents, after the built-in frameworks


def _citing_result():
    """make_result with evidence rows that cite inputs: the failing burst row one key, the validation rows (one
    failing, one passing) a list each, the passing versioning check's rows (which the PDF does not show) another."""
    result = make_result()
    keys = [i.key for i in result.inputs]
    by_id = {cr.check.id: cr for cr in result.checks}
    by_id[BURST].rows[0]["source_key"] = keys[3]
    fail_row, pass_row = sorted(by_id[VALIDATION].rows, key=lambda r: r["status"] != "fail")
    fail_row["source_keys"] = [keys[7], keys[5], None]
    pass_row["source_keys"] = [keys[5], keys[11], "AWSLogs/gone.json.gz"]
    for row in by_id[VERSIONING].rows:
        row["source_key"] = keys[9]
    result.inputs += [InputFile("cloudtrail", "AWSLogs/a/changed.json.gz", "c" * 64, 40, 4, "changed"),
                      InputFile("mlflow", "runs/skipped.json", "d" * 64, 40, 4, "skipped")]
    return result, keys


def test_pdf_inputs_are_those_not_loaded_as_read_then_those_the_shown_rows_cite():
    result, keys = _citing_result()
    sel = context(result)["pdf_inputs"]
    assert [(i.key, i.status) for i in sel.not_as_read] == [("AWSLogs/a/changed.json.gz", "changed"),
                                                           ("AWSLogs/x/broken.json.gz", "quarantined")]
    # cited by the rows of checks the PDF shows (not passing ones), each once, by key; uncited and skipped ones left out
    assert [i.key for i in sel.cited] == [keys[3], keys[5], keys[7], keys[11]]
    assert keys[9] not in {i.key for i in sel.cited} and keys[0] not in {i.key for i in sel.cited}
    assert (sel.not_as_read_total, sel.cited_total, sel.cited_keys, sel.unmatched_keys) == (2, 4, 5, 1)


def test_pdf_inputs_follow_the_evidence_cap_and_their_own_cap():
    result, keys = _citing_result()
    findings = [f for f in context(result)["findings"] if f.status != "pass"]
    capped = build_context(result, catalogue().frameworks, NOW, 1, 50, 500)["pdf_inputs"]
    assert [i.key for i in capped.cited] == [keys[3], keys[5], keys[7]]  # the passing validation row is not shown
    inputs = sorted(result.inputs, key=lambda i: (i.source, i.key))
    one = select_inputs(inputs, findings, 1)
    assert [i.status for i in one.not_as_read] == ["changed"] and one.cited == []
    assert (one.not_as_read_total, one.cited_total) == (2, 4)
    three = select_inputs(inputs, findings, 3)
    assert len(three.not_as_read) == 2 and [i.key for i in three.cited] == [keys[3]]
