"""Signing report.pdf (PAdES, with pyHanko) and reading the signature back.

``[signing]`` names either a PEM (or DER) private key with its certificate (and optionally the chain), or one PKCS#12
file. A password is never in the file: ``password_env`` names the environment variable that holds it. With
``timestamp_url`` the signature carries an RFC 3161 timestamp (PAdES B-T); without, it is PAdES B-B.

pyHanko is imported only when a configuration signs or a signed PDF is verified: it is slow to import.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import ConfigError
from .secret_settings import refuse_secret

SIGNATURE_FIELD = "auditreport"


class SigningSettings(BaseModel):
    """``[signing]``: key + certificate (+ chain), or pkcs12; ``password_env`` for an encrypted key or PKCS#12."""

    model_config = ConfigDict(extra="forbid", strict=True)

    key: Path | None = Field(default=None, strict=False)
    certificate: Path | None = Field(default=None, strict=False)
    chain: list[Path] = Field(default_factory=list, strict=False)
    pkcs12: Path | None = Field(default=None, strict=False)
    password_env: str | None = None
    timestamp_url: str | None = None
    reason: str = "Monthly compliance report, issued by auditreport"

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, v):
        return refuse_secret(v, ("password", "passphrase", "pin"), "a password")

    @model_validator(mode="after")
    def _one_kind(self):
        if self.pkcs12 is not None and (self.key is not None or self.certificate is not None):
            raise ValueError("give either pkcs12 or key and certificate, not both")
        if self.pkcs12 is None and (self.key is None or self.certificate is None):
            raise ValueError("give key and certificate (PEM or DER files), or pkcs12")
        return self

    def resolve(self, base: Path) -> None:
        """Make the paths absolute, relative to the configuration file's folder ``base``."""
        for name in ("key", "certificate", "pkcs12"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, (base / value).resolve())
        self.chain = [(base / p).resolve() for p in self.chain]


def quiet_pyhanko() -> None:
    """pyHanko's import warns that cryptography deprecates DSA, and its loggers warn on stderr: both would break
    auditreport's one-line output. Called before pyHanko is imported."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", message=".*DSA is deprecated.*")
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _read(path: Path, what: str, where: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise ConfigError(f"{where}: signing.{what}: cannot read {path}: {e.strerror or e}") from None


def _password(settings: SigningSettings, where: str) -> bytes | None:
    if settings.password_env is None:
        return None
    value = os.environ.get(settings.password_env)
    if value is None:
        raise ConfigError(f"{where}: signing.password_env: the environment variable {settings.password_env} is not set")
    return value.encode("utf-8")


def load_signer(settings: SigningSettings, where: str = "configuration"):
    """The pyHanko signer of ``settings``, or :class:`ConfigError` naming the file at fault (``where`` is the
    configuration file's name)."""
    quiet_pyhanko()
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    password = _password(settings, where)
    chain = []
    for p in settings.chain:
        try:
            chain += list(load_certs_from_pemder_data(_read(p, "chain", where)))
        except ValueError as e:
            raise ConfigError(f"{where}: signing.chain: {p} is not a PEM or DER certificate: {e}") from None
    if settings.pkcs12 is not None:
        data = _read(settings.pkcs12, "pkcs12", where)
        try:
            return SimpleSigner.load_pkcs12_data(data, other_certs=chain, passphrase=password)
        except ValueError as e:
            cause = f" ({e.__cause__})" if e.__cause__ else ""
            raise ConfigError(f"{where}: signing.pkcs12: cannot load {settings.pkcs12}: wrong password or not a "
                              f"PKCS#12 file{cause}") from None  # fmt: skip
    key_bytes = _read(settings.key, "key", where)
    cert_bytes = _read(settings.certificate, "certificate", where)
    try:
        key = load_private_key_from_pemder_data(key_bytes, passphrase=password)
    except (ValueError, TypeError) as e:
        raise ConfigError(f"{where}: signing.key: cannot load the private key {settings.key}: {e}") from None
    try:
        certs = list(load_certs_from_pemder_data(cert_bytes))
        if not certs:
            raise ValueError("no certificate in it")
        certs[0].native  # noqa: B018 - parses it: a file that is not a certificate fails here, not while signing
    except ValueError as e:
        raise ConfigError(f"{where}: signing.certificate: {settings.certificate} is not a PEM or DER certificate: {e}") from None
    store = SimpleCertificateStore()
    store.register_multiple(certs[1:] + chain)
    signer = SimpleSigner(signing_cert=certs[0], signing_key=key, cert_registry=store)
    if signer.signing_cert.public_key.dump() != _public_key_der(key):
        raise ConfigError(f"{where}: signing.key: {settings.key} is not the key of the certificate {settings.certificate}")
    return signer


def _public_key_der(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    public = serialization.load_der_private_key(key.dump(), password=None).public_key()
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def sign_pdf_bytes(pdf: bytes, signer, settings: SigningSettings) -> bytes:
    """``pdf`` signed PAdES (B-B, or B-T with a timestamp server), the signature covering the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    timestamper = None
    if settings.timestamp_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.timestamp_url)
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=settings.reason)  # fmt: skip
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer, output=out)
    return out.getvalue()


def signer_subject(signer) -> str:
    return signer.signing_cert.subject.human_friendly
