"""auditreport.signing: [signing] read with the configuration; a key that cannot be used is one configuration error
naming the file and key, before any work; a PDF signed PAdES whose signature pyHanko reads back."""

from __future__ import annotations

from pathlib import Path

import pytest
from signing_keys import make_key_and_certificate

from auditreport.config import load_config
from auditreport.errors import ConfigError
from auditreport.pdf_signature import read_signature
from auditreport.report.pdf import write_pdf
from auditreport.signing import load_signer


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    make_key_and_certificate(folder, "Report signer", p12_password=b"s3cret")
    make_key_and_certificate(folder / "other", "Someone else")
    return folder


def config(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "auditreport.toml"
    p.write_text("[signing]\n" + body)
    return p


def test_key_and_certificate_relative_to_the_configuration(tmp_path, keys):
    (tmp_path / "signing").mkdir()
    for name in ("key.pem", "cert.pem"):
        (tmp_path / "signing" / name).write_bytes((keys / name).read_bytes())
    cfg = load_config(config(tmp_path, 'key = "signing/key.pem"\ncertificate = "signing/cert.pem"\n'))
    assert cfg.signing.key == tmp_path / "signing" / "key.pem"
    assert "Report signer" in load_signer(cfg.signing).signing_cert.subject.human_friendly


def test_pkcs12_with_its_password_from_the_environment(tmp_path, keys, monkeypatch):
    monkeypatch.setenv("REPORT_P12_PASSWORD", "s3cret")
    cfg = load_config(config(tmp_path, f'pkcs12 = "{keys / "bundle.p12"}"\npassword_env = "REPORT_P12_PASSWORD"\n'))
    assert "Report signer" in load_signer(cfg.signing).signing_cert.subject.human_friendly


@pytest.mark.parametrize("body, message", [
    ('key = "missing.pem"\ncertificate = "{k}/cert.pem"\n', r"auditreport\.toml: signing\.key: cannot read .*missing\.pem: No such file or directory$"),
    ('key = "{k}/cert.pem"\ncertificate = "{k}/cert.pem"\n', r"auditreport\.toml: signing\.key: cannot load the private key .*cert\.pem: "),
    ('key = "{k}/key.pem"\ncertificate = "{k}/key.pem"\n', r"auditreport\.toml: signing\.certificate: .*key\.pem is not a PEM or DER certificate"),
    ('key = "{k}/other/key.pem"\ncertificate = "{k}/cert.pem"\n', r"auditreport\.toml: signing\.key: .*other/key\.pem is not the key of the certificate .*cert\.pem$"),
    ('pkcs12 = "{k}/bundle.p12"\npassword_env = "AUDITREPORT_TEST_UNSET"\n', r"auditreport\.toml: signing\.password_env: the environment variable AUDITREPORT_TEST_UNSET is not set$"),
    ('pkcs12 = "{k}/bundle.p12"\n', r"auditreport\.toml: signing\.pkcs12: cannot load .*bundle\.p12: wrong password or not a PKCS#12 file"),
    ('pkcs12 = "{k}/bundle.p12"\npassword = "s3cret"\n', r"auditreport\.toml: signing: a password never goes in the configuration: name the environment variable"),
    ('key = "{k}/key.pem"\n', r"auditreport\.toml: signing: give key and certificate \(PEM or DER files\), or pkcs12$"),
    ('pkcs12 = "{k}/bundle.p12"\nkey = "{k}/key.pem"\n', r"auditreport\.toml: signing: give either pkcs12 or key and certificate, not both$"),
])  # fmt: skip
def test_a_key_that_cannot_be_used_is_one_configuration_error(tmp_path, keys, monkeypatch, body, message):
    monkeypatch.delenv("AUDITREPORT_TEST_UNSET", raising=False)
    with pytest.raises(ConfigError, match=message) as e:
        load_config(config(tmp_path, body.format(k=keys)))
    assert len(str(e.value).splitlines()) == 1 and e.value.exit_code == 3


def test_the_signed_pdf_is_pades_over_the_whole_file(tmp_path, keys):
    cfg = load_config(config(tmp_path, f'key = "{keys / "key.pem"}"\ncertificate = "{keys / "cert.pem"}"\n'))
    pdf = write_pdf("<html><body><p>report</p></body></html>", tmp_path / "report.pdf",
                    (load_signer(cfg.signing), cfg.signing))  # fmt: skip
    assert b"/SubFilter /ETSI.CAdES.detached" in pdf.read_bytes()
    from auditreport.verify import load_trust_roots

    status = read_signature(pdf, load_trust_roots([keys / "cert.pem"]))
    assert (status.signed, status.intact, status.whole_file, status.trusted) == (True, True, True, True)
    assert "Report signer" in status.signer
    other = read_signature(pdf, load_trust_roots([keys / "other" / "cert.pem"]))
    assert (other.intact, other.trusted) == (True, False)
