"""What the SageMaker extractor captures beyond the registry and the endpoints: the training jobs behind the
registered packages and those created in the period (DescribeTrainingJob), and the Model Monitor schedules
(ListMonitoringSchedules + DescribeMonitoringSchedule).

How a package names its training job (the checks decide what counts as traced; this only finds candidates):
- ``MetadataProperties.GeneratedBy`` holding a training job ARN (``arn:aws:sagemaker:...:training-job/<name>``);
- ``ModelDataUrl`` in the layout a training job writes its model to, ``<S3OutputPath>/<job name>/output/model.tar.gz``.
"""

from __future__ import annotations

import re
from datetime import timedelta

from .aws_session import AWS_ERRORS, error_code, error_line
from .aws_snapshot import SnapshotRun, error_body, paginate

_JOB_ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:[^:]*:\d{12}:training-job/([A-Za-z0-9-]{1,63})$")
_JOB_OUTPUT = re.compile(r"^s3://[^/]+/(?:.*/)?([A-Za-z0-9](?:-*[A-Za-z0-9]){0,62})/output/model\.tar\.gz$")
_NOT_FOUND = {"ValidationException", "ResourceNotFound", "ResourceNotFoundException"}
# jobs created this long before the period still count as "around" it (a job started on the last evening of the
# previous month that trained a package registered in the period)
PERIOD_MARGIN = timedelta(days=1)


def package_training_jobs(package: dict) -> list[str]:
    """The training job names a DescribeModelPackage response points at (GeneratedBy, then each ModelDataUrl)."""
    names = []
    generated = (package.get("MetadataProperties") or {}).get("GeneratedBy")
    if isinstance(generated, str) and (m := _JOB_ARN.match(generated)):
        names.append(m.group(1))
    for c in (package.get("InferenceSpecification") or {}).get("Containers") or []:
        url = c.get("ModelDataUrl") if isinstance(c, dict) else None
        if isinstance(url, str) and (m := _JOB_OUTPUT.match(url)):
            names.append(m.group(1))
    return list(dict.fromkeys(names))


def capture_training_jobs(run: SnapshotRun, sm, account: str, region: str, named: list[str]) -> None:
    """DescribeTrainingJob of every job created around the period and of every job a package names. A job a
    package names that does not exist is kept as an Error body: the package points at nothing."""
    period = run.ctx.period
    names = list(named)
    for page in paginate(sm, "list_training_jobs", CreationTimeAfter=period.start - PERIOD_MARGIN,
                         CreationTimeBefore=period.end):
        names += [s["TrainingJobName"] for s in page.get("TrainingJobSummaries", [])]
    for name in dict.fromkeys(names):
        try:
            body = sm.describe_training_job(TrainingJobName=name)
        except AWS_ERRORS as e:
            if error_code(e) not in _NOT_FOUND:
                raise
            body = error_body(e)
        run.write(account, region, "sagemaker", "DescribeTrainingJob", body, ident=name)


def capture_monitoring(run: SnapshotRun, sm, account: str, region: str, notes: list[str]) -> None:
    """Every monitoring schedule of the scope. The listing is written even when empty: it is the evidence that the
    scope has no schedule. When it cannot be read, nothing is written and the scope's line says so, so that the
    endpoints there read as "monitoring not captured", never as "no monitor"."""
    summaries = []
    try:
        for page in paginate(sm, "list_monitoring_schedules"):
            summaries += page.get("MonitoringScheduleSummaries", [])
    except AWS_ERRORS as e:
        notes.append(error_line(e, account, region))
        return
    run.write(account, region, "sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": summaries})
    for s in summaries:
        name = s["MonitoringScheduleName"]
        try:
            body = sm.describe_monitoring_schedule(MonitoringScheduleName=name)
        except AWS_ERRORS as e:
            if error_code(e) in _NOT_FOUND:
                continue  # deleted between the listing and now
            raise
        run.write(account, region, "sagemaker", "DescribeMonitoringSchedule", body, ident=name)
