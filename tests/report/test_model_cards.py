"""model_cards.py: a card per model in production with its provenance (each link with its evidence, or "not recorded"
and why), its history, and the findings that name it; the "Models in production" section renders them."""

from __future__ import annotations

from datetime import datetime

from report_support import NOW, section, tags, text
from sample_run import catalogue, make_result

from auditreport.checks.model import Check, CheckResult
from auditreport.report.html import render_html
from auditreport.report.model_cards import anchor, model_cards, violations


def _cards(result):
    return {c.title: c for c in model_cards(result)}


def _link(card, step):
    (link,) = [x for x in card.links if x.step == step]
    return link


def test_a_clean_model_and_models_with_violations_in_the_sample_month(sample_month):
    cards = _cards(sample_month)
    assert sorted(cards) == ["churn-classifier v7", "churn-prod ← churn-classifier/3", "credit-risk v4",
                             "demand-forecast v12", "demand-forecast-prod ← demand-forecast/5",
                             "fraud-scoring-prod ← fraud-scoring/2", "legacy-recs ← legacy-recs-model",
                             "recsys-ranker-prod ← recsys-ranker/1"]
    clean = cards["churn-classifier v7"]
    assert clean.violations == [] and not any(e["violations"] for e in clean.events)
    early = cards["demand-forecast-prod ← demand-forecast/5"]  # P-DEPLOY-EARLY
    assert {v.check_id for v in early.violations} == {"sagemaker_deployed_before_approval",
                                                      "sagemaker_production_approver_count"}
    flagged = {(e["kind"], e["at"].isoformat()): e["violations"] for e in early.events if e["violations"]}
    assert flagged[("deployed", "2026-10-14T09:33:27")] == ["sagemaker_deployed_before_approval"]
    assert set(flagged[("approved", "2026-10-16T10:05:51")]) == {"sagemaker_deployed_before_approval",
                                                                "sagemaker_production_approver_count"}
    self_approved = {v.check_id for c in cards.values() for v in c.violations}
    assert "sagemaker_self_approval" not in self_approved  # fraud-scoring/3 was approved but is deployed nowhere


def test_every_link_names_its_evidence_or_says_not_recorded_and_why(sample_month):
    cards = _cards(sample_month)
    churn = cards["churn-prod ← churn-classifier/3"]
    assert _link(churn, "Training job").evidence == (
        "sagemaker_training_jobs: 111122223333/eu-west-1/sagemaker/DescribeTrainingJob/"
        "churn-classifier-nightly-20261003-0100.json")
    assert _link(churn, "Data").value == "train: s3://northwind-ml-datasets/churn/features/"
    assert churn.missing == []
    untraced = cards["recsys-ranker-prod ← recsys-ranker/1"]  # P-UNTRACED
    job = _link(untraced, "Training job")
    assert job.value is None and job.evidence is None
    assert "no captured training job wrote the package's artefact" in job.why
    assert "s3://northwind-ml-artifacts/recsys-ranker/v1/model.tar.gz" in job.why
    assert {x.step for x in untraced.missing} == {"Training job", "Data", "Code"}
    bare = cards["legacy-recs ← legacy-recs-model"]  # P-ENDPOINT-NOPKG
    assert _link(bare, "Model package").value is None
    assert "not built from a Model Registry package" in _link(bare, "Model package").why
    assert "deployed before them" in _link(bare, "Deployment").why
    fraud = cards["fraud-scoring-prod ← fraud-scoring/2"]
    assert _link(fraud, "Approval").why.endswith("the registry shows PendingManualApproval now")
    credit = cards["credit-risk v4"]
    assert _link(credit, "Code").value is None and "mlflow.source.git.commit" in _link(credit, "Code").why
    assert _link(credit, "Approval").value is None
    assert _link(credit, "Serving").value is None  # MLflow never records where a version serves
    demand = cards["demand-forecast v12"]
    assert "mlflow.log_input" in _link(demand, "Data").why
    assert _link(cards["churn-classifier v7"], "Approval").value.startswith("approved_by=dave, carol")


