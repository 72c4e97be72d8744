"""SageMaker snapshots -> model packages, models, endpoints, and what is deployed (endpoint -> config -> variant -> model -> package)."""

from __future__ import annotations

from pathlib import Path

from .sagemaker_lineage import endpoint_config_row, read_monitoring, read_training_jobs
from .snapshot import SnapshotLoader, SnapshotRead, SnapshotReader, as_dict, error_code, parse_time


def _package_arn(name: str | None, account: str, region: str) -> str | None:
    if not name:
        return None
    if name.startswith("arn:"):
        return name
    return f"arn:aws:sagemaker:{region}:{account}:model-package/{name.lower()}"


def read_sagemaker(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("sagemaker", root, run_id)
    cap = rd.captured_at()
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeModelPackage"):
        p = rd.read_json(path)
        with rd.each(path):
            if p is None or error_code(p):  # a resource deleted between list and describe
                continue
            containers = (p.get("InferenceSpecification") or {}).get("Containers") or [{}]
            rd.result.add("sagemaker_model_packages", {
                "account_id": acct, "region": region, "model_package_arn": p.get("ModelPackageArn"),
                "model_package_group_name": p.get("ModelPackageGroupName"), "model_package_version": p.get("ModelPackageVersion"),
                "model_approval_status": p.get("ModelApprovalStatus"), "approval_description": p.get("ApprovalDescription"),
                "model_package_status": p.get("ModelPackageStatus"), "creation_time": parse_time(p.get("CreationTime")),
                "last_modified_time": parse_time(p.get("LastModifiedTime")), "created_by": p.get("CreatedBy"),
                "last_modified_by": p.get("LastModifiedBy"), "model_data_url": containers[0].get("ModelDataUrl"),
                "image": containers[0].get("Image"), "customer_metadata": p.get("CustomerMetadataProperties"),
                "model_metrics": p.get("ModelMetrics"),
                "generated_by": as_dict(p.get("MetadataProperties") or {}).get("GeneratedBy"),
                "captured_at": cap, "source_key": rd.key(path), "ingest_run_id": run_id,
            })  # fmt: skip
    models: dict[tuple, list[dict]] = {}
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeModel"):
        m = rd.read_json(path)
        with rd.each(path):
            if m is None or error_code(m):  # a resource deleted between list and describe
                continue
            containers = ([m["PrimaryContainer"]] if m.get("PrimaryContainer") else []) + (m.get("Containers") or [])
            rows = []
            for i, c in enumerate(containers or [{}]):
                rows.append({
                    "account_id": acct, "region": region, "model_name": m.get("ModelName"), "model_arn": m.get("ModelArn"),
                    "container_index": i, "model_package_arn": _package_arn(c.get("ModelPackageName"), acct, region),
                    "image": c.get("Image"), "model_data_url": c.get("ModelDataUrl"),
                    "execution_role_arn": m.get("ExecutionRoleArn"), "creation_time": parse_time(m.get("CreationTime")),
                    "captured_at": cap, "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
                })  # fmt: skip
            for r in rows:
                rd.result.add("sagemaker_models", r)
            models[(acct, region, m.get("ModelName"))] = rows
    configs = {}
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeEndpointConfig"):
        c = rd.read_json(path)
        with rd.each(path):
            if c is not None and not error_code(c):  # a config deleted while an endpoint names it: no row
                configs[(acct, region, c.get("EndpointConfigName"))] = c
                rd.result.add("sagemaker_endpoint_configs", endpoint_config_row(rd, acct, region, c, cap, path))
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeEndpoint"):
        e = rd.read_json(path)
        with rd.each(path):
            if e is None or error_code(e):  # a resource deleted between list and describe
                continue
            base = {
                "account_id": acct, "region": region, "endpoint_name": e.get("EndpointName"),
                "endpoint_arn": e.get("EndpointArn"), "endpoint_config_name": e.get("EndpointConfigName"),
            }  # fmt: skip
            rd.result.add("sagemaker_endpoints", {
                **base, "endpoint_status": e.get("EndpointStatus"), "creation_time": parse_time(e.get("CreationTime")),
                "last_modified_time": parse_time(e.get("LastModifiedTime")), "captured_at": cap,
                "source_key": rd.key(path), "ingest_run_id": run_id,
            })  # fmt: skip
            config = configs.get((acct, region, e.get("EndpointConfigName")))
            variants = (config or {}).get("ProductionVariants") or [{}]
            for i, v in enumerate(variants):
                containers = models.get((acct, region, v.get("ModelName"))) or [{}]
                # the container built from a registry package is the one whose approval matters
                c = next((c for c in containers if c.get("model_package_arn")), containers[0])
                rd.result.add("sagemaker_deployments", {
                    **base, "endpoint_status": e.get("EndpointStatus"), "variant_name": v.get("VariantName"),
                    "model_name": v.get("ModelName"), "model_arn": c.get("model_arn"),
                    "model_package_arn": c.get("model_package_arn"), "image": c.get("image"),
                    "model_data_url": c.get("model_data_url"),
                    "endpoint_last_modified_time": parse_time(e.get("LastModifiedTime")), "captured_at": cap,
                    "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
                })  # fmt: skip
    read_training_jobs(rd, cap)
    read_monitoring(rd, cap)
    return rd.result


class SageMakerLoader(SnapshotLoader):
    source = "sagemaker"
    service = "sagemaker"

    def read(self, root: Path, run_id: str) -> SnapshotRead:
        return read_sagemaker(root, run_id)
