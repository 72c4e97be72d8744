"""The SageMaker extractor's training jobs and monitoring schedules (extract/sagemaker_lineage.py) against the moto
server, and the loader and checks on what it wrote.

What moto cannot show, and so these tests do not claim:
- moto 5.x does not implement ListMonitoringSchedules or DescribeMonitoringSchedule: it answers HTTP 500. So the live
  path shows only the failure: one error line per scope naming the call, no ListMonitoringSchedules file (the
  endpoints there read as "monitoring not captured", never as "no monitor"). Schedules read from files are proved in
  tests/load/test_sagemaker_lineage.py and by the checks' cases.
- moto stamps CreationTime with the wall clock, so the period filter of ListTrainingJobs is shown with the current
  month (the job is listed) against an earlier one (it is not).
- moto fakes ModelArtifacts as <S3OutputPath>/<job>/output/model.tar.gz, which is the layout AWS writes too.
"""

from __future__ import annotations

from datetime import datetime, timezone

from live_seed import extractor, make_config, make_ctx, read_json
from servers import moto_client

from auditreport.extract.sagemaker_lineage import package_training_jobs
from auditreport.period import Period

ACCOUNT, REGION = "123456789012", "eu-west-1"  # moto's default account: the credentials are moto's own
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker-execution"
NOW = datetime.now(timezone.utc)


def _job(sm, name: str, bucket: str = "datasets") -> str:
    return sm.create_training_job(
        TrainingJobName=name, RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": f"s3://{bucket}/{name}/train/"}}}],
        OutputDataConfig={"S3OutputPath": "s3://artifacts/training"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )["TrainingJobArn"]  # fmt: skip


def _seed(sm) -> None:
    _job(sm, "churn-train-1")
    fraud_arn = _job(sm, "fraud-train-1")
    _job(sm, "adhoc-1", bucket="scratch")  # behind no package: captured only for a period it was created in
    sm.create_model_package_group(ModelPackageGroupName="churn")
    spec = {"Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://artifacts/training/churn-train-1/output/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}
    sm.create_model_package(ModelPackageGroupName="churn", ModelApprovalStatus="Approved", InferenceSpecification=spec)
    # a package whose artefact names a job that does not exist
    gone = {**spec, "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://artifacts/x/deleted-job/output/model.tar.gz"}]}
    sm.create_model_package(ModelPackageGroupName="churn", ModelApprovalStatus="Approved", InferenceSpecification=gone)
    # a package that names its job in MetadataProperties.GeneratedBy, its artefact copied elsewhere
    copied = {**spec, "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://artifacts/fraud/v1/model.tar.gz"}]}
    sm.create_model_package(ModelPackageGroupName="churn", ModelApprovalStatus="Approved", InferenceSpecification=copied,
                            MetadataProperties={"GeneratedBy": fraud_arn})


def _extract(moto, tmp_path, period: Period):
    config = make_config(moto.url, {"sagemaker": {"kind": "aws"}}, accounts=[ACCOUNT], regions=[REGION])
    return extractor(config, "sagemaker").extract(make_ctx(tmp_path / "raw", period=period))


def test_training_jobs_behind_packages_and_of_the_period(moto, tmp_path):
    _seed(moto_client(moto.url, "sagemaker", REGION))
    out = _extract(moto, tmp_path, Period(NOW.year, NOW.month))
    d = out.root / ACCOUNT / REGION / "sagemaker" / "DescribeTrainingJob"
    assert sorted(p.name for p in d.iterdir()) == [
        "adhoc-1.json", "churn-train-1.json", "deleted-job.json", "fraud-train-1.json"]
    job = read_json(d / "churn-train-1.json")
    assert job["AlgorithmSpecification"]["TrainingImage"] == IMAGE
    assert job["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://datasets/churn-train-1/train/"
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == "s3://artifacts/training/churn-train-1/output/model.tar.gz"
    assert job["RoleArn"] == ROLE and datetime.fromisoformat(job["CreationTime"]).tzinfo is not None
    # the job a package names but that does not exist is kept as evidence of absence
    assert read_json(d / "deleted-job.json")["Error"]["Code"] == "ValidationException"


def test_jobs_outside_the_period_are_captured_only_behind_a_package(moto, tmp_path):
    _seed(moto_client(moto.url, "sagemaker", REGION))
    out = _extract(moto, tmp_path, Period(2026, 1) if NOW.year > 2026 or NOW.month > 1 else Period(2025, 1))
    d = out.root / ACCOUNT / REGION / "sagemaker" / "DescribeTrainingJob"
    assert sorted(p.name for p in d.iterdir()) == ["churn-train-1.json", "deleted-job.json", "fraud-train-1.json"]


def test_monitoring_schedules_unavailable_in_moto_are_named_not_hidden(moto, tmp_path):
    _seed(moto_client(moto.url, "sagemaker", REGION))
    out = _extract(moto, tmp_path, Period(NOW.year, NOW.month))
    assert len(out.errors) == 1 and out.errors[0].startswith(f"account {ACCOUNT} region {REGION} ListMonitoringSchedules"), out.errors
    sm_dir = out.root / ACCOUNT / REGION / "sagemaker"
    assert not (sm_dir / "ListMonitoringSchedules.json").exists()
    assert (sm_dir / "DescribeModelPackage").is_dir()  # the rest of the scope is captured


def test_package_training_jobs_reads_generated_by_and_the_job_output_layout():
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/fraud-train-1"
    assert package_training_jobs({"MetadataProperties": {"GeneratedBy": arn}, "InferenceSpecification": {
        "Containers": [{"ModelDataUrl": "s3://a/p/churn-2/output/model.tar.gz"}, {"ModelDataUrl": "s3://a/m.tar.gz"}]}}) == [
        "fraud-train-1", "churn-2"]  # fmt: skip
    assert package_training_jobs({"MetadataProperties": {"GeneratedBy": "mlflow+sagemaker-python-sdk"},
                                  "InferenceSpecification": {"Containers": [{"ModelDataUrl": "s3://a/v1/model.tar.gz"}]}}) == []
    assert package_training_jobs({}) == []
