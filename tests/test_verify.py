"""`auditreport verify DIR` on real sample runs: a fresh run verifies; one flipped byte in any output fails naming
that file; a signed PDF verifies against its certificate and fails once a signed byte changes; a PDF left unsigned
under a configuration that signs is reported. And re-running on the same inputs gives the same findings.json, byte
for byte, outside the run metadata."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from signing_keys import make_key_and_certificate

from auditreport.cli import main
from auditreport.config import SAMPLE_CONFIG, load_config
from auditreport.runner import run
from auditreport.signing import SigningSettings

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
from findings_golden import strip_run_metadata  # noqa: E402


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    make_key_and_certificate(folder, "Example Corp audit signer")
    make_key_and_certificate(folder / "other", "Someone else")
    return folder


@pytest.fixture(scope="module")
def unsigned_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("unsigned")
    config = load_config(SAMPLE_CONFIG)
    run(config, config.resolve_period(), out)
    return out


@pytest.fixture(scope="module")
def signed_run(tmp_path_factory, keys) -> Path:
    """The same inputs and configuration, plus [signing], into a fresh folder, loaded by one worker process (the
    first run's lake may be laid out by several): what differs is the run, not the evidence."""
    out = tmp_path_factory.mktemp("signed")
    config = load_config(SAMPLE_CONFIG)
    signing = SigningSettings(key=keys / "key.pem", certificate=keys / "cert.pem")
    config = config.model_copy(update={"signing": signing})
    before = os.environ.get("AUDITREPORT_LOAD_WORKERS")
    os.environ["AUDITREPORT_LOAD_WORKERS"] = "1"
    try:
        run(config, config.resolve_period(), out)
    finally:
        if before is None:
            del os.environ["AUDITREPORT_LOAD_WORKERS"]
        else:
            os.environ["AUDITREPORT_LOAD_WORKERS"] = before
    return out


def verify(*args):
    result = CliRunner().invoke(main, ["verify", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def copy_outputs(src: Path, dst: Path) -> Path:
    """The run's outputs without the lake and the database (verify reads neither)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("lake", "audit.duckdb", "raw", ".auditreport.lock"))
    return dst


def flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if at is None else at
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_fresh_run_verifies(unsigned_run):
    code, out, err = verify(unsigned_run)
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].startswith("ok    manifest.json: sealed")
    manifest = json.loads((unsigned_run / "manifest.json").read_text())
    hashed = [o["path"] for o in manifest["outputs"].values() if "sha256" in o]
    assert len(hashed) >= 10 and "audit.duckdb" not in hashed
    for rel in hashed:
        assert any(line.startswith(f"ok    {rel}: SHA-256 ") for line in lines), rel
    assert "ok    findings.json: findings digest" in out and "inputs digest" in out
    assert "report.html: prints the manifest's findings sha256 digest" in out
    assert "report.pdf: carries the manifest's inputs sha256 digest" in out
    assert "note  report.pdf: not signed" in out
    assert lines[-1] == f"verified: {unsigned_run} holds what its run wrote"


def _evidence_csv(folder: Path) -> str:
    return sorted(p.relative_to(folder).as_posix() for p in (folder / "evidence").glob("*.csv"))[0]


@pytest.mark.parametrize("target", ["report.pdf", "report.html", "findings.json", "evidence", "manifest.json"])
def test_one_flipped_byte_in_any_output_fails_naming_that_file(unsigned_run, tmp_path, target):
    folder = copy_outputs(unsigned_run, tmp_path / "out")
    rel = _evidence_csv(folder) if target == "evidence" else target
    flip(folder / rel)
    code, out, err = verify(folder)
    assert code == 1, out + err
    assert err.startswith(f"auditreport: verify failed: {rel}: "), err
    assert len(err.splitlines()) == 1
    assert f"FAIL  {rel}: " in out


def test_the_digests_are_in_the_manifest_and_recompute_as_documented(unsigned_run):
    manifest = json.loads((unsigned_run / "manifest.json").read_text())
    # the recipe of docs/architecture.md ("Integrity"), as an auditor would type it
    rows = sorted([i["source"], i["key"], i["sha256"]] for i in manifest["inputs"])
    inputs = hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()
    findings = hashlib.sha256((unsigned_run / "findings.json").read_bytes()).hexdigest()
    assert manifest["integrity"]["inputs_sha256"] == inputs
    assert manifest["integrity"]["findings_sha256"] == findings == manifest["outputs"]["findings_json"]["sha256"]
    html = (unsigned_run / "report.html").read_text()
    assert f'id="inputs-sha256">{inputs}<' in html and f'id="findings-sha256">{findings}<' in html
    data = (unsigned_run / "manifest.json").read_bytes()
    seal = manifest["manifest_sha256"]
    assert data.startswith(b'{\n "manifest_sha256": "')
    assert hashlib.sha256(data.replace(seal.encode(), b"0" * 64, 1)).hexdigest() == seal


def test_a_signed_pdf_verifies_against_its_certificate(signed_run, keys):
    code, out, err = verify(signed_run, "--trust", keys / "cert.pem")
    assert code == 0, out + err
    assert "ok    report.pdf: signature intact and signer trusted (PAdES, signed by " in out
    assert "Example Corp audit signer" in out
    assert (signed_run / "report.pdf").read_bytes().count(b"/ETSI.CAdES.detached") == 1


def test_a_signed_pdf_without_trust_is_intact_but_its_signer_unverified(signed_run):
    code, out, err = verify(signed_run)
    assert code == 0, out + err
    assert "note  report.pdf: signature intact (PAdES, signed by " in out
    assert "pass the certificate you trust with --trust CERT" in out


def test_a_signer_that_does_not_chain_to_the_trusted_certificate_fails(signed_run, keys):
    code, out, err = verify(signed_run, "--trust", keys / "other" / "cert.pem")
    assert code == 1, out + err
    assert "does not chain to the --trust certificate" in err


def test_a_signed_pdf_whose_signed_bytes_changed_fails(signed_run, keys, tmp_path):
    folder = copy_outputs(signed_run, tmp_path / "out")
    pdf = folder / "report.pdf"
    data = pdf.read_bytes()
    at = data.index(b"/Producer (") + len(b"/Producer (")  # inside the signed range, and still a readable PDF
    flip(pdf, at)
    code, out, err = verify(folder, "--trust", keys / "cert.pem")
    assert code == 1, out + err
    assert err.startswith("auditreport: verify failed: report.pdf: SHA-256 differs")
    assert "FAIL  report.pdf: signature broken: the signed bytes changed since " in out


def test_an_unsigned_pdf_where_the_run_signed_is_reported(signed_run, unsigned_run, tmp_path):
    folder = copy_outputs(signed_run, tmp_path / "out")
    shutil.copyfile(unsigned_run / "report.pdf", folder / "report.pdf")
    code, out, err = verify(folder)
    assert code == 1, out + err
    assert "FAIL  report.pdf: not signed, but the run was configured to sign it ([signing])" in out


def test_an_unsigned_pdf_under_a_configuration_that_signs_is_reported(unsigned_run, keys, tmp_path):
    config = tmp_path / "auditreport.toml"
    config.write_text(f'[signing]\nkey = "{keys / "key.pem"}"\ncertificate = "{keys / "cert.pem"}"\n')
    code, out, err = verify(unsigned_run, "--config", config)
    assert code == 1, out + err
    assert err == "auditreport: verify failed: report.pdf: not signed, but the run was configured to sign it ([signing])\n"


def test_usage_and_folder_errors_have_their_exit_codes(unsigned_run, tmp_path):
    code, out, err = verify(tmp_path / "nowhere")
    assert (code, err) == (5, f"auditreport: error: {tmp_path / 'nowhere'}: no such folder\n")
    code, out, err = verify(unsigned_run, "--trust", tmp_path / "missing.pem")
    assert code == 3 and err.startswith(f"auditreport: error: --trust: cannot read {tmp_path / 'missing.pem'}: ")
    (tmp_path / "not-a-cert.pem").write_text("hello\n")
    code, out, err = verify(unsigned_run, "--trust", tmp_path / "not-a-cert.pem")
    assert code == 3 and "is not a PEM or DER certificate" in err and len(err.splitlines()) == 1
    code, out, err = verify(unsigned_run, "--no-such-option")
    assert code == 3
    code, out, err = verify(tmp_path)
    assert code == 1 and err.startswith("auditreport: verify failed: manifest.json: missing")


def test_rerunning_on_the_same_inputs_gives_the_same_findings_outside_run_metadata(unsigned_run, signed_run):
    """Byte for byte: the two findings.json differ only in the run metadata findings_golden.RUN_METADATA lists."""
    first = json.loads((unsigned_run / "findings.json").read_text())
    second = json.loads((signed_run / "findings.json").read_text())
    assert first["run_id"] != second["run_id"]
    as_written = lambda doc: json.dumps(strip_run_metadata(doc), indent=2, ensure_ascii=False)  # noqa: E731
    assert as_written(first) == as_written(second)
    # and what is stripped is only run metadata: put the first run's values into the second, and the bytes agree
    assert _with_run_metadata_of(second, first) == (unsigned_run / "findings.json").read_text()


def _with_run_metadata_of(doc: dict, other: dict) -> str:
    from findings_golden import RUN_KEYS, ROW_KEYS_RUN, CHECK_KEYS_RUN, SOURCE_KEYS_RUN

    doc = json.loads(json.dumps(doc))
    for k in RUN_KEYS:
        doc[k] = other[k]
    for c, oc in zip(doc["checks"], other["checks"]):
        for k in CHECK_KEYS_RUN:
            c[k] = oc[k]
        for r, orow in zip(c["rows"], oc["rows"]):
            for k in ROW_KEYS_RUN & r.keys():
                r[k] = orow[k]
    for s, os_ in zip(doc["sources"], other["sources"]):
        for k in SOURCE_KEYS_RUN:
            s[k] = os_[k]
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def test_a_manifest_rewritten_with_a_malformed_entry_fails_without_a_crash(unsigned_run, tmp_path):
    """Resealed, so only the content is wrong: an input without its hash, an output without its path."""
    from auditreport.integrity import SEAL_PLACEHOLDER, seal

    folder = copy_outputs(unsigned_run, tmp_path / "out")
    body = json.loads((folder / "manifest.json").read_text())
    del body["inputs"][0]["sha256"]
    body["outputs"]["findings_json"]["path"] = None
    body["manifest_sha256"] = SEAL_PLACEHOLDER
    (folder / "manifest.json").write_bytes(seal(json.dumps(body, indent=1).encode()))
    code, out, err = verify(folder)
    assert code == 1, out + err
    assert "FAIL  manifest.json: output 'findings_json' has no path or SHA-256 as text" in out
    assert "FAIL  manifest.json: an input lacks its source, key or sha256 as text" in out


def test_a_signing_key_that_cannot_be_read_stops_the_run_before_any_work(tmp_path):
    config = tmp_path / "auditreport.toml"
    config.write_text('[signing]\nkey = "nowhere.pem"\ncertificate = "nowhere-cert.pem"\n')
    result = CliRunner().invoke(main, ["run", "--config", str(config), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert result.stderr == (f"auditreport: error: {config}: signing.key: cannot read {tmp_path / 'nowhere.pem'}: "
                             "No such file or directory\n")  # fmt: skip
    assert not (tmp_path / "out").exists()


def test_a_changed_signed_pdf_with_a_rewritten_manifest_is_caught_by_its_signature(signed_run, keys, tmp_path):
    """Whoever rewrites the manifest and its seal defeats the hashes; not the signature."""
    from auditreport.integrity import SEAL_PLACEHOLDER, file_sha256, seal

    folder = copy_outputs(signed_run, tmp_path / "out")
    pdf = folder / "report.pdf"
    flip(pdf, pdf.read_bytes().index(b"/Producer (") + len(b"/Producer ("))
    body = json.loads((folder / "manifest.json").read_text())
    body["outputs"]["report_pdf"]["sha256"] = file_sha256(pdf)
    body["manifest_sha256"] = SEAL_PLACEHOLDER
    (folder / "manifest.json").write_bytes(seal(json.dumps(body, indent=1).encode()))
    code, out, err = verify(folder, "--trust", keys / "cert.pem")
    assert code == 1, out + err
    assert "ok    report.pdf: SHA-256 " in out
    assert err.startswith("auditreport: verify failed: report.pdf: signature broken: the signed bytes changed since ")
