"""AWS API snapshots: SageMaker in prod eu-west-1 (DescribeModelPackage, DescribeModel, DescribeEndpointConfig,
DescribeEndpoint), written from ``sagemaker_estate`` as the resources stand at the capture."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from .formats import T, iso_api
from .aws_sagemaker_lineage import SageMakerLineageSnapshot, package_extras
from .ids import role_id
from .sagemaker_estate import (CONFIGS, DEPLOYMENTS, ENDPOINTS, EXEC_ROLE, IMAGES, MODELS, PACKAGES, PKG, SM_ACCOUNT,
                               SM_ARN, SM_REGION)


class SageMakerSnapshot(SageMakerLineageSnapshot):
    """Mixin of ``AwsSnapshot``: the SageMaker responses (training jobs and monitoring: ``aws_sagemaker_lineage``)."""

    @staticmethod
    def user_context(role: str, who: str) -> dict:
        return {"IamIdentity": {"Arn": f"arn:aws:sts::{SM_ACCOUNT}:assumed-role/{role}/{who}",
                                "PrincipalId": f"{role_id(SM_ACCOUNT, role)}:{who}"}}

    def sagemaker(self):
        rng = self.rng("sagemaker")
        acct, region = SM_ACCOUNT, SM_REGION
        for p in PACKAGES:
            last_mod = p["approvals"][-1][0] if p["approvals"] else p["created"] + timedelta(seconds=2)
            digest = "sha256:" + hashlib.sha256(IMAGES[p["image"]].encode()).hexdigest()
            body = {
                "ModelPackageName": p["group"],
                "ModelPackageGroupName": p["group"],
                "ModelPackageVersion": p["version"],
                "ModelPackageArn": p["arn"],
                "ModelPackageDescription": f"{p['group']} trained {p['created'] - timedelta(days=1):%Y-%m-%d}",
                "CreationTime": iso_api(p["created"].replace(microsecond=rng.randint(0, 999) * 1000)),
                "InferenceSpecification": {
                    "Containers": [{"Image": IMAGES[p["image"]], "ImageDigest": digest, "ModelDataUrl": p["data"]}],
                    "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
                    "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge",
                                                                "ml.g5.xlarge"],
                    "SupportedContentTypes": ["text/csv", "application/json"],
                    "SupportedResponseMIMETypes": ["application/json"]},
                "ModelPackageStatus": "Completed",
                "ModelPackageStatusDetails": {"ValidationStatuses": [], "ImageScanStatuses": []},
                "CertifyForMarketplace": False,
                "ModelApprovalStatus": p["status"],
                "MetadataProperties": {"GeneratedBy": "mlflow+sagemaker-python-sdk"},
                "LastModifiedTime": iso_api(last_mod.replace(microsecond=rng.randint(0, 999) * 1000)),
                "CustomerMetadataProperties": {"mlflow_model": p["group"]},
                **package_extras(p),
            }
            if p["creator"]:
                body["CreatedBy"] = self.user_context(*p["creator"])
            else:
                body["CreatedBy"] = self.user_context("ml-engineer", "alice")
            if p["approvals"]:
                when, status, role, who, desc = p["approvals"][-1]
                body["ApprovalDescription"] = desc
                body["LastModifiedBy"] = self.user_context(role, who)
            elif p["status"] == "Approved":
                body["ApprovalDescription"] = "Approved in the quarterly model review"
                body["LastModifiedBy"] = self.user_context("ml-approver", "dave")
            if p["group"] == "churn-classifier" and p["version"] == 3:
                build = next(d["build"] for d in DEPLOYMENTS if d["endpoint"] == "churn-prod")
                body["CustomerMetadataProperties"].update({"deployed_to": "churn-prod", "deployed_by": build})
                body["LastModifiedTime"] = iso_api(T("2026-10-06T10:22:58.114"))
                body["LastModifiedBy"] = self.user_context("ml-deploy-pipeline", build)
            self.put(acct, region, "sagemaker", "DescribeModelPackage", body, f"{p['group']}/{p['version']}")
        for name, m in MODELS.items():
            if m["package"]:
                container = {"ModelPackageName": PKG[m["package"]]["arn"], "Mode": "SingleModel", "Environment": {}}
            else:
                container = {"Image": m["image"], "Mode": "SingleModel", "ModelDataUrl": m["model_data"],
                             "Environment": {"SAGEMAKER_PROGRAM": "serve.py", "SAGEMAKER_REGION": region}}
            body = {"ModelName": name, "PrimaryContainer": container, "ExecutionRoleArn": EXEC_ROLE,
                    "CreationTime": iso_api(m["created"]), "ModelArn": f"{SM_ARN}:model/{name}",
                    "EnableNetworkIsolation": False,
                    "DeploymentRecommendation": {"RecommendationStatus": "COMPLETED",
                                                 "RealTimeInferenceRecommendations": []}}
            self.put(acct, region, "sagemaker", "DescribeModel", body, name)
        for name, c in CONFIGS.items():
            body = {"EndpointConfigName": name, "EndpointConfigArn": f"{SM_ARN}:endpoint-config/{name}",
                    "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": c["model"],
                                            "InitialInstanceCount": c["count"], "InstanceType": c["itype"],
                                            "InitialVariantWeight": 1.0}],
                    "CreationTime": iso_api(c["created"]), "EnableNetworkIsolation": False}
            if c["created"] > T("2026-01-01T00:00:00"):
                body["DataCaptureConfig"] = {"EnableCapture": True, "InitialSamplingPercentage": 20,
                                             "DestinationS3Uri": "s3://northwind-ml-artifacts/data-capture/",
                                             "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                                             "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]}}
            self.put(acct, region, "sagemaker", "DescribeEndpointConfig", body, name)
        for name, e in ENDPOINTS.items():
            c = CONFIGS[e["config"]]
            m = MODELS[c["model"]]
            image = IMAGES[PKG[m["package"]]["image"]] if m["package"] else m["image"]
            digest = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
            body = {"EndpointName": name, "EndpointArn": f"{SM_ARN}:endpoint/{name}", "EndpointConfigName": e["config"],
                    "ProductionVariants": [{"VariantName": "AllTraffic",
                                            "DeployedImages": [{"SpecifiedImage": image,
                                                                "ResolvedImage": image.split(":")[0] + "@" + digest,
                                                                "ResolutionTime": iso_api(e["modified"] - timedelta(minutes=6))}],
                                            "CurrentWeight": 1.0, "DesiredWeight": 1.0,
                                            "CurrentInstanceCount": c["count"], "DesiredInstanceCount": c["count"]}],
                    "EndpointStatus": "InService", "CreationTime": iso_api(e["created"]),
                    "LastModifiedTime": iso_api(e["modified"])}
            self.put(acct, region, "sagemaker", "DescribeEndpoint", body, name)
        self.sagemaker_lineage()
