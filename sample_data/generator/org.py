"""The sample organisation: accounts, regions, trails, buckets, the time window, people and their clients.

Northwind Analytics runs its ML platform in two AWS accounts (ml-prod and ml-dev); sample_data/README.md describes it.
"""

from __future__ import annotations

from datetime import datetime

from .formats import UTC

ORG = "Northwind Analytics ML Platform (sample)"

PROD, DEV = "111122223333", "444455556666"
ACCOUNTS = [PROD, DEV]
ACCOUNT_ALIAS = {PROD: "ml-prod", DEV: "ml-dev"}
EU, US = "eu-west-1", "us-east-1"
REGIONS = [EU, US]
HOME_REGION = EU

TRAIL = {
    PROD: {"name": "northwind-audit-trail", "bucket": "northwind-cloudtrail-logs", "validation": True},
    DEV: {"name": "northwind-dev-trail", "bucket": "northwind-dev-trail", "validation": False},
}
DATASETS_BUCKET = "northwind-ml-datasets"
BUCKETS = {
    PROD: ["northwind-cloudtrail-logs", "northwind-ml-datasets", "northwind-ml-artifacts", "northwind-mlflow-artifacts"],
    DEV: ["northwind-dev-trail", "northwind-dev-sandbox"],
}

# Log objects cover 2026-09-30 .. 2026-11-01 (UTC): the period plus one day either side.
WINDOW_START = datetime(2026, 9, 30, 0, 0, 0, tzinfo=UTC)
WINDOW_END = datetime(2026, 11, 1, 23, 40, 0, tzinfo=UTC)
CAPTURED_AT = datetime(2026, 11, 1, 2, 0, 0, tzinfo=UTC)
MLFLOW_URI = "http://mlflow.northwind.internal:5000"

# The dev trail was stopped for maintenance and restarted: no events for the dev account in any region in between.
STOP_LOGGING_AT = datetime(2026, 10, 20, 2, 10, 14, tzinfo=UTC)
START_LOGGING_AT = datetime(2026, 10, 20, 11, 40, 37, tzinfo=UTC)

SAML_PROVIDER = "northwind-okta"
PEOPLE_EMAIL = "{}@northwind.example"

OFFICE_IPS = ["198.51.100.23", "198.51.100.24", "198.51.100.71"]
VPN_IPS = ["203.0.113.40", "203.0.113.41", "203.0.113.58", "203.0.113.90"]
CI_IPS = ["192.0.2.14", "192.0.2.15", "192.0.2.77"]

UA = {
    "cli": "aws-cli/2.18.7 md/awscrt#0.22.0 ua/2.0 os/macos#24.0.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython "
    "cfg/retry-mode#standard md/installer#source md/prompt#off md/command#{cmd}",
    "studio": "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10.226-214.880.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.11.10 md/pyimpl#CPython exec-env/AWS_SageMaker_Studio cfg/retry-mode#legacy Botocore/1.35.36",
    "console": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "codebuild": "Boto3/1.35.20 md/Botocore#1.35.20 ua/2.0 os/linux#4.14.355-271.569.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.12.5 md/pyimpl#CPython exec-env/AWS_ECS_EC2 cfg/retry-mode#legacy Botocore/1.35.20 "
    "sagemaker-python-sdk/2.232.1",
    "training": "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10.227-219.884.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.10.14 md/pyimpl#CPython exec-env/AWS_SageMaker_Training cfg/retry-mode#standard Botocore/1.35.36",
    "terraform": "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.72.1 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 "
    "md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.0.0",
}

# The people of the sample and the roles they use. Humans act through AssumedRole sessions named after them.
HUMANS = {
    "alice": {"role": "ml-engineer", "accounts": {PROD: 0.35, DEV: 0.9}, "tools": ["studio", "studio", "cli", "console"]},
    "bob": {"role": "ml-engineer", "accounts": {PROD: 0.3, DEV: 0.85}, "tools": ["studio", "cli", "cli", "console"]},
    "carol": {"role": "ml-engineer", "accounts": {PROD: 0.3, DEV: 0.8}, "tools": ["studio", "studio", "console"]},
    "dave": {"role": "ml-approver", "accounts": {PROD: 0.55}, "tools": ["console", "console", "cli"]},
    "eve": {"role": "data-platform-admin", "accounts": {PROD: 0.6, DEV: 0.5}, "tools": ["cli", "console", "cli"]},
    "frank": {"role": "data-scientist-readonly", "accounts": {PROD: 0.8}, "tools": ["studio", "studio", "console"]},
    "mallory": {"role": "data-scientist-readonly", "accounts": {PROD: 0.35}, "tools": ["studio", "cli"]},
}
