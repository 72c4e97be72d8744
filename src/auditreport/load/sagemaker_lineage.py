"""SageMaker snapshots -> provenance and monitoring rows: training jobs and their input channels, endpoint configs
with their data capture settings, monitoring schedules and the scopes whose schedules were listed.

Called by ``load/sagemaker.py`` (the source's one loader) with its reader, inside the same error boundaries."""

from __future__ import annotations

from .snapshot import SnapshotReader, as_dict, as_list, error_code, parse_time


def _bucket(uri) -> str | None:
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def endpoint_config_row(rd: SnapshotReader, acct: str, region: str, c: dict, cap, path) -> dict:
    capture = c.get("DataCaptureConfig")
    capture = as_dict(capture) if capture is not None else None
    modes = [as_dict(o).get("CaptureMode") for o in as_list((capture or {}).get("CaptureOptions") or [])]
    return {
        "account_id": acct, "region": region, "endpoint_config_name": c.get("EndpointConfigName"),
        "endpoint_config_arn": c.get("EndpointConfigArn"), "creation_time": parse_time(c.get("CreationTime")),
        "data_capture_enabled": None if capture is None else capture.get("EnableCapture") is True,
        "data_capture_sampling_percentage": (capture or {}).get("InitialSamplingPercentage"),
        "data_capture_destination": (capture or {}).get("DestinationS3Uri"),
        "data_capture_modes": ",".join(m for m in modes if isinstance(m, str)) or None,
        "data_capture_config": capture, "captured_at": cap, "source_key": rd.key(path), "ingest_run_id": rd.run_id,
    }  # fmt: skip


def read_training_jobs(rd: SnapshotReader, cap) -> None:
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeTrainingJob"):
        j = rd.read_json(path)
        with rd.each(path):
            if j is None or error_code(j):  # a job a package names that does not exist: no row, nothing traced
                continue
            algo = as_dict(j.get("AlgorithmSpecification") or {})
            channels = as_list(j.get("InputDataConfig") or [])
            base = {"account_id": acct, "region": region, "training_job_name": j.get("TrainingJobName")}
            rd.result.add("sagemaker_training_jobs", {
                **base, "training_job_arn": j.get("TrainingJobArn"), "training_job_status": j.get("TrainingJobStatus"),
                "training_image": algo.get("TrainingImage"), "algorithm_name": algo.get("AlgorithmName"),
                "role_arn": j.get("RoleArn"),
                "output_path": as_dict(j.get("OutputDataConfig") or {}).get("S3OutputPath"),
                "model_artifacts": as_dict(j.get("ModelArtifacts") or {}).get("S3ModelArtifacts"),
                "input_channel_count": len(channels), "creation_time": parse_time(j.get("CreationTime")),
                "training_end_time": parse_time(j.get("TrainingEndTime")), "captured_at": cap,
                "source_key": rd.key(path), "ingest_run_id": rd.run_id,
            })  # fmt: skip
            for i, ch in enumerate(channels):
                source = as_dict(as_dict(ch).get("DataSource") or {})
                kind = next(iter(source), None)
                s3_uri = as_dict(source.get("S3DataSource") or {}).get("S3Uri")
                rd.result.add("sagemaker_training_job_inputs", {
                    **base, "channel_name": ch.get("ChannelName"),
                    "data_source_type": kind.removesuffix("DataSource") if kind else None, "s3_uri": s3_uri,
                    "bucket": _bucket(s3_uri), "data_source": source or None, "captured_at": cap,
                    "source_key": rd.key(path), "record_index": i, "ingest_run_id": rd.run_id,
                })  # fmt: skip


def read_monitoring(rd: SnapshotReader, cap) -> None:
    for acct, region, _, path in rd.operation_files("sagemaker", "ListMonitoringSchedules"):
        body = rd.read_json(path)
        with rd.each(path):
            if body is None or error_code(body):  # a listing that failed lists nothing: the scope stays uncaptured
                continue
            rd.result.add("sagemaker_monitoring_scopes", {
                "account_id": acct, "region": region,
                "schedule_count": len(as_list(body.get("MonitoringScheduleSummaries") or [])), "captured_at": cap,
                "source_key": rd.key(path), "ingest_run_id": rd.run_id,
            })  # fmt: skip
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeMonitoringSchedule"):
        s = rd.read_json(path)
        with rd.each(path):
            if s is None or error_code(s):  # deleted between the listing and its Describe
                continue
            config = as_dict(s.get("MonitoringScheduleConfig") or {})
            definition = as_dict(config.get("MonitoringJobDefinition") or {})
            inputs = as_list(definition.get("MonitoringInputs") or [])
            endpoint = s.get("EndpointName") or next(
                (as_dict(i).get("EndpointInput", {}).get("EndpointName") for i in inputs
                 if as_dict(i).get("EndpointInput")), None)  # fmt: skip
            rd.result.add("sagemaker_monitoring_schedules", {
                "account_id": acct, "region": region, "monitoring_schedule_name": s.get("MonitoringScheduleName"),
                "monitoring_schedule_arn": s.get("MonitoringScheduleArn"),
                "monitoring_schedule_status": s.get("MonitoringScheduleStatus"),
                "monitoring_type": s.get("MonitoringType") or config.get("MonitoringType"), "endpoint_name": endpoint,
                "schedule_expression": as_dict(config.get("ScheduleConfig") or {}).get("ScheduleExpression"),
                "job_definition_name": config.get("MonitoringJobDefinitionName"),
                "last_execution_status": as_dict(s.get("LastMonitoringExecutionSummary") or {}).get(
                    "MonitoringExecutionStatus"),
                "creation_time": parse_time(s.get("CreationTime")),
                "last_modified_time": parse_time(s.get("LastModifiedTime")), "captured_at": cap,
                "source_key": rd.key(path), "ingest_run_id": rd.run_id,
            })  # fmt: skip
