"""CloudTrail activity: the month's model registry and deployment history in prod.

CreateModelPackage by each package's creator and UpdateModelPackage by its approvers, then the pipeline's
CreateModel / CreateEndpointConfig / Create- or UpdateEndpoint, all as ``sagemaker_estate`` records them.
"""

from __future__ import annotations

from datetime import timedelta

from .activity import Session
from .ids import rand_hex, rand_uuid
from .org import OFFICE_IPS, PROD
from .pipelines import Pipelines
from .sagemaker_estate import CONFIGS, DEPLOYMENTS, EXEC_ROLE, IMAGES, MODELS, PACKAGES, PKG, SM_ARN


class SageMakerHistory(Pipelines):
    """Model packages created and approved, endpoints deployed (README.md lists which of them are planted)."""

    def story_session(self, rng, person, role, account, start, tool="console", ip=None) -> Session:
        sess = Session(self, rng, account, role, person, start, tool, ip or rng.choice(OFFICE_IPS), person=person)
        self.saml_login(rng, sess, start)
        return sess

    # --- model registry: CreateModelPackage and UpdateModelPackage ---------------------------------------------------

    def registry(self):
        rng = self.rng("registry")
        for p in PACKAGES:
            if p["creator"] is None:
                continue
            role, who = p["creator"]
            t = p["created"]
            if role == "ml-deploy-pipeline":
                sess = self.ci_session(rng, PROD, int(who.split("-")[1]), t - timedelta(minutes=3))
                self.ci_prelude(rng, sess, t - timedelta(minutes=3))
            else:
                sess = self.story_session(rng, who, role, PROD, t - timedelta(minutes=rng.randint(6, 25)), tool="studio",
                                          ip=f"10.20.2.{rng.randint(10, 250)}")
                self._now = t
                for _ in range(3):
                    self.sm(rng, sess, t - timedelta(seconds=rng.randint(30, 300)), "ListModelPackages",
                            {"modelPackageGroupName": p["group"], "sortBy": "CreationTime", "sortOrder": "Descending",
                             "maxResults": 10})
            img = IMAGES[p["image"]]
            params = {
                "modelPackageGroupName": p["group"],
                "modelPackageDescription": f"{p['group']} trained {p['created'] - timedelta(days=1):%Y-%m-%d}",
                "inferenceSpecification": {
                    "containers": [{"image": img, "modelDataUrl": p["data"]}],
                    "supportedContentTypes": ["text/csv", "application/json"],
                    "supportedResponseMIMETypes": ["application/json"],
                    "supportedRealtimeInferenceInstanceTypes": ["ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge",
                                                                "ml.g5.xlarge"],
                    "supportedTransformInstanceTypes": ["ml.m5.xlarge"]},
                "modelApprovalStatus": "PendingManualApproval",
                "customerMetadataProperties": {"mlflow_model": p["group"], "git_sha": rand_hex(rng, 12)},
                "clientToken": rand_uuid(rng),
            }
            self.sm(rng, sess, t, "CreateModelPackage", params, response={"modelPackageArn": p["arn"]},
                    read_only=False, protect=True)
            for (when, status, arole, awho, desc) in p["approvals"]:
                asess = self.story_session(rng, awho, arole, PROD, when - timedelta(minutes=rng.randint(4, 15)),
                                           tool="console")
                self._now = when
                self.sm(rng, asess, when - timedelta(seconds=rng.randint(40, 200)), "DescribeModelPackage",
                        {"modelPackageName": p["arn"]})
                self.sm(rng, asess, when, "UpdateModelPackage",
                        {"modelPackageArn": p["arn"], "modelApprovalStatus": status, "approvalDescription": desc},
                        response={"modelPackageArn": p["arn"]}, read_only=False, protect=True)

    # --- deployments by the pipeline ---------------------------------------------------------------------------------

    def deployments(self):
        rng = self.rng("deployments")
        for d in DEPLOYMENTS:
            model, config = MODELS[d["model"]], CONFIGS[d["config"]]
            pkg = PKG[model["package"]]
            build = int(d["build"].split("-")[1])
            start = model["created"] - timedelta(minutes=4)
            sess = self.ci_session(rng, PROD, build, start)
            t = self.ci_prelude(rng, sess, start)
            self._now = t
            self.sm(rng, sess, t + timedelta(seconds=5), "DescribeModelPackage", {"modelPackageName": pkg["arn"]})
            self.sm(rng, sess, model["created"], "CreateModel",
                    {"modelName": d["model"], "primaryContainer": {"modelPackageName": pkg["arn"]},
                     "executionRoleArn": EXEC_ROLE, "enableNetworkIsolation": False},
                    response={"modelArn": f"{SM_ARN}:model/{d['model']}"}, read_only=False, protect=True)
            self.sm(rng, sess, config["created"], "CreateEndpointConfig",
                    {"endpointConfigName": d["config"],
                     "productionVariants": [{"variantName": "AllTraffic", "modelName": d["model"],
                                             "initialInstanceCount": config["count"],
                                             "instanceType": config["itype"], "initialVariantWeight": 1.0}],
                     "dataCaptureConfig": {"enableCapture": True, "initialSamplingPercentage": 20,
                                           "destinationS3Uri": f"s3://northwind-ml-artifacts/data-capture/{d['endpoint']}",
                                           "captureOptions": [{"captureMode": "Input"}, {"captureMode": "Output"}]}},
                    response={"endpointConfigArn": f"{SM_ARN}:endpoint-config/{d['config']}"}, read_only=False,
                    protect=True)
            self.sm(rng, sess, d["at"], d["action"], {"endpointName": d["endpoint"], "endpointConfigName": d["config"]},
                    response={"endpointArn": f"{SM_ARN}:endpoint/{d['endpoint']}"}, read_only=False, protect=True)
            t = d["at"]
            for _ in range(rng.randint(8, 14)):  # the pipeline waits for InService
                t += timedelta(seconds=30)
                self.sm(rng, sess, t, "DescribeEndpoint", {"endpointName": d["endpoint"]})
            if d["endpoint"] == "churn-prod":  # the pipeline records the deployment on the package: not an approval
                self.sm(rng, sess, t + timedelta(seconds=40), "UpdateModelPackage",
                        {"modelPackageArn": pkg["arn"],
                         "customerMetadataProperties": {"deployed_to": "churn-prod", "deployed_by": d["build"]}},
                        response={"modelPackageArn": pkg["arn"]}, read_only=False, protect=True)
