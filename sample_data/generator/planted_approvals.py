"""Approval and model-provenance stories (sample_data/README.md, keep in step), each with its own seeded ``rng``.

CloudTrail (a mixin of ``Month``, run last so that no other story's random draws move):

    carol, as ml-approver, approves churn-classifier/3 a second time on 10-05: with dave's approval that makes two
    people, the clean counterpart of P-APPROVERS-SM-*;
    dave withdraws the approval of fraud-scoring/2 on 10-24 (set back to PendingManualApproval) while
    fraud-scoring-prod keeps serving it: P-REVOKED-SERVING. The withdrawal is listed with the package in
    ``sagemaker_estate`` (its DescribeModelPackage shows it); the package predates the logs, so ``registry()`` writes
    no event of it and this module does.

MLflow (hooks in ``mlflow_snapshots``): version descriptions, the runs' dataset inputs, and which runs lack them:
credit-risk v4's run was started from a notebook outside git (P-MLFLOW-NOCOMMIT), demand-forecast v12's run logged no
dataset (P-MLFLOW-NODATA).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from .formats import T
from .activity import Session
from .org import OFFICE_IPS, PROD
from .sagemaker_estate import DATASETS, PKG
from .sagemaker_history import SageMakerHistory

# package decisions the estate's creators-and-approvals table does not write: (package, time, status, role, person,
# description)
EXTRA_DECISIONS = [
    (("churn-classifier", 3), T("2026-10-05T14:12:36"), "Approved", "ml-approver", "carol",
     "Second review: fairness report FR-2026-041 re-checked, MLOPS-1398"),
]
REVOKED = ("fraud-scoring", 2)  # its withdrawal is in sagemaker_estate.PACKAGES

# MLflow model versions: descriptions, and the runs that do not record their provenance
VERSION_DESCRIPTIONS = {
    ("churn-classifier", 7): "September features, class weights rebalanced; promotion reviewed in MLOPS-1412",
    ("demand-forecast", 12): "Weekly retrain with holiday features",
    ("credit-risk", 4): "PD model, quarterly refresh",
}
RUNS_WITHOUT_GIT = {("credit-risk", 4)}  # P-MLFLOW-NOCOMMIT: a notebook outside any git checkout
RUNS_WITHOUT_DATASETS = {("demand-forecast", 12)}  # P-MLFLOW-NODATA
MLFLOW_DATASETS = {"churn-classifier": DATASETS["churn-classifier"], "demand-forecast": DATASETS["demand-forecast"],
                   "credit-risk": "credit/applications"}


class ApprovalStories(SageMakerHistory):
    """The CloudTrail side: a second approver, a withdrawn approval."""

    def approval_stories(self):
        rng = self.rng("approval-stories")
        decisions = EXTRA_DECISIONS + [(REVOKED, *d) for d in PKG[REVOKED]["approvals"]]
        for key, when, status, role, who, desc in decisions:
            arn = PKG[key]["arn"]
            # a console session opened earlier that day (its sign-in is not part of the story): no record in
            # us-east-1, and only working-hour deliveries of prod eu-west-1 change, so no other delivery moves
            sess = Session(self, rng, PROD, role, who, when - timedelta(minutes=rng.randint(4, 15)), "console",
                           rng.choice(OFFICE_IPS), person=who)
            self._now = when
            self.sm(rng, sess, when - timedelta(seconds=rng.randint(40, 200)), "DescribeModelPackage",
                    {"modelPackageName": arn})
            self.sm(rng, sess, when, "UpdateModelPackage",
                    {"modelPackageArn": arn, "modelApprovalStatus": status, "approvalDescription": desc},
                    response={"modelPackageArn": arn}, read_only=False, protect=True)


def version_description(model: str, number: int) -> str | None:
    return VERSION_DESCRIPTIONS.get((model, number))


def with_provenance(model: str, number: int, body: dict) -> dict:
    """A runs/get body with the run's dataset inputs (as mlflow.log_input records them), and without the git commit
    tag for a run started outside git. No random draws: the run's other values stay as they were."""
    run = body["run"]
    if (model, number) in RUNS_WITHOUT_GIT:
        run["data"]["tags"] = [t for t in run["data"]["tags"] if t["key"] != "mlflow.source.git.commit"]
    if (model, number) in RUNS_WITHOUT_DATASETS:
        return body
    prefix = f"s3://northwind-ml-datasets/{MLFLOW_DATASETS[model]}"
    inputs = []
    for name, context, uri in [(f"{model}-train", "training", f"{prefix}/train/v{number}"),
                               (f"{model}-holdout", "evaluation", f"{prefix}/holdout/v{number}")]:
        digest = hashlib.md5(f"{uri}".encode()).hexdigest()[:8]
        inputs.append({"tags": [{"key": "mlflow.data.context", "value": context}],
                       "dataset": {"name": name, "digest": digest, "source_type": "s3",
                                   "source": json.dumps({"uri": uri}),
                                   "schema": json.dumps({"mlflow_colspec": [{"type": "double", "name": "label"}]}),
                                   "profile": json.dumps({"num_rows": 100000 + int(digest[:4], 16)})}})
    run["inputs"] = {"dataset_inputs": inputs}
    return body
