"""``auditreport init``: a commented starting configuration for the user's own estate.

The file is written from the options given (accounts, regions, the trail bucket, the role to assume, MLflow), with
every live source switched on and the policy keys a user must decide on listed as comments. It is written only when
no file is there (never overwritten), then read back with :func:`auditreport.config.load_config`: what ``init``
writes always validates, or nothing is left behind.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_config
from .errors import ConfigError, EnvironmentFailure
from .resources import sample_config

DEFAULT_ROLE = "arn:aws:iam::{account}:role/AuditReportReader"


@dataclass
class Estate:
    """What ``init`` is told about the estate; empty fields are written as commented examples."""

    organisation: str = "Example Corp ML Platform"
    accounts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    trail_bucket: str | None = None  # s3://bucket[/prefix], or bucket[/prefix]
    organization_id: str | None = None
    bucket_account: str | None = None
    role_arn: str | None = DEFAULT_ROLE
    profile: str | None = None
    external_id: str | None = None
    mlflow_uri: str | None = None
    dataset_buckets: list[str] = field(default_factory=list)


def toml_value(value) -> str:
    """A TOML basic string or array of them (JSON's string escapes are TOML's)."""
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def _key(name: str, value, example: str, note: str = "") -> str:
    """``name = value`` when given, else the commented example; ``note`` as a trailing comment."""
    tail = f"   # {note}" if note else ""
    if value in (None, [], ""):
        return f"# {name} = {example}{tail}"
    return f"{name} = {toml_value(value)}{tail}"


def trail_uri(bucket: str) -> str:
    """``bucket/prefix`` or ``s3://bucket/prefix`` -> ``s3://bucket/prefix``."""
    return bucket if bucket.startswith("s3://") else f"s3://{bucket}"


def render(estate: Estate) -> str:
    """The configuration file's text."""
    cloudtrail = (
        ["[sources.cloudtrail]", 'kind = "s3"',
         f"uri = {toml_value(trail_uri(estate.trail_bucket))}   # the folder above AWSLogs/",
         _key("organization_id", estate.organization_id, '"o-abcd1234ef"',
              "an organisation trail: AWSLogs/<organization id>/<account>/..."),
         _key("bucket_account", estate.bucket_account, '"999988887777"',
              "the account owning the bucket (the log archive); default: the first account")]
        if estate.trail_bucket else
        ["# No trail bucket given (auditreport init --trail-bucket s3://BUCKET/PREFIX): CloudTrail is not configured,",
         "# and every check that needs it reports no_data. Uncomment and fill in:",
         "# [sources.cloudtrail]", '# kind = "s3"', '# uri = "s3://example-org-cloudtrail/org"']
    )  # fmt: skip
    mlflow = (
        ["[sources.mlflow]", 'kind = "rest"', f"tracking_uri = {toml_value(estate.mlflow_uri)}",
         "# auth from the environment: MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD"]
        if estate.mlflow_uri else
        ["# No MLflow server given (--mlflow-uri): the MLflow checks report no_data. Uncomment and fill in:",
         "# [sources.mlflow]", '# kind = "rest"', '# tracking_uri = "https://mlflow.example.com"']
    )  # fmt: skip
    lines = [
        "# auditreport configuration, written by `auditreport init`. Check it with",
        "#   auditreport checks --config THIS_FILE",
        "# ask every source whether these credentials reach it (one line per source, exit 0 or 2) with",
        "#   auditreport preflight --config THIS_FILE",
        "# and run the monthly job with",
        "#   auditreport run --config THIS_FILE --out /var/lib/auditreport",
        "# Every key is explained in the sample month's configuration (sample_data/auditreport.toml in the repository),",
        f"# installed here as {sample_config()}; README.md, 'Configuration', has the table of keys.",
        "",
        f"organisation = {toml_value(estate.organisation)}   # shown on the report's cover",
        "# period: left out, so that a run on the 1st reports the month that just ended (--period overrides)",
        "",
        "# Your organisation's rules: the checks read these as SQL parameters. Decide each before the first run.",
        "[policy]",
        "# min_log_retention_days = 365",
        '# ml_log_group_prefixes = ["/aws/sagemaker/"]',
        '# approver_roles = ["arn:aws:iam::*:role/ml-approver"]          # who may approve model packages',
        '# production_accounts = ["111122223333"]                          # [] = every account',
        '# pipeline_roles = ["arn:aws:iam::*:role/ml-training-pipeline"]',
        '# deploy_roles = ["arn:aws:iam::*:role/ml-deploy-pipeline"]',
        '# audit_readers = ["arn:aws:iam::*:role/security-audit"]',
        _key("dataset_buckets", estate.dataset_buckets, '["example-ml-datasets"]',
             "training data: a trail must log their object reads and writes"),
        "",
        "# Credentials and scope of every live AWS source. The reader role's policy is docs/iam-policy.json.",
        "[aws]",
        _key("accounts", estate.accounts, '["111122223333", "444455556666"]', "12-digit ids of the audited accounts"),
        _key("regions", estate.regions, '["eu-west-1", "us-east-1"]', "IAM and S3 bucket settings are global"),
        _key("role_arn", estate.role_arn, f'"{DEFAULT_ROLE}"', "assumed in each account; {account} is substituted"),
        _key("profile", estate.profile, '"audit"', "a profile of ~/.aws/config; default: the usual boto3 chain"),
        _key("external_id", estate.external_id, '"example-audit"', "if the role's trust policy requires one"),
        "max_concurrency = 8",
        "max_attempts = 8",
        "",
        "# Where the evidence comes from. A source left out is 'not configured': its checks report no_data.",
        "# CloudTrail log files, from the trail bucket (only the period's day prefixes are listed).",
        *cloudtrail,
        "",
        "# AWS API snapshots, in every account and region of [aws].",
        "[sources.trails]", 'kind = "aws"', "",
        "[sources.sagemaker]", 'kind = "aws"', "",
        "[sources.cloudwatch]", 'kind = "aws"',
        '# event_log_groups = ["/aws/sagemaker/Endpoints/example-prod"]   # groups whose events are read', "",
        "[sources.iam]", 'kind = "aws"', "",
        "[sources.s3]", 'kind = "aws"',
        "# buckets = []   # besides the trail bucket: every bucket SageMaker training reads", "",
        "[sources.eks]", 'kind = "aws"', "",
        "# The MLflow model registry, over its REST API.",
        *mlflow,
        "",
        "# Tell someone how each run ended (README.md, 'Notifications'): a Slack or Teams webhook whose URL is read",
        "# from an environment variable (a secret: never written here), and/or an SNS topic. Uncomment and fill in:",
        "# [notify]",
        '# webhook_url_env = "AUDITREPORT_WEBHOOK_URL"',
        '# webhook_format = "slack"   # or "teams"',
        '# sns_topic_arn = "arn:aws:sns:eu-west-1:111122223333:audit-runs"',
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_starter_config(path: Path, estate: Estate) -> Path:
    """Write the configuration to ``path`` (never over an existing file) and prove it loads; return its path."""
    path = Path(path)
    text = render(estate)
    try:
        with open(path, "x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise ConfigError(f"{path}: already exists; init never overwrites a configuration "
                          "(choose another --output, or move the file away)") from None  # fmt: skip
    except OSError as e:
        raise EnvironmentFailure(path, f"cannot write the configuration: {e.strerror or e}") from None
    try:
        load_config(path)
    except ConfigError:
        os.unlink(path)  # an option's value the configuration refuses: nothing half-right is left behind
        raise
    return path
