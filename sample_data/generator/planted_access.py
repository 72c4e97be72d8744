"""CloudTrail activity: the planted access and deployment stories (sample_data/README.md, keep in step).

P-ROOTKEY (the dev root user creates an access key for itself and uses it), P-LTKEY-BATCH (an IAM user's long-term
key calls SageMaker), P-ESC-INLINE and P-ESC-PASS (an ML role's permissions raised by an engineer, an ML role passed
to SageMaker outside the pipelines), P-ROLE-UPDATE (an engineer changes an ML role), P-HOTFIX (a Friday-night
deployment of a model built from a bare image, and the rollback at night), with their clean counterparts: the
administrator's changes to ML roles. Each story has its own seeded ``rng``; ``build(month)`` runs them all, after
every other layer.
"""

from __future__ import annotations

import json
from datetime import timedelta

from .formats import T
from .ids import rand_key
from .org import DEV, EU, PROD, UA, US
from .sagemaker_estate import EXEC_ROLE, IMAGES, SM_ARN

IAM_HOST = "iam.amazonaws.com"


def build(month) -> None:
    root_key(month)
    batch_scorer_key(month)
    ml_role_changes(month)
    hotfix(month)


def _iam(month, rng, sess, when, name, params, response=None):
    rec = month.synthetic(rng, account=sess.account, region=US, when=when, identity=sess.identity,
                          source="iam.amazonaws.com", name=name, params=params, response=response, read_only=False,
                          ip=sess.ip, ua=sess.ua("iam." + "-".join(_words(name))), host=IAM_HOST, protect=True)
    if sess.tool == "console":
        rec["sessionCredentialFromConsole"] = "true"
    return rec


def _words(name: str) -> list[str]:
    out, cur = [], ""
    for ch in name:
        if ch.isupper() and cur:
            out.append(cur.lower())
            cur = ""
        cur += ch
    return out + [cur.lower()]


def root_key(month):
    """P-ROOTKEY-CREATE / P-ROOTKEY-USE: in the console session of P-ROOT-IAM, the dev root user creates an access key
    for itself, then a script uses it against SageMaker. The session's other call (P-ROOT-IAM) is the clean
    counterpart: a root console session is root activity, not a root access key."""
    rng = month.rng("root-key")
    created = T("2026-10-17T09:18:40")
    key = rand_key(rng, "AKIA")
    console = {"type": "Root", "principalId": DEV, "arn": f"arn:aws:iam::{DEV}:root", "accountId": DEV,
               "accessKeyId": rand_key(rng), "sessionContext": {
                   "sessionIssuer": {}, "webIdFederationData": {},
                   "attributes": {"creationDate": "2026-10-17T09:12:44Z", "mfaAuthenticated": "true"}}}
    month.synthetic(rng, account=DEV, region=US, when=created, identity=console, source="iam.amazonaws.com",
                    name="CreateAccessKey", params=None,
                    response={"accessKey": {"accessKeyId": key, "status": "Active",
                                            "createDate": "Oct 17, 2026 9:18:40 AM"}},
                    read_only=False, ip="198.51.100.201", ua="AWS Internal", host=IAM_HOST,
                    protect=True)["sessionCredentialFromConsole"] = "true"
    used = T("2026-10-17T09:25:10")
    ident = {"type": "Root", "principalId": DEV, "arn": f"arn:aws:iam::{DEV}:root", "accountId": DEV,
             "accessKeyId": key}
    month.synthetic(rng, account=DEV, region=EU, when=used, identity=ident, source="sagemaker.amazonaws.com",
                    name="ListTrainingJobs", params={"maxResults": 100}, read_only=True, ip="198.51.100.201",
                    ua=UA["cli"].format(cmd="sagemaker.list-training-jobs"), host=f"api.sagemaker.{EU}.amazonaws.com",
                    protect=True)


def batch_scorer_key(month):
    """P-LTKEY-BATCH: the legacy IAM user ml-batch-scorer runs a nightly batch transform in prod with its AKIA key."""
    rng = month.rng("batch-scorer")
    ident = month.iam_user(PROD, "ml-batch-scorer", rand_key(rng, "AKIA"))
    t = T("2026-10-13T02:30:12")
    job = "churn-batch-20261013"
    calls = [("DescribeModel", {"modelName": "churn-classifier-v3-20261006"}, True, None),
             ("CreateTransformJob", {"transformJobName": job, "modelName": "churn-classifier-v3-20261006",
                                     "transformInput": {"dataSource": {"s3DataSource": {
                                         "s3DataType": "S3Prefix",
                                         "s3Uri": "s3://northwind-ml-datasets/churn/scoring/dt=2026-10-12/"}},
                                         "contentType": "text/csv"},
                                     "transformOutput": {"s3OutputPath": "s3://northwind-ml-artifacts/batch/churn/"},
                                     "transformResources": {"instanceType": "ml.m5.xlarge", "instanceCount": 1}},
              False, {"transformJobArn": f"{SM_ARN}:transform-job/{job}"}),
             ("DescribeTransformJob", {"transformJobName": job}, True, None)]
    for name, params, ro, resp in calls:
        month.synthetic(rng, account=PROD, region=EU, when=t, identity=ident, source="sagemaker.amazonaws.com",
                        name=name, params=params, response=resp, read_only=ro, ip="10.20.3.41",
                        ua=UA["studio"], host=f"api.sagemaker.{EU}.amazonaws.com", protect=True)
        t += timedelta(seconds=rng.randint(2, 9))


