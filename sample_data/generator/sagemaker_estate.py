"""The SageMaker estate of the prod account (eu-west-1) and the datasets it trains on.

Model packages, models, endpoint configs and endpoints as they stand at the capture, with the history that led there
(package creators, approvals, the pipeline's in-period deployments). The CloudTrail stories (``sagemaker_history``)
and the DescribeX snapshots (``aws_sagemaker``) are both written from these tables, so they agree. Several planted
violations live here as data: P-APPROVER, P-SELF-APPROVAL, P-ENDPOINT-PENDING, P-ENDPOINT-NOPKG, P-DEPLOY-EARLY.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .formats import T
from .ids import rand_hex, role_arn
from .org import EU, PROD
from .sagemaker_lineage import artifact_url

SM_ACCOUNT, SM_REGION = PROD, EU
SM_ARN = f"arn:aws:sagemaker:{SM_REGION}:{SM_ACCOUNT}"
EXEC_ROLE = role_arn(SM_ACCOUNT, "sagemaker-execution-role")
IMAGES = {
    "sklearn": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
    "xgboost": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "recs": f"{SM_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/northwind/recs-server:2025.02.1",
    "ranker": f"{SM_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/northwind/ranker-server:2026.09.4",
}
# (group, version): created, creator (role, session) or None before the logs, image, final status, approval events
# [(time, status, role, session, description)], all as they were by the capture time.
PACKAGES = [
    dict(group="churn-classifier", version=1, created=T("2026-06-04T09:12:44"), image="xgboost", status="Approved"),
    dict(group="churn-classifier", version=2, created=T("2026-09-01T14:03:19"), image="xgboost", status="Approved"),
    dict(group="churn-classifier", version=3, created=T("2026-10-03T10:12:41"), creator=("ml-engineer", "alice"),
         image="xgboost", status="Approved",
         approvals=[(T("2026-10-05T09:41:07"), "Approved", "ml-approver", "dave",
                     "AUC 0.912 on holdout 2026-09; fairness review FR-2026-041 passed")]),
    dict(group="churn-classifier", version=4, created=T("2026-10-28T15:20:09"), creator=("ml-engineer", "alice"),
         image="xgboost", status="PendingManualApproval"),
    dict(group="fraud-scoring", version=1, created=T("2026-07-14T08:44:02"), image="sklearn", status="Approved"),
    dict(group="fraud-scoring", version=2, created=T("2026-09-18T11:05:37"), image="sklearn",
         status="PendingManualApproval",  # approved before the logs; the withdrawal: planted_approvals writes it
         approvals=[(T("2026-10-24T16:02:11"), "PendingManualApproval", "ml-approver", "dave",
                     "Approval withdrawn: precision drop on card-not-present since 10-20; "
                     "revalidate under MLOPS-1466")]),
    dict(group="fraud-scoring", version=3, created=T("2026-10-22T13:31:55"), creator=("ml-engineer", "carol"),
         image="sklearn", status="Approved",
         approvals=[(T("2026-10-23T08:47:12"), "Approved", "ml-approver", "carol", "Looks good, approving")]),
    dict(group="demand-forecast", version=3, created=T("2026-08-10T13:27:50"), image="xgboost", status="Approved"),
    dict(group="demand-forecast", version=4, created=T("2026-10-09T10:02:33"), creator=("ml-engineer", "alice"),
         image="xgboost", status="Rejected",
         approvals=[(T("2026-10-10T15:12:40"), "Rejected", "ml-approver", "dave",
                     "MAPE regression on the Nordics segment; retrain with holiday features")]),
    dict(group="demand-forecast", version=5, created=T("2026-10-13T16:25:18"), creator=("ml-engineer", "alice"),
         image="xgboost", status="Approved",
         approvals=[(T("2026-10-16T10:05:51"), "Approved", "ml-approver", "dave",
                     "Backtest MAPE 7.9% (v3: 9.4%); approved after the fact, see INC-2026-112")]),
    dict(group="recsys-ranker", version=1, created=T("2026-10-02T07:15:02"),
         creator=("ml-deploy-pipeline", "codebuild-?"), image="ranker", status="Approved",
         approvals=[(T("2026-10-03T11:20:18"), "Approved", "ml-approver", "dave", "NDCG@10 +3.1% in offline eval")]),
    dict(group="recsys-ranker", version=2, created=T("2026-10-26T14:02:10"), creator=("ml-engineer", "alice"),
         image="ranker", status="Approved",
         approvals=[(T("2026-10-27T17:48:03"), "Approved", "ml-engineer", "bob", "approved, dave is out this week")]),
]
for _p in PACKAGES:
    _p["arn"] = f"{SM_ARN}:model-package/{_p['group']}/{_p['version']}"
    _p.setdefault("creator", None)
    _p.setdefault("approvals", [])
    _p["data"] = artifact_url(_p)

PKG = {(p["group"], p["version"]): p for p in PACKAGES}

# models: name -> (package key or None, created, image/model data when no package)
MODELS = {
    "churn-classifier-v2-20260902": dict(package=("churn-classifier", 2), created=T("2026-09-02T09:10:11")),
    "churn-classifier-v3-20261006": dict(package=("churn-classifier", 3), created=T("2026-10-06T10:14:03")),
    "fraud-scoring-v2-20260920": dict(package=("fraud-scoring", 2), created=T("2026-09-20T13:58:40")),
    "demand-forecast-v3-20260812": dict(package=("demand-forecast", 3), created=T("2026-08-12T08:31:12")),
    "demand-forecast-v5-20261014": dict(package=("demand-forecast", 5), created=T("2026-10-14T09:31:40")),
    "recsys-ranker-v1-20261004": dict(package=("recsys-ranker", 1), created=T("2026-10-04T08:02:10")),
    "legacy-recs-model": dict(package=None, created=T("2025-03-11T10:40:02"), image=IMAGES["recs"],
                              model_data="s3://northwind-ml-artifacts/legacy-recs/2025-03-10/model.tar.gz"),
}
# endpoint configs: name -> (model, instance type, count, created)
CONFIGS = {
    "churn-prod-config-20260902": dict(model="churn-classifier-v2-20260902", itype="ml.m5.large", count=2,
                                       created=T("2026-09-02T09:10:40")),
    "churn-prod-config-20261006": dict(model="churn-classifier-v3-20261006", itype="ml.m5.large", count=2,
                                       created=T("2026-10-06T10:14:20")),
    "fraud-scoring-prod-config-20260920": dict(model="fraud-scoring-v2-20260920", itype="ml.c5.xlarge", count=3,
                                               created=T("2026-09-20T13:59:02")),
    "demand-forecast-prod-config-20260812": dict(model="demand-forecast-v3-20260812", itype="ml.m5.xlarge", count=1,
                                                 created=T("2026-08-12T08:31:40")),
    "demand-forecast-prod-config-20261014": dict(model="demand-forecast-v5-20261014", itype="ml.m5.xlarge", count=1,
                                                 created=T("2026-10-14T09:32:05")),
    "recsys-ranker-prod-config-20261004": dict(model="recsys-ranker-v1-20261004", itype="ml.g5.xlarge", count=2,
                                               created=T("2026-10-04T08:02:31")),
    "legacy-recs-config": dict(model="legacy-recs-model", itype="ml.m5.large", count=1, created=T("2025-03-11T10:41:15")),
}
# endpoints: name -> (current config, created, last modified)
ENDPOINTS = {
    "churn-prod": dict(config="churn-prod-config-20261006", created=T("2025-11-20T12:00:31"),
                       modified=T("2026-10-06T10:22:41")),
    "fraud-scoring-prod": dict(config="fraud-scoring-prod-config-20260920", created=T("2026-03-02T10:15:09"),
                               modified=T("2026-09-20T14:12:55")),
    "demand-forecast-prod": dict(config="demand-forecast-prod-config-20261014", created=T("2025-06-15T07:45:00"),
                                 modified=T("2026-10-14T09:41:02")),
    "recsys-ranker-prod": dict(config="recsys-ranker-prod-config-20261004", created=T("2026-10-04T08:05:44"),
                               modified=T("2026-10-04T08:13:59")),
    "legacy-recs": dict(config="legacy-recs-config", created=T("2025-03-11T10:42:30"),
                        modified=T("2025-03-11T10:51:12")),
}
# in-period deployments made by the CI pipeline: (build, endpoint, action, model, config, times)
DEPLOYMENTS = [
    dict(build="codebuild-?", endpoint="recsys-ranker-prod", action="CreateEndpoint",
         model="recsys-ranker-v1-20261004", config="recsys-ranker-prod-config-20261004", at=T("2026-10-04T08:05:44")),
    dict(build="codebuild-?", endpoint="churn-prod", action="UpdateEndpoint",
         model="churn-classifier-v3-20261006", config="churn-prod-config-20261006", at=T("2026-10-06T10:15:02")),
    dict(build="codebuild-?", endpoint="demand-forecast-prod", action="UpdateEndpoint",
         model="demand-forecast-v5-20261014", config="demand-forecast-prod-config-20261014", at=T("2026-10-14T09:33:27")),
]
TRAINING_JOBS_PER_GROUP = ["churn-classifier", "demand-forecast", "fraud-scoring", "recsys-ranker"]
LOG_GROUPS_ML_ENDPOINTS = [f"/aws/sagemaker/Endpoints/{e}" for e in ENDPOINTS]


DATASETS = {
    "churn-classifier": "churn/features",
    "demand-forecast": "demand/daily-sales",
    "fraud-scoring": "fraud/transactions",
    "recsys-ranker": "recsys/interactions",
}


def dataset_key(rng: random.Random, group: str, day: datetime) -> str:
    return (f"{DATASETS[group]}/dt={(day - timedelta(days=rng.randint(0, 3))):%Y-%m-%d}/"
            f"part-{rng.randint(0, 63):05d}-{rand_hex(rng, 8)}-c000.snappy.parquet")
