"""SageMaker Model Registry, what is deployed, and where the models came from and how they are watched: training
jobs and their inputs, endpoint configs with their data capture, model monitoring schedules (source ``sagemaker``)."""

from __future__ import annotations

from ..schema import Table

TABLES = [
    Table(
        name="sagemaker_model_packages",
        source="sagemaker",
        description="Every model package version in the SageMaker Model Registry, as DescribeModelPackage returns it.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("model_package_arn", "VARCHAR"),
            ("model_package_group_name", "VARCHAR"),
            ("model_package_version", "INTEGER"),
            ("model_approval_status", "VARCHAR"),  # Approved | Rejected | PendingManualApproval
            ("approval_description", "VARCHAR"),
            ("model_package_status", "VARCHAR"),
            ("creation_time", "TIMESTAMP"),
            ("last_modified_time", "TIMESTAMP"),
            ("created_by", "JSON"),  # CreatedBy as the API returns it (moto fakes it; CloudTrail is authoritative)
            ("last_modified_by", "JSON"),
            ("model_data_url", "VARCHAR"),
            ("image", "VARCHAR"),
            ("customer_metadata", "JSON"),
            ("model_metrics", "JSON"),  # ModelMetrics: evaluation reports (ModelQuality, ModelDataQuality, Bias, ...)
            ("generated_by", "VARCHAR"),  # MetadataProperties.GeneratedBy (a training job ARN, when it names one)
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="sagemaker_endpoints",
        source="sagemaker",
        description="SageMaker endpoints as DescribeEndpoint returns them.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("endpoint_name", "VARCHAR"),
            ("endpoint_arn", "VARCHAR"),
            ("endpoint_config_name", "VARCHAR"),
            ("endpoint_status", "VARCHAR"),
            ("creation_time", "TIMESTAMP"),
            ("last_modified_time", "TIMESTAMP"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="sagemaker_models",
        source="sagemaker",
        description="SageMaker models (DescribeModel); one row per container.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("model_name", "VARCHAR"),
            ("model_arn", "VARCHAR"),
            ("container_index", "INTEGER"),
            ("model_package_arn", "VARCHAR"),  # ModelPackageName of the container, normalised to an ARN
            ("image", "VARCHAR"),
            ("model_data_url", "VARCHAR"),
            ("execution_role_arn", "VARCHAR"),
            ("creation_time", "TIMESTAMP"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="sagemaker_deployments",
        source="sagemaker",
        description="What is deployed: endpoint -> endpoint config -> production variant -> model -> model package.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("endpoint_name", "VARCHAR"),
            ("endpoint_arn", "VARCHAR"),
            ("endpoint_status", "VARCHAR"),
            ("endpoint_config_name", "VARCHAR"),
            ("variant_name", "VARCHAR"),
            ("model_name", "VARCHAR"),
            ("model_arn", "VARCHAR"),
            ("model_package_arn", "VARCHAR"),  # null when the model was not built from a registry package
            ("image", "VARCHAR"),
            ("model_data_url", "VARCHAR"),
            ("endpoint_last_modified_time", "TIMESTAMP"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="sagemaker_training_jobs",
        source="sagemaker",
        description="SageMaker training jobs (DescribeTrainingJob): the jobs created in the period and the jobs a "
        "registered model package names or was written by.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("training_job_name", "VARCHAR"),
            ("training_job_arn", "VARCHAR"),
            ("training_job_status", "VARCHAR"),  # InProgress | Completed | Failed | Stopping | Stopped
            ("training_image", "VARCHAR"),  # AlgorithmSpecification.TrainingImage
            ("algorithm_name", "VARCHAR"),  # AlgorithmSpecification.AlgorithmName (a marketplace or own algorithm)
            ("role_arn", "VARCHAR"),
            ("output_path", "VARCHAR"),  # OutputDataConfig.S3OutputPath
            ("model_artifacts", "VARCHAR"),  # ModelArtifacts.S3ModelArtifacts: what the job wrote
            ("input_channel_count", "INTEGER"),
            ("creation_time", "TIMESTAMP"),
            ("training_end_time", "TIMESTAMP"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="sagemaker_training_job_inputs",
        source="sagemaker",
        description="One row per input data channel of a captured training job (InputDataConfig).",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("training_job_name", "VARCHAR"),
            ("channel_name", "VARCHAR"),
            ("data_source_type", "VARCHAR"),  # S3 | FileSystem | other: the key of DataSource
            ("s3_uri", "VARCHAR"),  # S3DataSource.S3Uri, null for other sources
            ("bucket", "VARCHAR"),  # the bucket of s3_uri
            ("data_source", "JSON"),  # DataSource as the API returns it
            ("captured_at", "TIMESTAMP"),
        ],
        row_key=("source_key", "record_index"),
    ),
    Table(
        name="sagemaker_endpoint_configs",
        source="sagemaker",
        description="SageMaker endpoint configs (DescribeEndpointConfig) of the captured endpoints, with their data "
        "capture settings.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("endpoint_config_name", "VARCHAR"),
            ("endpoint_config_arn", "VARCHAR"),
            ("creation_time", "TIMESTAMP"),
            ("data_capture_enabled", "BOOLEAN"),  # DataCaptureConfig.EnableCapture; null when no DataCaptureConfig
            ("data_capture_sampling_percentage", "INTEGER"),
            ("data_capture_destination", "VARCHAR"),
            ("data_capture_modes", "VARCHAR"),  # CaptureOptions[].CaptureMode joined: Input,Output
            ("data_capture_config", "JSON"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="sagemaker_monitoring_schedules",
        source="sagemaker",
        description="SageMaker Model Monitor schedules (DescribeMonitoringSchedule).",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("monitoring_schedule_name", "VARCHAR"),
            ("monitoring_schedule_arn", "VARCHAR"),
            ("monitoring_schedule_status", "VARCHAR"),  # Pending | Failed | Scheduled | Stopped
            ("monitoring_type", "VARCHAR"),  # DataQuality | ModelQuality | ModelBias | ModelExplainability
            ("endpoint_name", "VARCHAR"),
            ("schedule_expression", "VARCHAR"),
            ("job_definition_name", "VARCHAR"),
            ("last_execution_status", "VARCHAR"),
            ("creation_time", "TIMESTAMP"),
            ("last_modified_time", "TIMESTAMP"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="sagemaker_monitoring_scopes",
        source="sagemaker",
        description="The account/region scopes whose monitoring schedules were listed (ListMonitoringSchedules): "
        "a scope without a row was not captured, so its endpoints' monitoring cannot be verified.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("schedule_count", "INTEGER"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
]
