"""models.py: the models in production in the period and their history, from the lake and the shared views: SageMaker
production variants of captured endpoints with their package, training job and data, and CloudTrail's who and when;
MLflow versions in production at the period's end with their run, code and datasets, and the registry's dated
changes (no actor)."""

from __future__ import annotations

import json
from datetime import datetime

from sample_run import catalogue

from auditreport.checks.cases import new_lake
from auditreport.period import Period
from auditreport.report.models import collect, who

ACC, REG = "111122223333", "eu-west-1"
PKG = f"arn:aws:sagemaker:{REG}:{ACC}:model-package/churn/3"
POLICY = {"production_aliases": ["production", "champion"], "production_stages": ["Production"]}


def _by_name(models):
    return {(m.get("endpoint_name") or f"{m['model_name']} v{m['version']}"): m for m in models}


def test_the_sample_month_has_five_endpoints_and_three_mlflow_versions_in_production(sample_month):
    models = _by_name(sample_month.figures["models"])
    assert sorted(models) == ["churn-classifier v7", "churn-prod", "credit-risk v4", "demand-forecast v12",
                              "demand-forecast-prod", "fraud-scoring-prod", "legacy-recs", "recsys-ranker-prod"]
    churn = models["churn-prod"]
    assert churn["model_package_arn"].endswith("model-package/churn-classifier/3")
    assert churn["training_job_name"] == "churn-classifier-nightly-20261003-0100"
    assert churn["training_inputs"][0]["uri"] == "s3://northwind-ml-datasets/churn/features/"
    seen = [(e["at"].strftime("%m-%d %H:%M:%S"), e["kind"], (e["actor"] or "").split(" ")[0]) for e in churn["events"]]
    assert seen[:4] == [("10-03 10:12:41", "registered", "alice"), ("10-05 09:41:07", "approved", "dave"),
                        ("10-05 14:12:36", "approved", "carol"), ("10-06 10:15:02", "deployed", "codebuild-4812")]
    # the hotfix switched churn-prod to another config for three hours; the rollback redeployed this model
    assert ("10-30 22:05:14", "deployed_other", "codebuild-4879") in seen
    assert ("10-31 01:40:26", "deployed", "codebuild-4880") in seen
    assert models["recsys-ranker-prod"]["training_job_name"] is None  # P-UNTRACED: no job wrote its artefact
    assert models["legacy-recs"]["model_package_arn"] is None  # P-ENDPOINT-NOPKG


def test_a_package_registered_before_the_logs_takes_its_time_from_the_registry_with_no_actor(sample_month):
    fraud = _by_name(sample_month.figures["models"])["fraud-scoring-prod"]
    first, deployed, withdrawn = fraud["events"]
    assert (first["kind"], first["at"].date().isoformat(), first["actor"], first["table"]) == (
        "registered", "2026-09-18", None, "sagemaker_model_packages")
    assert first["source_key"].endswith("DescribeModelPackage/fraud-scoring%2F2.json")
    # deployed 09-20, before the logs: the endpoint's LastModifiedTime from the capture, with no actor
    assert (deployed["kind"], deployed["at"].isoformat(), deployed["actor"], deployed["table"]) == (
        "deployed", "2026-09-20T14:12:55", None, "sagemaker_deployments")
    assert withdrawn["kind"] == "approval_withdrawn" and withdrawn["actor"].startswith("dave (role ")


def test_mlflow_versions_carry_their_run_inputs_and_dated_changes_without_actor(sample_month):
    models = _by_name(sample_month.figures["models"])
    demand = models["demand-forecast v12"]
    assert demand["inputs"] is None and demand["git_commit"] == "fcc37e9f5a5660baf986e5e388e63514130857ad"
    promoted = [e for e in demand["events"] if e["detail"] == "stage Staging -> Production"]
    assert [(e["since"].isoformat(), e["at"].isoformat(), e["actor"]) for e in promoted] == [
        ("2026-10-22T01:00:00", "2026-10-29T01:00:00", None)]
    credit = models["credit-risk v4"]
    assert credit["production_aliases"] == ["champion"] and credit["git_commit"] is None
    assert {i["context"] for i in models["churn-classifier v7"]["inputs"]} == {"training", "evaluation"}


def _event(con, i, name, at, params, response=None, error=None, session="alice", role="ml-engineer"):
    con.execute(
        "INSERT INTO cloudtrail_events (event_id, event_time, event_source, event_name, error_code, request_parameters,"
        " response_elements, recipient_account_id, aws_region, user_type, session_name, actor_arn, principal_arn,"
        " source_key, record_index) VALUES (?, ?, 'sagemaker.amazonaws.com', ?, ?, ?, ?, ?, ?, 'AssumedRole', ?, ?, ?,"
        " 'k.json.gz', ?)",
        [f"e{i}", at, name, error, json.dumps(params), json.dumps(response or {}), ACC, REG, session,
         f"arn:aws:iam::{ACC}:role/{role}", f"arn:aws:sts::{ACC}:assumed-role/{role}/{session}", i])


