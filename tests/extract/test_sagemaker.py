"""SageMakerExtractor against a real (moto) server, 2 accounts x 2 regions: every model package, and the chain
endpoint -> config -> model -> package.

What moto cannot show, and so these tests do not claim:
- moto fakes ``CreatedBy`` / ``LastModifiedBy`` of model packages (a fixed fake user profile); CloudTrail is the
  authoritative record of who approved, and the loader must not trust these fields.
- moto lacks ``UpdateEndpoint``: an endpoint cannot be moved to a new config here, so "the endpoint now serves
  another model" is shown by a second endpoint, not by an update.
- moto stamps every CreationTime/LastModifiedTime with the wall clock; history cannot be back-dated.
- moto's DescribeEndpoint, like AWS's, does not name the variant's model: the model comes from the config.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from live_seed import (ACCOUNTS, REGIONS, extractor, make_ctx, multi_account_config, read_json, seed_sagemaker,
                       without_moto_gaps)
from servers import moto_client

def test_sagemaker_registry_endpoints_and_the_deployment_chain(moto, tmp_path):
    seeded = {}
    for a in ACCOUNTS:
        for r in REGIONS:
            seeded[(a, r)] = seed_sagemaker(moto_client(moto.url, "sagemaker", r, a), a, r)
    out = extractor(multi_account_config(moto.url, {"sagemaker": {"kind": "aws"}}), "sagemaker").extract(make_ctx(tmp_path / "raw"))
    # moto answers 500 to ListMonitoringSchedules: one error line a scope, and nothing else
    assert without_moto_gaps(out.errors) == []
    assert len(out.errors) == len(ACCOUNTS) * len(REGIONS)
    for (a, r), arns in seeded.items():
        d = out.root / a / r / "sagemaker"
        packages = {p.name: read_json(p) for p in (d / "DescribeModelPackage").iterdir()}
        assert set(packages) == {f"{quote('fraud-detector/' + str(v), safe='')}.json" for v in (1, 2, 3)}
        status = {p["ModelPackageVersion"]: p["ModelApprovalStatus"] for p in packages.values()}
        assert status == {1: "Approved", 2: "Rejected", 3: "PendingManualApproval"}
        assert all(p["ModelPackageArn"].split(":")[4] == a for p in packages.values())  # isolated per account
        assert all(p["CustomerMetadataProperties"]["ticket"].startswith("ML-") for p in packages.values())
        assert datetime.fromisoformat(next(iter(packages.values()))["CreationTime"]).tzinfo is not None

        # endpoint -> config -> model -> package
        ep = read_json(d / "DescribeEndpoint" / "fraud-prod.json")
        cfg = read_json(d / "DescribeEndpointConfig" / f"{ep['EndpointConfigName']}.json")
        model_name = cfg["ProductionVariants"][0]["ModelName"]
        model = read_json(d / "DescribeModel" / f"{model_name}.json")
        assert model["Containers"][0]["ModelPackageName"] == arns["Approved"]
        # a config deleted after deployment: kept as evidence, not an error
        gone = read_json(d / "DescribeEndpointConfig" / "scratch-config.json")
        assert gone["Error"]["Code"] == "ValidationException"
        # the model of the deleted config cannot be known, and an undeployed model is not read
        assert not (d / "DescribeModel" / "scratch-model.json").exists()
