"""auditreport.privacy: [privacy] settings and their key, and the Masker every output goes through: pseudonyms are
keyed HMAC-SHA256 tokens (one person, one token; another key, other tokens), mask mode keeps a hint of each kind,
and the personal values learned from columns are replaced wherever text names them."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from auditreport.config import load_config
from auditreport.errors import ConfigError
from auditreport.privacy import DEFAULT_COLUMNS, DEFAULT_NOT_PERSONAL, Masker, PrivacySettings, atoms, key_id, mask_hint

KEY = b"a-test-key-of-at-least-16-bytes"
ARN = "arn:aws:sts::111122223333:assumed-role/ml-engineer/bob"


def pseudonyms(key: bytes = KEY) -> Masker:
    return Masker(PrivacySettings(mode="pseudonym", key_env="UNUSED"), key)


def masks() -> Masker:
    return Masker(PrivacySettings(mode="mask"), None)


def expected(value: str, kind: str = "user", key: bytes = KEY) -> str:
    return f"{kind}-" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:10]


# -- pseudonyms ------------------------------------------------------------------------------------------------------


def test_a_pseudonym_is_the_keyed_hmac_of_the_value_by_kind():
    m = pseudonyms()
    assert m.value("session_name", "bob") == expected("bob")
    assert m.value("source_ip_address", "203.0.113.41") == expected("203.0.113.41", "ip")
    assert m.value("access_key_id", "AKIA2JFWK7PA3VMUJEL3") == expected("AKIA2JFWK7PA3VMUJEL3", "key")


def test_one_person_is_one_token_in_any_case_and_in_another_masker_with_the_same_key():
    a, b = pseudonyms(), pseudonyms()
    assert a.value("session_name", "Bob") == a.value("run_user_id", "bob") == b.value("user_id", "BOB")


def test_another_key_gives_other_tokens():
    assert pseudonyms().value("session_name", "bob") != pseudonyms(b"another-key-of-16-bytes-or-more").value(
        "session_name", "bob")


def test_an_arn_keeps_its_role_and_loses_its_session_or_user_name():
    m = pseudonyms()
    assert m.value("actor_arn", ARN) == ARN.replace("/bob", "/" + expected("bob"))
    user = "arn:aws:iam::111122223333:user/ops/ml-batch-scorer"
    assert m.value("user_arn", user) == user.replace("ml-batch-scorer", expected("ml-batch-scorer"))
    role = "arn:aws:iam::111122223333:role/ml-approver"
    assert m.value("principal_arn", role) == role  # a role is not a person


def test_a_person_with_their_role_and_lists_of_people_are_masked_element_by_element():
    m = pseudonyms()
    approver = "carol (role arn:aws:iam::111122223333:role/ml-approver)"
    assert m.value("approver", approver) == approver.replace("carol", expected("carol"))
    assert m.value("approvers", ["alice", "dave"]) == [expected("alice"), expected("dave")]
    assert atoms("carol, dave") == ["carol", "dave"]  # an MLflow approval tag naming two people
    assert atoms("system:serviceaccount:kube-system:deployer") == []  # Kubernetes' own identities are not people


def test_a_learned_value_is_replaced_in_any_text_as_a_whole_word_only():
    m = pseudonyms()
    m.learn("session_name", "eve")
    m.learn("source_ip_address", "10.20.2.77")
    text = m.value("reason", "Eve deleted the log group from 10.20.2.77. Every event of eve.smith@x is kept; eve.")
    assert text == (f"{expected('eve')} deleted the log group from {expected('10.20.2.77', 'ip')}. Every event of "
                    f"eve.smith@x is kept; {expected('eve')}.")  # fmt: skip


def test_values_too_short_to_find_in_text_are_replaced_in_their_own_column_only():
    m = pseudonyms()
    assert m.value("session_name", "jo") == expected("jo")
    assert m.value("reason", "jo approved it") == "jo approved it"


def test_the_patterns_find_emails_ip_addresses_and_access_keys_in_any_text():
    m = pseudonyms()
    text = m.value("description",
                   "Mail alice@example.com from 198.51.100.23 with AKIAOZXYDGTODZRGQYJL; Chrome/120.0.0.1")
    assert text == (f"Mail {expected('alice@example.com')} from {expected('198.51.100.23', 'ip')} with "
                    f"{expected('AKIAOZXYDGTODZRGQYJL', 'key')}; Chrome/120.0.0.1")  # fmt: skip
    only_email = Masker(PrivacySettings(mode="mask", patterns=["email"]), None)
    assert only_email.text("alice@example.com at 198.51.100.23") == "a***@e***.com at 198.51.100.23"


def test_service_session_names_are_not_people():
    m = pseudonyms()
    training = "arn:aws:sts::111122223333:assumed-role/sagemaker-execution-role/SageMaker"
    assert m.value("principal_arn", training) == training
    assert m.value("session_name", "AWSConfig-Describe") == "AWSConfig-Describe"
    assert m.value("reason", "granted sagemaker:* to SageMaker") == "granted sagemaker:* to SageMaker"
    config = "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/someone"
    assert m.value("actor_arn", config) == config
    assert m.value("actor_arn", "sagemaker.amazonaws.com") == "sagemaker.amazonaws.com"
    assert m.value("event_source", "sagemaker.amazonaws.com") == "sagemaker.amazonaws.com"


def test_a_principal_id_loses_its_session_name_only():
    m = pseudonyms()
    assert m.value("principal_id", "AROAQCSH5RZPP3LHEXUKR:bob") == "AROAQCSH5RZPP3LHEXUKR:" + expected("bob")
    federated = "RIHUWZHMXDALJ4UHWHWWLJGSJMDF=:bob@northwind.example"
    assert m.value("actor_arn", federated) == "RIHUWZHMXDALJ4UHWHWWLJGSJMDF=:" + expected("bob@northwind.example")


def test_documents_are_masked_key_by_key_and_other_types_kept():
    m = pseudonyms()
    row = {"resource": ARN, "count": 3, "tags": {"approved_by": "carol"}, "session_names": ["bob"]}
    out = m.row(row)
    assert out == {"resource": ARN.replace("/bob", "/" + expected("bob")), "count": 3,
                   "tags": {"approved_by": expected("carol")}, "session_names": [expected("bob")]}  # fmt: skip


# -- mask mode -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shape"), [
    ("alice@example.com", "a***@e***.com"),
    ("10.20.2.77", "10.20.x.x"),
    ("2001:db8::7", "2001:db8:x:x:x:x:x:x"),
    ("AKIA2JFWK7PA3VMUJEL3", "AKIA****JEL3"),
    ("mallory", "m***"),
])  # fmt: skip
def test_mask_mode_keeps_a_hint_of_each_kind(value, shape):
    assert mask_hint(value) == shape
    m = masks()
    assert m.value("email" if "@" in value else "user_name", value) == shape
    assert m.text(f"seen: {value}.") == f"seen: {shape}."


def test_mask_mode_needs_no_key_and_states_none():
    assert masks().describe() == {"mode": "mask", "columns": DEFAULT_COLUMNS,
                                  "patterns": ["email", "ipv4", "access_key_id"], "not_personal": DEFAULT_NOT_PERSONAL,
                                  "key_id": None}  # fmt: skip


def test_the_report_states_the_key_id_never_the_key():
    described = pseudonyms().describe()
    assert described["key_id"] == key_id(KEY) and KEY.decode() not in str(described)
    assert key_id(KEY) != key_id(KEY + b"x")


# -- configuration ---------------------------------------------------------------------------------------------------


def _config(tmp_path, privacy: str):
    path = tmp_path / "audit.toml"
    path.write_text(f'organisation = "x"\n[privacy]\n{privacy}\n')
    return path


def _error(path) -> str:
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert "\n" not in str(e.value) and e.value.exit_code == 3
    return str(e.value)


def test_pseudonyms_with_their_key_in_the_environment_or_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIT_PRIVACY_KEY", KEY.decode())
    cfg = load_config(_config(tmp_path, 'key_env = "AUDIT_PRIVACY_KEY"\nextra_columns = ["ticket_owner"]'))
    assert cfg.privacy.mode == "pseudonym" and "ticket_owner" in cfg.privacy.all_columns
    (tmp_path / "privacy.key").write_bytes(KEY + b"\n")
    cfg = load_config(_config(tmp_path, 'key_file = "privacy.key"'))
    assert cfg.privacy.key_file == tmp_path / "privacy.key"


def test_a_missing_key_is_a_one_line_configuration_error(tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIT_PRIVACY_KEY", raising=False)
    path = _config(tmp_path, 'key_env = "AUDIT_PRIVACY_KEY"')
    assert _error(path) == f"{path}: privacy.key_env: environment variable AUDIT_PRIVACY_KEY is not set"
    assert "needs a key" in _error(_config(tmp_path, 'mode = "pseudonym"'))
    assert "cannot read" in _error(_config(tmp_path, 'key_file = "nowhere.key"'))
    monkeypatch.setenv("AUDIT_PRIVACY_KEY", "short")
    assert "shorter than 16 bytes" in _error(_config(tmp_path, 'key_env = "AUDIT_PRIVACY_KEY"'))


def test_a_key_in_the_configuration_itself_is_refused(tmp_path):
    assert "never goes in the configuration" in _error(_config(tmp_path, 'key = "0123456789abcdef0123"'))


def test_mask_mode_needs_no_key_and_unknown_keys_are_refused(tmp_path):
    assert load_config(_config(tmp_path, 'mode = "mask"')).privacy.mode == "mask"
    assert "privacy.pattern" in _error(_config(tmp_path, 'mode = "mask"\npattern = ["email"]'))
