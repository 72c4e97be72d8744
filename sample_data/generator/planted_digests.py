"""Signed digests for the sample month: the prod trail's digests signed as CloudTrail signs them, a signature sidecar
beside each (as auditreport's live S3 extractor records the object's x-amz-meta-signature), the ListPublicKeys
snapshot that verifies them, and two planted breaks.

SAMPLE KEY, NOT CLOUDTRAIL'S: ``N``/``D`` below are a 2048-bit RSA key pair generated once for this sample and
published here on purpose. It signs nothing but ``sample_data/``; a digest signed with it proves nothing about AWS.

Standard library only: PKCS#1 v1.5 with SHA-256 ("SHA256withRSA") is the padded DigestInfo raised to ``D`` mod ``N``,
and the public key is a DER SEQUENCE of two INTEGERs (PKCS#1 RSAPublicKey, the form ListPublicKeys returns). The
string signed is CloudTrail's: digestEndTime, "\\n", digestS3Bucket "/" digestS3Object, "\\n", the hex SHA-256 of
the uncompressed digest, "\\n", previousDigestSignature ("null" for the first of a chain).

Plants (sample_data/README.md): P-DIGEST-EDITED, a prod eu-west-1 digest rewritten after it was signed (the entry of
one log file removed), so its signature no longer verifies and its successor's previousDigestHashValue no longer
matches it (P-DIGEST-EDITED-NEXT); P-DIGEST-GAP, a prod us-east-1 digest deleted from the bucket, so its successor
names a digest that is not there. Every other digest verifies and chains.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from .formats import T, iso_api
from .org import ACCOUNTS, REGIONS, TRAIL
from .writer import dumps_compact, gz, write_api, write_bytes

N = int(
    "8fbcebb793dc2524b20ad24b166d8a5835d305968d7cf4f76a9a87919f538a44f0dd04d4e44339942a6092b20ac431ea5568"
    "bb8b8d8fd7ffb1d735612b9a83f353c3e5ce6049d0abb3b7956fcb7e954ad338e0b9a6dd16832303e83bca350a015bf4781b"
    "524e2adc389353bd93330d93b696d0122d126c37c56274e9806022768d8067dc39aa1ca564bd482d5c13b2cf4fee6b1ee908"
    "5a420289cdbb2b80c541187c58dc4f1faea8a76097f37e12c9141c0c09168acd29c4420e48c6cbe51fea35c0f71eeb9307d8"
    "8fb8e37195e2d25df1c0c725ccb8fa6430e0fcc1f2b6acc9189ff4e892716fc5d33a23cb03471dec7c6c4c4e2ddee2d76dc7"
    "8f99458071a9", 16)
E = 65537
D = int(
    "d0dff49a7d1fb84a2f0052c0130373bae3dc978e44658585d540622957a28a97cc7d21fc4d08f3af4035be7743f5ffa34c22"
    "3a077ddbbe43302850c5b81b7e0c2779d185a99f1ac1a913eaf0de824068cfb123c0259fba8b2e630b2377a0c3bd5de75072"
    "43949bec11bae641e29a99ec41b5beffeac78ec32ceefa7e27b38bdf160bca71058dfbab9e3b3c600bba999c84f2bd1040ea"
    "2ea4eb849e9825312252dd50e195ff059186c68b46e02d88322937873d6e0dc4cde760a42029e22ad2732d980ffa90a4429b"
    "9d2417a75bb4553c3a63e74fb6bd1e06713bc67c7ae3e85f1084fad9aff85755408f6e83f84bcaf4edb013d09d454905d010"
    "716e5507625", 16)

SIGNATURE_SUFFIX = ".signature.json"  # auditreport.raw.DIGEST_SIGNATURE_SUFFIX
_DIGEST_INFO_SHA256 = bytes.fromhex("3031300d060960864801650304020105000420")


def sign(message: bytes) -> str:
    """The hex RSA PKCS#1 v1.5 SHA-256 signature of ``message`` with the sample key."""
    k = (N.bit_length() + 7) // 8
    t = _DIGEST_INFO_SHA256 + hashlib.sha256(message).digest()
    em = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return pow(int.from_bytes(em, "big"), D, N).to_bytes(k, "big").hex()


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def _der_int(i: int) -> bytes:
    return _der(0x02, i.to_bytes(i.bit_length() // 8 + 1, "big"))  # one more byte: a leading 0 keeps it positive


PUBLIC_KEY_DER = _der(0x30, _der_int(N) + _der_int(E))  # PKCS#1 RSAPublicKey
FINGERPRINT = hashlib.md5(PUBLIC_KEY_DER).hexdigest()
KEY_VALID_FROM, KEY_VALID_TO = T("2026-09-01T00:00:00"), T("2026-12-01T00:00:00")


def string_to_sign(doc: dict, sha256_hex: str) -> bytes:
    previous = doc.get("previousDigestSignature")
    return (f"{doc['digestEndTime']}\n{doc['digestS3Bucket']}/{doc['digestS3Object']}\n{sha256_hex}\n"
            f"{'null' if previous is None else previous}").encode()


class SignedDigests:
    """Signs the digests ``Delivery.digests`` wrote below ``cloudtrail``, writes their sidecars and the public key
    below ``aws``, then plants P-DIGEST-EDITED and P-DIGEST-GAP. Draws no random numbers."""

    def __init__(self, cloudtrail: Path, aws: Path):
        self.cloudtrail, self.aws = Path(cloudtrail), Path(aws)
        self.chains: dict[tuple[str, str], list[dict]] = {}
        self.planted: list[dict] = []

    def write(self) -> None:
        for account in ACCOUNTS:
            for region in REGIONS:
                self.put_public_keys(account, region)
                if TRAIL[account]["validation"]:
                    self.chains[(account, region)] = self.sign_chain(account, region)
        self.plant_edited(self.chains[(ACCOUNTS[0], REGIONS[0])], T("2026-10-17T12:00:00"))
        self.plant_gap(self.chains[(ACCOUNTS[0], REGIONS[1])], T("2026-10-12T00:00:00"))

    def put_public_keys(self, account: str, region: str) -> None:
        write_api(self.aws / account / region / "cloudtrail" / "ListPublicKeys.json", {"PublicKeyList": [{
            "Value": base64.b64encode(PUBLIC_KEY_DER).decode(), "Fingerprint": FINGERPRINT,
            "ValidityStartTime": iso_api(KEY_VALID_FROM), "ValidityEndTime": iso_api(KEY_VALID_TO)}]})

    def sign_chain(self, account: str, region: str) -> list[dict]:
        folder = self.cloudtrail / "AWSLogs" / account / "CloudTrail-Digest" / region
        chain, prev = [], None
        for path in sorted(folder.rglob("*.json.gz")):
            doc = json.loads(gzip.decompress(path.read_bytes()))
            doc["digestPublicKeyFingerprint"] = FINGERPRINT
            if prev:  # the first names a digest from before the mirrored window: its values stay as written
                doc["previousDigestHashValue"], doc["previousDigestSignature"] = prev["sha256"], prev["signature"]
            raw = dumps_compact(doc)
            sha = hashlib.sha256(raw).hexdigest()
            prev = dict(path=path, key=doc["digestS3Object"], doc=doc, sha256=sha, signature=sign(string_to_sign(doc, sha)))
            self.write_digest(path, raw, prev["signature"])
            chain.append(prev)
        return chain

    @staticmethod
    def write_digest(path: Path, raw: bytes, signature: str) -> None:
        body = gz(raw)
        write_bytes(path, body)
        write_api(Path(f"{path}{SIGNATURE_SUFFIX}"), {
            "format_version": 1, "signature": signature, "signature_algorithm": "SHA256withRSA",
            "read_from": "GetObject", "etag": hashlib.md5(body).hexdigest()})

    def plant_edited(self, chain: list[dict], after: datetime) -> None:
        """P-DIGEST-EDITED: the first digest ending after ``after`` with two log files or more loses the entry of its
        last one and is written back with the signature CloudTrail gave the original (S3 metadata survives an
        overwrite that copies it). Its successor still holds the hash of the original."""
        for i, d in enumerate(chain[:-1]):
            if d["doc"]["digestEndTime"] >= after.strftime("%Y-%m-%dT%H:%M:%SZ") and len(d["doc"]["logFiles"]) >= 2:
                removed = d["doc"]["logFiles"].pop()
                raw = dumps_compact(d["doc"])
                self.write_digest(d["path"], raw, d["signature"])
                self.planted.append(dict(id="P-DIGEST-EDITED", key=d["key"], removed=removed["s3Object"],
                                         signed_sha256=d["sha256"], sha256=hashlib.sha256(raw).hexdigest(),
                                         next=chain[i + 1]["key"]))
                return
        raise RuntimeError("no digest to edit")

    def plant_gap(self, chain: list[dict], after: datetime) -> None:
        """P-DIGEST-GAP: the first digest ending after ``after`` is deleted from the bucket with its sidecar."""
        for i, d in enumerate(chain[1:-1], start=1):
            if d["doc"]["digestEndTime"] >= after.strftime("%Y-%m-%dT%H:%M:%SZ"):
                d["path"].unlink()
                Path(f"{d['path']}{SIGNATURE_SUFFIX}").unlink()
                self.planted.append(dict(id="P-DIGEST-GAP", key=d["key"], files=len(d["doc"]["logFiles"]),
                                         previous=chain[i - 1]["key"], next=chain[i + 1]["key"]))
                return
        raise RuntimeError("no digest to delete")
