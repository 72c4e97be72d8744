"""load/sagemaker_lineage.py: training jobs and their input channels, endpoint configs' data capture, monitoring
schedules and the scopes whose schedules were listed; Error bodies make no rows; a wrong shape is quarantined alone."""

from __future__ import annotations

from auditreport.load.sagemaker import SageMakerLoader

from .support import capture, load, put, rows

ACCT, REGION = "111122223333", "eu-west-1"
JOB = "churn-nightly-20261003-0100"


def _put(root, op, body, ident=None):
    return put(root, ACCT, REGION, "sagemaker", op, body, ident=ident)


def _estate(root):
    capture(root)
    _put(root, "DescribeTrainingJob", {
        "TrainingJobName": JOB, "TrainingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCT}:training-job/{JOB}",
        "TrainingJobStatus": "Completed", "RoleArn": f"arn:aws:iam::{ACCT}:role/sagemaker-execution-role",
        "AlgorithmSpecification": {"TrainingImage": "xgboost:1.7-1", "TrainingInputMode": "File"},
        "InputDataConfig": [
            {"ChannelName": "train", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                     "S3Uri": "s3://datasets/churn/train/"}}},
            {"ChannelName": "cache", "DataSource": {"FileSystemDataSource": {"FileSystemId": "fs-1",
                                                                             "FileSystemType": "FSxLustre"}}}],
        "OutputDataConfig": {"S3OutputPath": "s3://artifacts/training/"},
        "ModelArtifacts": {"S3ModelArtifacts": f"s3://artifacts/training/{JOB}/output/model.tar.gz"},
        "CreationTime": "2026-10-03T01:02:11+00:00", "TrainingEndTime": "2026-10-03T01:40:00+00:00"}, JOB)  # fmt: skip
    _put(root, "DescribeTrainingJob", {"Error": {"Code": "ValidationException", "Message": "not found"}}, "gone-job")
    _put(root, "DescribeEndpointConfig", {"EndpointConfigName": "with-capture", "DataCaptureConfig": {
        "EnableCapture": True, "InitialSamplingPercentage": 20, "DestinationS3Uri": "s3://artifacts/capture/",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}}, "with-capture")  # fmt: skip
    _put(root, "DescribeEndpointConfig", {"EndpointConfigName": "without-capture", "ProductionVariants": []},
         "without-capture")
    _put(root, "ListMonitoringSchedules", {"MonitoringScheduleSummaries": [{"MonitoringScheduleName": "churn-dq"}]})
    _put(root, "DescribeMonitoringSchedule", {
        "MonitoringScheduleName": "churn-dq", "MonitoringScheduleStatus": "Scheduled", "MonitoringType": "DataQuality",
        "MonitoringScheduleConfig": {"ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                                     "MonitoringJobDefinition": {"MonitoringInputs": [
                                         {"EndpointInput": {"EndpointName": "churn-prod"}}]}},
        "LastMonitoringExecutionSummary": {"MonitoringExecutionStatus": "Completed"}}, "churn-dq")  # fmt: skip


def test_training_jobs_and_one_row_per_input_channel(tmp_path, con, lake_root):
    _estate(tmp_path / "sm")
    result = load(SageMakerLoader(), tmp_path / "sm", con, lake_root)
    assert result.objects_quarantined == 0  # the Error body of a job a package names is evidence, not a bad file
    assert rows(con, "SELECT training_job_name, training_image, model_artifacts, input_channel_count, "
                     "CAST(creation_time AS VARCHAR) AS created FROM sagemaker_training_jobs") == [
        {"training_job_name": JOB, "training_image": "xgboost:1.7-1",
         "model_artifacts": f"s3://artifacts/training/{JOB}/output/model.tar.gz", "input_channel_count": 2,
         "created": "2026-10-03 01:02:11"}]  # fmt: skip
    assert rows(con, "SELECT channel_name, data_source_type, s3_uri, bucket FROM sagemaker_training_job_inputs "
                     "ORDER BY record_index") == [
        {"channel_name": "train", "data_source_type": "S3", "s3_uri": "s3://datasets/churn/train/", "bucket": "datasets"},
        {"channel_name": "cache", "data_source_type": "FileSystem", "s3_uri": None, "bucket": None}]


def test_endpoint_configs_keep_their_data_capture(tmp_path, con, lake_root):
    _estate(tmp_path / "sm")
    load(SageMakerLoader(), tmp_path / "sm", con, lake_root)
    assert rows(con, "SELECT endpoint_config_name, data_capture_enabled, data_capture_sampling_percentage, "
                     "data_capture_modes, data_capture_destination FROM sagemaker_endpoint_configs ORDER BY 1") == [
        {"endpoint_config_name": "with-capture", "data_capture_enabled": True, "data_capture_sampling_percentage": 20,
         "data_capture_modes": "Input,Output", "data_capture_destination": "s3://artifacts/capture/"},
        {"endpoint_config_name": "without-capture", "data_capture_enabled": None,
         "data_capture_sampling_percentage": None, "data_capture_modes": None, "data_capture_destination": None}]


def test_monitoring_schedules_and_the_listed_scope(tmp_path, con, lake_root):
    _estate(tmp_path / "sm")
    load(SageMakerLoader(), tmp_path / "sm", con, lake_root)
    assert rows(con, "SELECT monitoring_schedule_name, monitoring_schedule_status, monitoring_type, endpoint_name, "
                     "schedule_expression, last_execution_status FROM sagemaker_monitoring_schedules") == [
        {"monitoring_schedule_name": "churn-dq", "monitoring_schedule_status": "Scheduled",
         "monitoring_type": "DataQuality", "endpoint_name": "churn-prod", "schedule_expression": "cron(0 * ? * * *)",
         "last_execution_status": "Completed"}]  # fmt: skip
    assert rows(con, "SELECT account_id, region, schedule_count FROM sagemaker_monitoring_scopes") == [
        {"account_id": ACCT, "region": REGION, "schedule_count": 1}]


def test_a_training_job_of_the_wrong_shape_is_quarantined_alone(tmp_path, con, lake_root):
    _estate(tmp_path / "sm")
    _put(tmp_path / "sm", "DescribeTrainingJob", {"TrainingJobName": "bad", "InputDataConfig": {"ChannelName": "x"}},
         "bad")
    result = load(SageMakerLoader(), tmp_path / "sm", con, lake_root)
    assert result.objects_quarantined == 1
    q = rows(con, "SELECT object_key, reason, detail FROM quarantine")
    assert [(r["object_key"], r["reason"]) for r in q] == [
        (f"{ACCT}/{REGION}/sagemaker/DescribeTrainingJob/bad.json", "unexpected_shape")]
    assert "expected a JSON list" in q[0]["detail"]
    assert [r["training_job_name"] for r in rows(con, "SELECT training_job_name FROM sagemaker_training_jobs")] == [JOB]


def test_a_monitoring_listing_that_is_an_error_body_leaves_its_scope_uncaptured(tmp_path, con, lake_root):
    root = tmp_path / "sm"
    capture(root)
    _put(root, "ListMonitoringSchedules", {"Error": {"Code": "AccessDeniedException", "Message": "denied"}})
    put(root, ACCT, "us-east-1", "sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": []})
    result = load(SageMakerLoader(), root, con, lake_root)
    assert result.objects_quarantined == 0
    assert rows(con, "SELECT region, schedule_count FROM sagemaker_monitoring_scopes") == [
        {"region": "us-east-1", "schedule_count": 0}]  # listed, and empty: a finding, not missing evidence
