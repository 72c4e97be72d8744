"""load/sagemaker.py: model packages, models, endpoints, and what is deployed, joined endpoint -> config -> variant ->
model -> package, with package names normalised to ARNs and Error bodies (deleted resources) skipped."""

from __future__ import annotations

from auditreport.load.sagemaker import SageMakerLoader

from .support import capture, load, put, rows

ACCT, REGION = "111122223333", "eu-west-1"
PKG = f"arn:aws:sagemaker:{REGION}:{ACCT}:model-package/fraud-detector/2"
IMAGE = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1.7"


def _put(root, op, body, ident):
    put(root, ACCT, REGION, "sagemaker", op, body, ident=ident)


def _estate(root):
    capture(root)
    _put(root, "DescribeModelPackage", {
        "ModelPackageArn": PKG, "ModelPackageGroupName": "fraud-detector", "ModelPackageVersion": 2,
        "ModelApprovalStatus": "Approved", "ModelPackageStatus": "Completed",
        "CreationTime": "2026-10-02T08:00:00+00:00",
        "InferenceSpecification": {"Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://m/fraud/2.tar.gz"}]},
        "CustomerMetadataProperties": {"ticket": "ML-42"}}, "fraud-detector/2")  # fmt: skip
    _put(root, "DescribeModelPackage", {"Error": {"Code": "ValidationException", "Message": "gone"}}, "fraud-detector/1")
    # a model built from a package by ARN, with a plain container first
    _put(root, "DescribeModel", {"ModelName": "fraud-v2", "ModelArn": f"arn:aws:sagemaker:{REGION}:{ACCT}:model/fraud-v2",
        "Containers": [{"Image": "sidecar:1"}, {"ModelPackageName": PKG}]}, "fraud-v2")  # fmt: skip
    # a model built from a package named by group/version only: normalised to the ARN, lower-case
    _put(root, "DescribeModel", {"ModelName": "churn-v3", "ModelArn": f"arn:aws:sagemaker:{REGION}:{ACCT}:model/churn-v3",
        "PrimaryContainer": {"ModelPackageName": "Churn-Classifier/3"}}, "churn-v3")  # fmt: skip
    _put(root, "DescribeModel", {"ModelName": "scratch", "PrimaryContainer": {"Image": IMAGE}}, "scratch")
    _put(root, "DescribeEndpointConfig", {"EndpointConfigName": "prod-config", "ProductionVariants": [
        {"VariantName": "blue", "ModelName": "fraud-v2"}, {"VariantName": "green", "ModelName": "churn-v3"}]},
        "prod-config")  # fmt: skip
    _put(root, "DescribeEndpointConfig", {"Error": {"Code": "ValidationException", "Message": "no config"}},
         "deleted-config")
    _put(root, "DescribeEndpoint", {"EndpointName": "prod", "EndpointConfigName": "prod-config",
                                    "EndpointStatus": "InService", "LastModifiedTime": "2026-10-05T10:00:00+00:00"}, "prod")
    _put(root, "DescribeEndpoint", {"EndpointName": "orphan", "EndpointConfigName": "deleted-config",
                                    "EndpointStatus": "InService"}, "orphan")
    _put(root, "DescribeEndpoint", {"Error": {"Code": "ValidationException", "Message": "gone"}}, "deleted-endpoint")


def test_deployments_join_endpoint_config_variant_model_and_package(tmp_path, con, lake_root):
    _estate(tmp_path / "sm")
    load(SageMakerLoader(), tmp_path / "sm", con, lake_root)
    got = rows(con, "SELECT endpoint_name, variant_name, model_name, model_package_arn, endpoint_last_modified_time "
                    "FROM sagemaker_deployments ORDER BY endpoint_name, variant_name NULLS FIRST")
    assert [(r["endpoint_name"], r["variant_name"], r["model_name"], r["model_package_arn"]) for r in got] == [
        ("orphan", None, None, None),  # its config was deleted: still deployed, with nothing known behind it
        ("prod", "blue", "fraud-v2", PKG),  # the container built from the package counts, not the sidecar
        ("prod", "green", "churn-v3", f"arn:aws:sagemaker:{REGION}:{ACCT}:model-package/churn-classifier/3"),
    ]
    assert str(got[1]["endpoint_last_modified_time"]) == "2026-10-05 10:00:00"


def test_models_get_one_row_per_container_with_package_names_normalised(tmp_path, con, lake_root):
    _estate(tmp_path / "sm")
    load(SageMakerLoader(), tmp_path / "sm", con, lake_root)
    got = rows(con, "SELECT model_name, container_index, model_package_arn, image FROM sagemaker_models "
                    "ORDER BY model_name, container_index")
    assert [(r["model_name"], r["container_index"], r["model_package_arn"]) for r in got] == [
        ("churn-v3", 0, f"arn:aws:sagemaker:{REGION}:{ACCT}:model-package/churn-classifier/3"),
        ("fraud-v2", 0, None), ("fraud-v2", 1, PKG), ("scratch", 0, None)]


def test_error_bodies_of_deleted_resources_make_no_rows(tmp_path, con, lake_root):
    _estate(tmp_path / "sm")
    result = load(SageMakerLoader(), tmp_path / "sm", con, lake_root)
    assert result.objects_quarantined == 0  # an Error body is evidence of absence, not a bad file
    assert rows(con, "SELECT model_package_arn, model_package_version, model_approval_status, image, "
                     "json_extract_string(customer_metadata, '$.ticket') AS ticket FROM sagemaker_model_packages") == [
        {"model_package_arn": PKG, "model_package_version": 2, "model_approval_status": "Approved", "image": IMAGE,
         "ticket": "ML-42"}]
    assert [r["endpoint_name"] for r in rows(con, "SELECT endpoint_name FROM sagemaker_endpoints ORDER BY 1")] == [
        "orphan", "prod"]
