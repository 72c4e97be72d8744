"""SageMaker Model Registry and what is deployed (source ``sagemaker``)."""

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
]
