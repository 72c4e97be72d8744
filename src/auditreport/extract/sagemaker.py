"""The SageMaker Model Registry and what is deployed (source ``sagemaker``)."""

from __future__ import annotations

from .aws_session import AWS_ERRORS, error_code
from .aws_snapshot import AwsSnapshotExtractor, SnapshotRun, error_body, paginate
from .probe import Probe
from .sagemaker_lineage import capture_monitoring, capture_training_jobs, package_training_jobs

_SM_NOT_FOUND = {"ValidationException", "ResourceNotFound", "ResourceNotFoundException"}


class SageMakerExtractor(AwsSnapshotExtractor):
    """Model package groups -> every package (versioned, and unversioned ones outside groups) ->
    DescribeModelPackage; endpoints -> DescribeEndpoint -> DescribeEndpointConfig -> DescribeModel of each variant,
    which gives the mapping endpoint -> config -> model -> model package; the training jobs behind the packages and
    those created around the period, and the monitoring schedules (``sagemaker_lineage``)."""

    name = "sagemaker"
    service = "sagemaker"
    probe_call = Probe("sagemaker", "ListModelPackageGroups", {"MaxResults": 1})

    def capture(self, run: SnapshotRun, account: str, region: str, notes: list[str]) -> None:
        sm = run.sessions.client("sagemaker", account, region)
        (run.root / account / region / "sagemaker").mkdir(parents=True, exist_ok=True)  # captured, even if empty
        summaries = []
        for page in paginate(sm, "list_model_package_groups"):
            for group in page.get("ModelPackageGroupSummaryList", []):
                for p in paginate(sm, "list_model_packages", ModelPackageGroupName=group["ModelPackageGroupName"],
                                  ModelPackageType="Both"):
                    summaries += p.get("ModelPackageSummaryList", [])
        for p in paginate(sm, "list_model_packages", ModelPackageType="Unversioned"):
            summaries += p.get("ModelPackageSummaryList", [])
        seen: set[str] = set()
        jobs: list[str] = []
        for s in summaries:
            arn = s["ModelPackageArn"]
            if arn in seen:
                continue
            seen.add(arn)
            body = self._describe(sm.describe_model_package, ModelPackageName=arn)
            if "Error" in body:
                continue  # deleted between the listing and now: it no longer exists
            group = s.get("ModelPackageGroupName") or body.get("ModelPackageGroupName")
            version = s.get("ModelPackageVersion") or body.get("ModelPackageVersion")
            ident = f"{group}/{version}" if group and version is not None else s.get("ModelPackageName", arn)
            run.write(account, region, "sagemaker", "DescribeModelPackage", body, ident=ident)
            jobs += package_training_jobs(body)
        capture_training_jobs(run, sm, account, region, jobs)

        configs: set[str] = set()
        models: set[str] = set()
        for page in paginate(sm, "list_endpoints"):
            for ep in page.get("Endpoints", []):
                name = ep["EndpointName"]
                endpoint = self._describe(sm.describe_endpoint, EndpointName=name)
                if "Error" in endpoint:
                    continue  # deleted between the listing and now
                run.write(account, region, "sagemaker", "DescribeEndpoint", endpoint, ident=name)
                config_name = endpoint.get("EndpointConfigName")
                if not config_name or config_name in configs:
                    continue
                configs.add(config_name)
                config = self._describe(sm.describe_endpoint_config, EndpointConfigName=config_name)
                run.write(account, region, "sagemaker", "DescribeEndpointConfig", config, ident=config_name)
                variants = config.get("ProductionVariants", []) + config.get("ShadowProductionVariants", [])
                for variant in variants:
                    model_name = variant.get("ModelName")
                    if model_name and model_name not in models:
                        models.add(model_name)
                        model = self._describe(sm.describe_model, ModelName=model_name)
                        run.write(account, region, "sagemaker", "DescribeModel", model, ident=model_name)
        capture_monitoring(run, sm, account, region, notes)

    @staticmethod
    def _describe(call, **params) -> dict:
        """The response, or an Error body when the resource does not exist. A config or model that a live endpoint
        still names but that was deleted is a fact worth keeping (the file holds the Error body); a package or
        endpoint deleted between the listing and its Describe is simply gone (no file)."""
        try:
            return call(**params)
        except AWS_ERRORS as e:
            if error_code(e) in _SM_NOT_FOUND:
                return error_body(e)
            raise