def _hand_built_lake():
    con = new_lake(catalogue())
    con.execute("INSERT INTO sagemaker_deployments (account_id, region, endpoint_name, endpoint_status, "
                "endpoint_config_name, variant_name, model_name, model_package_arn, captured_at, source_key) VALUES "
                f"('{ACC}', '{REG}', 'churn-prod', 'InService', 'cfg-2', 'AllTraffic', 'churn-model', '{PKG}', "
                "'2026-11-01 02:00', 'dep.json')")
    con.execute("INSERT INTO sagemaker_model_packages (account_id, region, model_package_arn, model_approval_status, "
                "creation_time, model_data_url, captured_at, source_key) VALUES "
                f"('{ACC}', '{REG}', '{PKG}', 'Approved', '2026-10-02 09:00', 's3://a/job-1/model.tar.gz', "
                "'2026-11-01 02:00', 'pkg.json')")
    con.execute("INSERT INTO sagemaker_training_jobs (account_id, region, training_job_name, model_artifacts, "
                f"captured_at, source_key) VALUES ('{ACC}', '{REG}', 'job-1', 's3://a/job-1/model.tar.gz', "
                "'2026-11-01 02:00', 'job.json')")
    _event(con, 1, "CreateModelPackage", "2026-10-02 09:00", {"modelApprovalStatus": "PendingManualApproval"},
           {"modelPackageArn": PKG})
    _event(con, 2, "UpdateModelPackage", "2026-10-03 10:00",
           {"modelPackageArn": PKG, "modelApprovalStatus": "Approved"}, session="dave", role="ml-approver")
    _event(con, 3, "UpdateEndpoint", "2026-10-04 11:00", {"endpointName": "churn-prod", "endpointConfigName": "cfg-2"},
           session="codebuild-1", role="ml-deploy-pipeline")
    _event(con, 4, "UpdateEndpoint", "2026-10-05 11:00", {"endpointName": "churn-prod", "endpointConfigName": "cfg-3"},
           error="AccessDenied", session="mallory")  # refused: changed nothing
    _event(con, 5, "UpdateEndpoint", "2026-11-02 11:00", {"endpointName": "churn-prod", "endpointConfigName": "cfg-9"})
    _event(con, 6, "UpdateEndpoint", "2026-10-06 11:00", {"endpointName": "other-endpoint", "endpointConfigName": "x"})
    return con


def test_a_hand_built_deployment_gets_its_history_from_cloudtrail_within_the_period():
    (m,) = collect(_hand_built_lake(), Period(2026, 10), POLICY)
    assert (m["platform"], m["training_job_name"], m["package_key"], m["training_key"]) == (
        "sagemaker", "job-1", "pkg.json", "job.json")
    assert m["config_key"] is None and m["training_inputs"] is None  # not captured: the card says so
    assert [(e["event_id"], e["kind"], e["actor"]) for e in m["events"]] == [
        ("e1", "registered", f"alice (role arn:aws:iam::{ACC}:role/ml-engineer)"),
        ("e2", "approved", f"dave (role arn:aws:iam::{ACC}:role/ml-approver)"),
        ("e3", "deployed", f"codebuild-1 (role arn:aws:iam::{ACC}:role/ml-deploy-pipeline)")]


def test_mlflow_production_is_matched_without_case_at_the_snapshot_of_the_period_end():
    con = new_lake(catalogue())
    rows = [("2026-10-15 01:00", 1, "production", "[]"), ("2026-10-15 01:00", 2, "None", '["Champion"]'),
            ("2026-10-15 01:00", 3, "Staging", '["staging"]'), ("2026-11-05 01:00", 3, "Production", "[]")]
    for snap, version, stage, aliases in rows:
        con.execute("INSERT INTO mlflow_model_versions (snapshot_at, model_name, version, current_stage, aliases, "
                    "tags, creation_time, source_key) VALUES (?, 'm', ?, ?, ?, '{}', '2026-10-01', 's')",
                    [snap, version, stage, aliases])
    got = [(m["version"], m["production_aliases"], m["run_state"]) for m in collect(con, Period(2026, 10), POLICY)]
    assert got == [(1, [], "no_run_id"), (2, ["Champion"], "no_run_id")]  # v3 reaches Production after the period


def test_an_empty_lake_has_no_model_in_production_and_who_names_the_caller():
    assert collect(new_lake(catalogue()), Period(2026, 10), POLICY) == []
    assert who({"user_type": "IAMUser", "principal_arn": "arn:aws:iam::1:user/bob"}) == "arn:aws:iam::1:user/bob"
    assert who({}) == "an unidentified principal"