def ml_role_changes(month):
    """P-ESC-INLINE: bob gives his own ML role sagemaker:* in an inline policy; eve, the administrator, deletes it the
    next morning (info). P-ESC-PASS: carol passes the SageMaker execution role to a processing job in prod.
    P-ROLE-UPDATE: alice raises the execution role's session duration. Clean: eve attaches AmazonSageMakerReadOnly to
    ml-approver (as the IAM snapshot shows it)."""
    rng = month.rng("ml-role-changes")
    eve = month.story_session(rng, "eve", "data-platform-admin", PROD, T("2026-10-02T10:14:51"), tool="cli",
                              ip="203.0.113.90")
    _iam(month, rng, eve, T("2026-10-02T10:21:00"), "AttachRolePolicy",
         {"roleName": "ml-approver", "policyArn": "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"})
    bob = month.story_session(rng, "bob", "ml-engineer", PROD, T("2026-10-12T16:31:20"), tool="cli")
    doc = {"Version": "2012-10-17", "Statement": [{"Sid": "Debug", "Effect": "Allow", "Action": "sagemaker:*",
                                                   "Resource": "*"}]}
    _iam(month, rng, bob, T("2026-10-12T16:40:05"), "PutRolePolicy",
         {"roleName": "ml-engineer", "policyName": "debug-full-sagemaker", "policyDocument": json.dumps(doc)})
    eve = month.story_session(rng, "eve", "data-platform-admin", PROD, T("2026-10-13T09:05:02"), tool="cli",
                              ip="203.0.113.90")
    _iam(month, rng, eve, T("2026-10-13T09:12:30"), "DeleteRolePolicy",
         {"roleName": "ml-engineer", "policyName": "debug-full-sagemaker"})
    alice = month.story_session(rng, "alice", "ml-engineer", PROD, T("2026-10-15T11:11:43"), tool="cli")
    _iam(month, rng, alice, T("2026-10-15T11:20:07"), "UpdateRole",
         {"roleName": "sagemaker-execution-role", "maxSessionDuration": 43200})
    carol = month.story_session(rng, "carol", "ml-engineer", PROD, T("2026-10-21T14:48:10"), tool="studio",
                                ip="10.20.2.77")
    job = "carol-feature-backfill-1021"
    month.sm(rng, carol, T("2026-10-21T15:02:44"), "CreateProcessingJob",
             {"processingJobName": job, "roleArn": EXEC_ROLE,
              "appSpecification": {"imageUri": IMAGES["sklearn"], "containerEntrypoint": ["python3", "backfill.py"]},
              "processingResources": {"clusterConfig": {"instanceCount": 1, "instanceType": "ml.m5.xlarge",
                                                        "volumeSizeInGB": 30}},
              "stoppingCondition": {"maxRuntimeInSeconds": 3600}},
             response={"processingJobArn": f"{SM_ARN}:processing-job/{job}"}, read_only=False, protect=True)


def hotfix(month):
    """P-HOTFIX-DEPLOY / P-HOTFIX-MODEL / P-HOTFIX-ROLLBACK: on Friday night a manual pipeline build deploys to
    churn-prod a model built from a bare image and model artefact (no package), and rolls back to
    churn-prod-config-20261006 after midnight; the endpoint ends as the snapshot shows it."""
    rng = month.rng("hotfix")
    model, config = "churn-hotfix-20261030", "churn-prod-config-20261030"
    start = T("2026-10-30T21:52:30")
    sess = month.ci_session(rng, PROD, 4879, start)
    t = month.ci_prelude(rng, sess, start)
    month.sm(rng, sess, t + timedelta(seconds=20), "CreateModel",
             {"modelName": model, "primaryContainer": {
                 "image": IMAGES["xgboost"],
                 "modelDataUrl": "s3://northwind-ml-artifacts/hotfix/churn-20261030/model.tar.gz"},
              "executionRoleArn": EXEC_ROLE, "enableNetworkIsolation": False},
             response={"modelArn": f"{SM_ARN}:model/{model}"}, read_only=False, protect=True)
    month.sm(rng, sess, t + timedelta(seconds=31), "CreateEndpointConfig",
             {"endpointConfigName": config,
              "productionVariants": [{"variantName": "AllTraffic", "modelName": model, "initialInstanceCount": 2,
                                      "instanceType": "ml.m5.large", "initialVariantWeight": 1.0}]},
             response={"endpointConfigArn": f"{SM_ARN}:endpoint-config/{config}"}, read_only=False, protect=True)
    month.sm(rng, sess, T("2026-10-30T22:05:14"), "UpdateEndpoint",
             {"endpointName": "churn-prod", "endpointConfigName": config},
             response={"endpointArn": f"{SM_ARN}:endpoint/churn-prod"}, read_only=False, protect=True)
    start = T("2026-10-31T01:31:02")
    sess = month.ci_session(rng, PROD, 4880, start)
    month.ci_prelude(rng, sess, start)
    month.sm(rng, sess, T("2026-10-31T01:40:26"), "UpdateEndpoint",
             {"endpointName": "churn-prod", "endpointConfigName": "churn-prod-config-20261006"},
             response={"endpointArn": f"{SM_ARN}:endpoint/churn-prod"}, read_only=False, protect=True)
