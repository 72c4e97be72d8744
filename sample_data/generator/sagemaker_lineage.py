"""Where the prod SageMaker packages came from: the training job behind each package, and the artefact URL that
follows from it. Read by ``sagemaker_estate`` (the packages' ModelDataUrl) and ``aws_sagemaker_lineage`` (the
DescribeTrainingJob snapshots), so the two agree. No import of the estate here: it imports this.

A package trained by a SageMaker job serves the job's own output, ``s3://northwind-ml-artifacts/training/<job>/output/
model.tar.gz``; P-UNTRACED's ``recsys-ranker/1`` was built and uploaded by a CodeBuild script instead, so no job wrote
its artefact.
"""

from __future__ import annotations

from datetime import datetime, timedelta

ARTIFACTS = "s3://northwind-ml-artifacts"
TRAINING_OUTPUT = f"{ARTIFACTS}/training"
UNTRACED = {("recsys-ranker", 1)}  # P-UNTRACED
SCRATCH_BUCKET = "northwind-ml-scratch"  # versioning never enabled: P-TRAIN-UNVERSIONED reads it


def nightly_job(group: str, day: datetime) -> str:
    """The nightly retraining job's name (pipelines.py names its log streams and S3 reads after it)."""
    return f"{group}-nightly-{day:%Y%m%d}-0100"


def package_job(p: dict) -> str | None:
    """The training job that produced package ``p`` (a dict of sagemaker_estate.PACKAGES), None when untraced."""
    group, version, created = p["group"], p["version"], p["created"]
    if (group, version) in UNTRACED:
        return None
    if group == "fraud-scoring" and version == 3:
        return f"fraud-scoring-retrain-{created:%Y%m%d}"  # P-TRAIN-UNVERSIONED: an ad-hoc retrain on scratch data
    if group == "recsys-ranker":
        return f"recsys-ranker-train-{created:%Y%m%d}"
    if group == "fraud-scoring":  # trained weekly, on Sundays
        return nightly_job(group, created - timedelta(days=(created.weekday() + 1) % 7))
    return nightly_job(group, created)


def artifact_url(p: dict) -> str:
    """The package's ModelDataUrl: its training job's output, or the uploaded artefact of an untraced one."""
    job = package_job(p)
    if job is None:
        return f"{ARTIFACTS}/{p['group']}/v{p['version']}/model.tar.gz"
    return f"{TRAINING_OUTPUT}/{job}/output/model.tar.gz"
