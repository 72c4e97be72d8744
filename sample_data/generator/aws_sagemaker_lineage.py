"""AWS API snapshots of where the prod models came from and how they are watched: DescribeTrainingJob (the nightly
jobs created around October, and the job behind each package), the packages' ModelMetrics, ListMonitoringSchedules
and DescribeMonitoringSchedule, and the S3 settings of the scratch bucket one job read.

Planted here (sample_data/README.md): P-UNTRACED (``recsys-ranker/1``, no job wrote its artefact: see
``sagemaker_lineage``), P-TRAIN-UNVERSIONED (``fraud-scoring-retrain-20261022`` reads the scratch bucket, versioning
never enabled), P-NO-METRICS (``churn-classifier/4`` registered without ModelMetrics), P-MONITOR-STOPPED
(``recsys-ranker-prod``'s only schedule is Stopped), P-NO-MONITOR (``legacy-recs`` has none). P-NO-CAPTURE
(``legacy-recs-config`` without DataCaptureConfig) is ``aws_sagemaker``'s data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .formats import T, days, iso_api
from .sagemaker_estate import DATASETS, EXEC_ROLE, IMAGES, PACKAGES, SM_ACCOUNT, SM_ARN, SM_REGION
from .sagemaker_lineage import SCRATCH_BUCKET, TRAINING_OUTPUT, nightly_job, package_job

NO_METRICS = {("churn-classifier", 4)}  # P-NO-METRICS
GROUP_IMAGE = {"churn-classifier": "xgboost", "demand-forecast": "xgboost", "fraud-scoring": "sklearn",
               "recsys-ranker": "ranker"}
# endpoint -> (schedule name, monitoring type, status); legacy-recs has none (P-NO-MONITOR)
SCHEDULES = {
    "churn-prod": ("churn-prod-data-quality", "DataQuality", "Scheduled"),
    "fraud-scoring-prod": ("fraud-scoring-prod-data-quality", "DataQuality", "Scheduled"),
    "demand-forecast-prod": ("demand-forecast-prod-model-quality", "ModelQuality", "Scheduled"),
    "recsys-ranker-prod": ("recsys-ranker-prod-data-quality", "DataQuality", "Stopped"),  # P-MONITOR-STOPPED
}
PERIOD_START, PERIOD_END = T("2026-10-01T00:00:00"), T("2026-11-01T00:00:00")


def package_extras(p: dict) -> dict:
    """What a DescribeModelPackage body gains here: the evaluation reports the pipeline registered with it."""
    if (p["group"], p["version"]) in NO_METRICS:
        return {}
    report = f"s3://northwind-ml-artifacts/evaluation/{p['group']}/v{p['version']}"
    return {"ModelMetrics": {
        "ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": f"{report}/evaluation.json"}},
        "ModelDataQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": f"{report}/statistics.json"},
                             "Constraints": {"ContentType": "application/json", "S3Uri": f"{report}/constraints.json"}}}}


class SageMakerLineageSnapshot:
    """Mixin of ``SageMakerSnapshot``: training jobs, monitoring schedules, the scratch bucket's settings."""

    def sagemaker_lineage(self):
        rng = self.rng("sagemaker-lineage")
        jobs: dict[str, tuple[str, datetime, list[str]]] = {}  # name -> (group, created, input URIs)
        # the nightly jobs that ListTrainingJobs returns for October (created from a day before the period)
        for day in days(PERIOD_START - timedelta(days=1), PERIOD_END):
            weekly = ["fraud-scoring"] if day.weekday() == 6 else []  # fraud-scoring retrains on Sundays
            for i, grp in enumerate(["churn-classifier", "demand-forecast"] + weekly):
                start = day + timedelta(hours=1, minutes=2 + 20 * i, seconds=rng.randint(0, 300))
                jobs[nightly_job(grp, day)] = (grp, start, [f"s3://northwind-ml-datasets/{DATASETS[grp]}/"])
        for p in PACKAGES:  # and the job behind each package, whenever it ran
            name = package_job(p)
            if name is None or name in jobs:
                continue
            start = p["created"] - timedelta(hours=rng.randint(2, 8), minutes=rng.randint(0, 59))
            inputs = [f"s3://northwind-ml-datasets/{DATASETS[p['group']]}/"]
            if name.startswith("fraud-scoring-retrain-"):  # P-TRAIN-UNVERSIONED: features pulled from scratch
                inputs.append(f"s3://{SCRATCH_BUCKET}/carol/fraud-features-2026-10-21/")
            jobs[name] = (p["group"], start, inputs)
        for name, (grp, start, inputs) in sorted(jobs.items()):
            self.put(SM_ACCOUNT, SM_REGION, "sagemaker", "DescribeTrainingJob",
                     self.training_job(rng, name, grp, start, inputs), name)
        self.monitoring(rng)
        self.scratch_bucket()

    @staticmethod
    def training_job(rng, name: str, grp: str, start: datetime, inputs: list[str]) -> dict:
        end = start + timedelta(minutes=rng.randint(14, 55), seconds=rng.randint(0, 59))
        channels = ["train"] + [f"extra-{i}" for i in range(1, len(inputs))]
        return {
            "TrainingJobName": name, "TrainingJobArn": f"{SM_ARN}:training-job/{name}",
            "ModelArtifacts": {"S3ModelArtifacts": f"{TRAINING_OUTPUT}/{name}/output/model.tar.gz"},
            "TrainingJobStatus": "Completed", "SecondaryStatus": "Completed",
            "HyperParameters": {"max_depth": str(rng.choice([4, 6, 8])), "eta": "0.2", "num_round": "200"},
            "AlgorithmSpecification": {"TrainingImage": IMAGES[GROUP_IMAGE[grp]], "TrainingInputMode": "File",
                                       "EnableSageMakerMetricsTimeSeries": True},
            "RoleArn": EXEC_ROLE,
            "InputDataConfig": [{"ChannelName": ch, "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}},
                "ContentType": "application/x-parquet", "CompressionType": "None", "RecordWrapperType": "None"}
                for ch, uri in zip(channels, inputs)],
            "OutputDataConfig": {"KmsKeyId": "", "S3OutputPath": TRAINING_OUTPUT},
            "ResourceConfig": {"InstanceType": "ml.m5.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
            "StoppingCondition": {"MaxRuntimeInSeconds": 14400},
            "CreationTime": iso_api(start), "TrainingStartTime": iso_api(start + timedelta(minutes=3)),
            "TrainingEndTime": iso_api(end), "LastModifiedTime": iso_api(end + timedelta(seconds=7)),
            "EnableNetworkIsolation": False, "EnableInterContainerTrafficEncryption": False,
            "EnableManagedSpotTraining": False,
            "TrainingTimeInSeconds": int((end - start).total_seconds()) - 180,
            "BillableTimeInSeconds": int((end - start).total_seconds()) - 180,
        }  # fmt: skip

    def monitoring(self, rng):
        summaries = []
        for endpoint, (name, mtype, status) in SCHEDULES.items():
            created = T("2026-04-14T10:00:00") + timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
            if endpoint == "recsys-ranker-prod":
                created = T("2026-10-04T08:40:12")
            modified = T("2026-10-09T16:31:27") if status == "Stopped" else created + timedelta(minutes=2)
            arn = f"{SM_ARN}:monitoring-schedule/{name}"
            summaries.append({"MonitoringScheduleName": name, "MonitoringScheduleArn": arn,
                              "CreationTime": iso_api(created), "LastModifiedTime": iso_api(modified),
                              "MonitoringScheduleStatus": status, "EndpointName": endpoint,
                              "MonitoringJobDefinitionName": f"{name}-job-definition", "MonitoringType": mtype})
            last = T("2026-11-01T01:00:00") if status == "Scheduled" else T("2026-10-09T16:00:00")
            body = {
                "MonitoringScheduleArn": arn, "MonitoringScheduleName": name, "MonitoringScheduleStatus": status,
                "MonitoringType": mtype, "CreationTime": iso_api(created), "LastModifiedTime": iso_api(modified),
                "MonitoringScheduleConfig": {
                    "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                    "MonitoringJobDefinitionName": f"{name}-job-definition", "MonitoringType": mtype},
                "EndpointName": endpoint,
                "LastMonitoringExecutionSummary": {
                    "MonitoringScheduleName": name, "ScheduledTime": iso_api(last),
                    "CreationTime": iso_api(last + timedelta(seconds=rng.randint(5, 40))),
                    "LastModifiedTime": iso_api(last + timedelta(minutes=rng.randint(6, 14))),
                    "MonitoringExecutionStatus": "Completed", "EndpointName": endpoint, "MonitoringType": mtype},
            }  # fmt: skip
            self.put(SM_ACCOUNT, SM_REGION, "sagemaker", "DescribeMonitoringSchedule", body, name)
        self.put(SM_ACCOUNT, SM_REGION, "sagemaker", "ListMonitoringSchedules",
                 {"MonitoringScheduleSummaries": summaries})

    def scratch_bucket(self):
        account = SM_ACCOUNT
        self.put(account, "global", "s3", "GetBucketVersioning", {}, SCRATCH_BUCKET)  # never enabled
        self.put(account, "global", "s3", "GetObjectLockConfiguration", {"Error": {
            "Code": "ObjectLockConfigurationNotFoundError",
            "Message": "Object Lock configuration does not exist for this bucket"}}, SCRATCH_BUCKET)
        self.put(account, "global", "s3", "GetBucketLifecycleConfiguration", {"Rules": [
            {"ID": "expire-scratch", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 30}}]}, SCRATCH_BUCKET)
        self.put(account, "global", "s3", "GetPublicAccessBlock", {"PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True}}, SCRATCH_BUCKET)
