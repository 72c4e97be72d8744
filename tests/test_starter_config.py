"""``auditreport init`` (auditreport.starter_config): the configuration it writes validates as written, each option
lands on the key it names, and an existing file is never overwritten."""

from __future__ import annotations

import tomllib

import pytest

from auditreport.cli import main
from auditreport.config import load_config
from auditreport.errors import ConfigError
from auditreport.source_settings import AwsApiSettings, MlflowRestSettings, S3TrailSettings
from auditreport.starter_config import DEFAULT_ROLE, Estate, render, write_starter_config


def _init(tmp_path, *args) -> tuple[int, str, str]:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["init", *args], catch_exceptions=False, standalone_mode=True)
    return result.exit_code, result.stdout, result.stderr


def test_every_option_lands_where_it_should_and_the_file_validates(tmp_path):
    out = tmp_path / "estate.toml"
    code, stdout, _ = _init(tmp_path, "--output", str(out), "--organisation", "Zürich \"Quant\" ML",
                            "--accounts", "111122223333,444455556666", "--accounts", "777788889999",
                            "--regions", "eu-west-1", "--regions", "us-east-1",
                            "--trail-bucket", "org-trail/cloudtrail", "--organization-id", "o-a1b2c3d4e5",
                            "--bucket-account", "999988887777", "--role-arn", "arn:aws:iam::{account}:role/Reader",
                            "--profile", "audit", "--external-id", "ext-1", "--mlflow-uri", "https://mlflow.example.com",
                            "--dataset-buckets", "ml-datasets,ml-features")  # fmt: skip
    assert code == 0 and str(out) in stdout
    cfg = load_config(out)
    assert cfg.organisation == 'Zürich "Quant" ML'
    assert cfg.aws.accounts == ["111122223333", "444455556666", "777788889999"]
    assert cfg.aws.regions == ["eu-west-1", "us-east-1"]
    assert (cfg.aws.role_arn, cfg.aws.profile, cfg.aws.external_id) == ("arn:aws:iam::{account}:role/Reader", "audit", "ext-1")
    assert cfg.aws.endpoint_url is None and cfg.period is None  # a scheduled run reports the month that just ended
    trail = cfg.sources["cloudtrail"]
    assert isinstance(trail, S3TrailSettings)
    assert (trail.uri, trail.organization_id, trail.bucket_account) == ("s3://org-trail/cloudtrail", "o-a1b2c3d4e5", "999988887777")
    assert isinstance(cfg.sources["mlflow"], MlflowRestSettings) and cfg.sources["mlflow"].tracking_uri == "https://mlflow.example.com"
    assert cfg.policy.dataset_buckets == ["ml-datasets", "ml-features"]
    live = {"trails", "sagemaker", "cloudwatch", "iam", "s3", "eks"}
    assert live <= set(cfg.sources) and all(isinstance(cfg.sources[n], AwsApiSettings) for n in live)


def test_without_options_the_estate_specific_keys_are_commented_examples(tmp_path):
    out = write_starter_config(tmp_path / "a.toml", Estate())
    text = out.read_text()
    data = tomllib.loads(text)
    assert "cloudtrail" not in data["sources"] and "mlflow" not in data["sources"]  # said in a comment, not invented
    assert "# [sources.cloudtrail]" in text and "--trail-bucket" in text and "# [sources.mlflow]" in text
    assert data["aws"] == {"role_arn": DEFAULT_ROLE, "max_concurrency": 8, "max_attempts": 8}
    assert "# accounts = " in text and "# regions = " in text
    cfg = load_config(out)
    assert cfg.aws.accounts == [] and "cloudtrail" not in cfg.sources


def test_an_existing_file_is_never_overwritten(tmp_path):
    out = tmp_path / "auditreport.toml"
    out.write_text("# mine\n")
    code, _, stderr = _init(tmp_path, "--output", str(out))
    assert code == 3 and out.read_text() == "# mine\n"
    assert stderr.count("\n") == 1 and f"{out}: already exists" in stderr


def test_a_value_the_configuration_refuses_leaves_no_file_and_names_the_key(tmp_path):
    out = tmp_path / "estate.toml"
    with pytest.raises(ConfigError, match=r"estate.toml: aws.accounts: '1234' is not a 12-digit AWS account id"):
        write_starter_config(out, Estate(accounts=["1234"]))
    assert not out.exists()
    code, _, stderr = _init(tmp_path, "--output", str(out), "--trail-bucket", "s3://")
    assert code == 3 and "sources.cloudtrail.uri" in stderr and not out.exists()


def test_the_text_is_what_render_gives_and_toml_strings_are_escaped():
    text = render(Estate(organisation='a "quoted"\nname\\', accounts=["111122223333"]))
    assert tomllib.loads(text)["organisation"] == 'a "quoted"\nname\\'


def test_the_starter_configuration_names_preflight_and_a_commented_notify_section_that_validates(tmp_path):
    text = render(Estate())
    assert "#   auditreport preflight --config THIS_FILE" in text
    block = text[text.index("# [notify]\n"):]
    (tmp_path / "notify.toml").write_text("\n".join(line.removeprefix("# ") for line in block.splitlines()) + "\n")
    notify = load_config(tmp_path / "notify.toml").notify
    assert notify.webhook_url_env == "AUDITREPORT_WEBHOOK_URL" and notify.sns_topic_arn