def test_mlflow_findings_mark_the_registry_change_they_name(sample_month):
    credit = _cards(sample_month)["credit-risk v4"]
    assert {v.check_id for v in credit.violations} >= {"mlflow_production_without_approval",
                                                       "mlflow_production_without_code_version",
                                                       "mlflow_production_alias_changes"}
    moved = [e for e in credit.events if e["detail"] == "alias champion moved v3 -> v4"]
    assert moved[0]["violations"] == ["mlflow_production_alias_changes"]
    assert all(e["actor"] is None for e in credit.events)


def _result_with(check_id, rows):
    check = Check(check_id, "A title", "high", "detection", {}, [], [], "d", "r", "", None, "model_governance", [])
    return type("R", (), {"checks": [CheckResult(check, "fail", list(rows[0]), rows)]})()


def test_a_finding_names_a_model_by_its_identifiers_in_its_own_account_and_region():
    m = {"platform": "sagemaker", "account_id": "1", "region": "r", "model_package_arn": "arn:p/1",
         "endpoint_name": "ep", "endpoint_arn": "arn:e/ep", "model_name": "mod", "model_arn": None}
    row = {"resource": "arn:e/ep (variant AllTraffic)", "status": "fail", "reason": "why", "account_id": "1"}
    assert [v.rows for v in violations(m, _result_with("c", [row]))] == [1]
    assert violations(m, _result_with("c", [{**row, "account_id": "2"}])) == []
    listed = {"resource": "x", "status": "fail", "endpoints": ["other", "ep"], "event_id": "e9"}
    (v,) = violations(m, _result_with("c", [listed]))
    assert v.event_ids == {"e9"} and v.anchor == "check-c"
    ml = {"platform": "mlflow", "model_name": "m", "version": 4}
    assert violations(ml, _result_with("c", [{"resource": "models:/m/4", "status": "fail", "model_name": "m",
                                              "version": 3}])) == []
    assert anchor("model-sm", "a b", "<x>") == "model-sm-a-b--x-"


def test_the_section_renders_cards_with_timelines_links_to_findings_and_the_contents(sample_month):
    html = render_html(sample_month, catalogue().frameworks, NOW)
    body = section(html, "models", "sources")
    seen = text(body)
    assert "8 models: 7 named by a failing check, 1 named by none." in seen
    assert "✓ no failing check names this model" in seen and "NOT RECORDED" in seen
    card = section(html, "model-sm-111122223333-eu-west-1-demand-forecast-prod-AllTraffic", "model-")
    assert '<a href="#check-sagemaker_deployed_before_approval">' in card
    assert "<title id=" in card and "named by a finding" in card
    assert "! Finding: sagemaker_deployed_before_approval" in text(card)
    assert "Who: codebuild-4833 (role arn:aws:iam::111122223333:role/ml-deploy-pipeline)" in text(card)
    hrefs = [a.get("href") for t, a in tags(section(html, "contents", "summary")) if t == "a"]
    assert "#models" in hrefs and "#model-mlflow-churn-classifier-7" in hrefs
    contents = text(section(html, "contents", "summary"))
    assert "churn-classifier v7: no finding" in contents
    assert "demand-forecast-prod ← demand-forecast/5: 2 failing checks" in contents
    assert text(section(html, "sources")).startswith('id="sources"> 5 Data sources and limitations')


def test_no_model_in_production_is_said_and_is_not_a_pass():
    seen = text(section(render_html(make_result(), {}, NOW), "models", "sources"))
    assert "No model in production was found in the evidence. This is not a pass" in seen


def test_log_text_in_a_card_stays_text_in_the_html_and_the_svg():
    from test_models import POLICY, _event, _hand_built_lake

    from auditreport.period import Period
    from auditreport.report.models import collect

    con = _hand_built_lake()
    _event(con, 7, "UpdateModelPackage", "2026-10-07 10:00",
           {"modelPackageArn": "arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/3",
            "modelApprovalStatus": "Approved", "approvalDescription": "<script>alert(1)</script>"},
           session="<img src=x onerror=alert(2)>", role="ml-approver")
    result = make_result()
    result.period = Period(2026, 10)
    result.figures = {"models": collect(con, Period(2026, 10), POLICY)}
    html = render_html(result, {}, NOW)
    body = section(html, "models", "sources")
    assert "<script>" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "UpdateModelPackage: status Approved (<script>alert(1)</script>)" in text(body)
