"""auditreport.integrity: the inputs digest's canonical form, streamed file hashes, and the manifest's seal."""

from __future__ import annotations

import hashlib

import pytest

from auditreport.integrity import file_sha256, inputs_canonical, inputs_digest, seal, unseal
from auditreport.results import InputFile


def test_the_inputs_digest_is_over_the_sorted_compact_ascii_list():
    inputs = [InputFile("mlflow", "snapshots/b.json", "b" * 64, 1), InputFile("cloudtrail", "k\u00e9y\n.gz", "a" * 64, 2)]
    assert inputs_canonical(inputs) == (b'[["cloudtrail","k\\u00e9y\\n.gz","' + b"a" * 64 + b'"],'
                                        b'["mlflow","snapshots/b.json","' + b"b" * 64 + b'"]]')  # fmt: skip
    # the same from the manifest's dicts, in any order
    as_dicts = [{"source": i.source, "key": i.key, "sha256": i.sha256, "size_bytes": 9} for i in reversed(inputs)]
    assert inputs_digest(as_dicts) == inputs_digest(inputs) == hashlib.sha256(inputs_canonical(inputs)).hexdigest()
    assert inputs_digest([]) == hashlib.sha256(b"[]").hexdigest()


@pytest.mark.parametrize("key", [
    "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/a.json.gz",  # plain ASCII: the fast encoder's bytes
    "".join(map(chr, range(128))),  # every ASCII character: control characters, quote, backslash, DEL
    "caf\u00e9/\u65e5\u672c/\U0001f600.gz",  # text beyond ASCII (a surrogate pair in JSON)
    "tab\there \"quoted\" back\\slash",
])  # fmt: skip
def test_the_canonical_form_is_the_bytes_json_dumps_writes_whatever_the_keys(key):
    import json

    inputs = [InputFile("cloudtrail", key, "c" * 64, 1), InputFile("cloudtrail", "b.gz", None, 1)]
    rows = sorted([i.source, i.key, i.sha256] for i in inputs)
    assert inputs_canonical(inputs) == json.dumps(rows, separators=(",", ":")).encode("ascii")


def test_file_sha256_streams_files_larger_than_a_block(tmp_path):
    data = bytes(range(256)) * 10_000  # 2.4 MiB: three blocks
    (tmp_path / "f").write_bytes(data)
    assert file_sha256(tmp_path / "f") == hashlib.sha256(data).hexdigest()


def test_a_sealed_manifest_unseals_to_its_own_hash_and_any_change_shows():
    body = b'{\n "manifest_sha256": "' + b"0" * 64 + b'",\n "x": "0000"\n}'
    sealed = seal(body)
    recorded, actual = unseal(sealed)
    assert recorded == actual == hashlib.sha256(body).hexdigest()
    changed = sealed.replace(b'"x": "0000"', b'"x": "0001"')
    recorded, actual = unseal(changed)
    assert recorded != actual
    assert unseal(b'{"x": 1}')[0] is None  # no seal at all
    assert unseal(b'{"x": {"manifest_sha256": "' + b"0" * 64 + b'"}}')[0] is None  # only the first key seals
    with pytest.raises(ValueError):
        seal(b'{"x": 1}')
