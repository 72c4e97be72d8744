"""frameworks.py: one file per framework, strictly validated, keyed by its id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.frameworks import (
    Framework,
    default_queries_dir,
    load_framework,
    load_frameworks,
)
from auditreport.errors import CheckDefinitionError

BUILT_IN = default_queries_dir() / "frameworks"


def test_the_repository_frameworks_load_by_default():
    frameworks = load_frameworks()
    assert {"soc2", "iso27001", "hipaa", "eu_ai_act", "iso42001", "nist_ai_rmf", "cis_aws"} <= set(frameworks)
    assert frameworks == load_frameworks(default_queries_dir() / "frameworks")
    assert all(isinstance(fw, Framework) and fw.id == key for key, fw in frameworks.items())


def test_a_framework_keeps_its_requirements_in_file_order(tmp_path):
    (tmp_path / "demo.yaml").write_text('id: demo\nname: "Demo"\nrequirements:\n  Z.1: "Last letter."\n  A.1: "First."\n')
    fw = load_framework(tmp_path / "demo.yaml")
    assert fw == Framework("demo", "Demo", {"Z.1": "Last letter.", "A.1": "First."})
    assert list(fw.requirements) == ["Z.1", "A.1"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("id: soc2\nname: x\nrequirements: {}\n", "requirements"),
        ("id: other\nname: x\nrequirements: {A: b}\n", "differs from the file name"),
        ("id: soc2\nname: x\nrequirements: {A: b}\nedition: 2\n", "edition: unknown key"),
        ("id: soc2\nname: x\nrequirements: {A: b}\nversion: 2\n", "version: Input should be a valid string"),
        ("id: soc2\nname: x\nrequirements: {1.10: b}\n", "YAML read it as the number 1.1: write it in quotes"),
        ("id: soc2\nname: x\nrequirements: {A: b}\nnote: ''\n", "note: String should have at least 1 character"),
        ("- id: soc2\n", "(top level): Input should be a valid dictionary"),
        ("id: soc2\nname: [x\n", "not valid YAML"),
    ],
)
def test_bad_framework_files(tmp_path, text, expected):
    (tmp_path / "soc2.yaml").write_text(text)
    with pytest.raises(CheckDefinitionError) as err:
        load_frameworks(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / 'soc2.yaml'}: ") and expected in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_framework_directory_and_file(tmp_path):
    with pytest.raises(CheckDefinitionError, match="framework directory not found"):
        load_frameworks(tmp_path / "nowhere")
    with pytest.raises(CheckDefinitionError, match="cannot read framework file"):
        load_framework(tmp_path / "nowhere.yaml")


def test_a_framework_may_name_its_version_and_a_note(tmp_path):
    (tmp_path / "demo.yaml").write_text('id: demo\nname: "Demo"\nversion: "2.1"\nnote: >\n  Read this\n  first.\n'
                                        'requirements:\n  "1.10": "Tenth."\n')
    fw = load_framework(tmp_path / "demo.yaml")
    assert (fw.version, fw.note, fw.requirements, fw.user_file) == ("2.1", "Read this first.", {"1.10": "Tenth."}, None)


def test_a_non_utf8_framework_file_is_one_line(tmp_path):
    (tmp_path / "demo.yaml").write_bytes(b"id: demo\nname: \xff\xfe\n")
    with pytest.raises(CheckDefinitionError, match=r"demo\.yaml: cannot read framework file: not UTF-8 text$"):
        load_frameworks(tmp_path)


# -- CIS AWS Foundations Benchmark -----------------------------------------------------------------------------------

CIS_IDS = ["1.4", "1.5", "1.6", "1.7", "1.10", "1.12", "1.14", *(f"3.{i}" for i in range(1, 10)),
           *(f"4.{i}" for i in range(1, 17))]


def test_the_cis_aws_file_follows_the_v3_numbering():
    cis = load_frameworks()["cis_aws"]
    assert cis.id == "cis_aws" and cis.name.startswith("CIS Amazon Web Services Foundations Benchmark")
    assert cis.version == "3.0.0"
    assert list(cis.requirements) == CIS_IDS  # in benchmark order; "1.10" is not YAML's 1.1
    assert cis.requirements["3.1"] == "Ensure CloudTrail is enabled in all regions"
    assert cis.requirements["3.2"] == "Ensure CloudTrail log file validation is enabled"
    assert cis.requirements["3.4"] == "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket"
    assert cis.requirements["4.3"] == "Ensure usage of 'root' account is monitored"
    assert cis.requirements["4.15"] == "Ensure AWS Organizations changes are monitored"
    assert cis.requirements["1.7"] == "Eliminate use of the 'root' user for administrative and daily tasks"
    assert "real-time metric filters and alarms" in cis.note
    text = (BUILT_IN / "cis_aws.yaml").read_text()
    assert "v3.0.0" in text.split("requirements:")[0]  # the comment says which numbering the ids follow


def test_existing_checks_map_honestly_to_cis_aws():
    mapped = {c.id: c.frameworks["cis_aws"] for c in load_catalogue() if "cis_aws" in c.frameworks}
    assert mapped["root_account_activity"] == ["1.7", "4.3"]
    assert mapped["cloudtrail_multi_region"] == mapped["cloudtrail_trail_logging"] == ["3.1"]
    assert mapped["cloudtrail_log_file_validation"] == ["3.2"]
    assert mapped["cloudtrail_tampering"] == ["4.5"]
    # no CIS v3.0.0 item asks for versioning of the trail bucket or a log retention period
    assert "cloudtrail_bucket_versioning" not in mapped and "cloudwatch_ml_log_retention" not in mapped


# -- frameworks of the user's own (the configuration's frameworks_dir) -----------------------------------------------

ACME = 'id: acme_ml\nname: "ACME ML control set"\nrequirements:\n  ML-1: "Audit logs are kept."\n  ML-2: "Models are approved."\n'


def test_user_frameworks_load_after_the_built_in_ones(tmp_path):
    (tmp_path / "acme_ml.yaml").write_text(ACME)
    (tmp_path / "README.md").write_text("not a framework")
    frameworks = load_frameworks(user_dir=tmp_path)
    assert list(frameworks)[: len(load_frameworks())] == list(load_frameworks())
    assert list(frameworks)[-1] == "acme_ml"
    acme = frameworks["acme_ml"]
    assert acme.requirements == {"ML-1": "Audit logs are kept.", "ML-2": "Models are approved."}
    assert acme.user_file == (tmp_path / "acme_ml.yaml").resolve()
    assert load_frameworks()["soc2"].user_file is None


def _queries_with_a_check_mapping_to(tmp_path: Path, framework_line: str) -> Path:
    """A copy of the repository catalogue whose root_account_activity also maps to ``framework_line``."""
    queries = tmp_path / "queries"
    shutil.copytree(default_queries_dir(), queries)
    check = queries / "access" / "root_account_activity.sql"
    text = check.read_text()
    check.write_text(text.replace("\nrequires:", f"\n  {framework_line}\nrequires:", 1))
    return queries


def test_a_check_may_map_to_a_user_framework(tmp_path):
    user = tmp_path / "frameworks"
    user.mkdir()
    (user / "acme_ml.yaml").write_text(ACME)
    queries = _queries_with_a_check_mapping_to(tmp_path, "acme_ml: [ML-1]")
    catalogue = load_catalogue(queries, user_frameworks_dir=user)
    assert catalogue.check("root_account_activity").frameworks["acme_ml"] == ["ML-1"]
    assert "acme_ml" in catalogue.frameworks
    # without the configuration's folder the mapping names a framework that does not exist
    with pytest.raises(CheckDefinitionError, match="unknown framework 'acme_ml'.*frameworks_dir"):
        load_catalogue(queries)
    (user / "acme_ml.yaml").write_text(ACME.replace("ML-1", "ML-9"))
    with pytest.raises(CheckDefinitionError, match="unknown requirement 'ML-1' of framework 'acme_ml'"):
        load_catalogue(queries, user_frameworks_dir=user)


@pytest.mark.parametrize(
    "name,text,expected",
    [
        ("acme_ml.yaml", "id: acme_ml\nname: [x\n", "not valid YAML"),
        ("acme_ml.yaml", "id: acme_ml\nname: x\n", "requirements: Field required"),
        ("acme_ml.yaml", "id: acme\nname: x\nrequirements: {A: b}\n", "id 'acme' differs from the file name 'acme_ml'"),
        ("acme_ml.yaml", "id: acme_ml\nname: x\nrequirements: {1.10: b}\n", "write it in quotes"),
        ("acme_ml.yaml", "id: acme_ml\nname: x\nrequirements: {A: b}\nsections: []\n", "sections: unknown key"),
        ("acme_ml.yml", ACME, "framework files end in .yaml (rename it to acme_ml.yaml)"),
    ],
)
def test_a_broken_user_framework_file_is_one_line_naming_it(tmp_path, name, text, expected):
    (tmp_path / name).write_text(text)
    with pytest.raises(CheckDefinitionError) as err:
        load_frameworks(user_dir=tmp_path)
    message = str(err.value)
    assert message.startswith(f"{tmp_path / name}: ") and expected in message, message
    assert "\n" not in message


def test_a_user_framework_may_not_take_a_built_in_id(tmp_path):
    (tmp_path / "soc2.yaml").write_text('id: soc2\nname: "My SOC 2"\nrequirements: {CC1.1: "Mine."}\n')
    with pytest.raises(CheckDefinitionError) as err:
        load_frameworks(user_dir=tmp_path)
    assert str(err.value) == (f"{tmp_path / 'soc2.yaml'}: framework id 'soc2' is a built-in framework "
                              f"({BUILT_IN / 'soc2.yaml'}); give yours another id and file name")


def test_a_missing_user_framework_directory(tmp_path):
    with pytest.raises(CheckDefinitionError, match=r"nowhere: framework directory \(frameworks_dir\) not found"):
        load_frameworks(user_dir=tmp_path / "nowhere")
