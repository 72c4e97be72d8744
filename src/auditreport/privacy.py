"""Privacy: personal data in the evidence masked, or replaced by keyed pseudonyms, the same way in every output.

``[privacy]`` is off unless configured: an auditor tracing a finding needs the real names, and the report written
for them is the default. A report shared more widely (a board pack, a vendor, a ticket) turns it on.

Two modes:

- ``pseudonym``: each value becomes a token ``user-<10 hex>`` (names and emails), ``ip-<10 hex>`` (IP addresses) or
  ``key-<10 hex>`` (access key ids): the first 40 bits of HMAC-SHA256 under a key the configuration names
  (``key_env``, an environment variable, or ``key_file``; never the TOML itself). One person is one token in every
  output, and in every run with the same key, so the trend's fingerprints stay stable. Names and emails are
  lower-cased first (``Alice`` and ``alice`` are one person). Changing the key changes every token: the next run's
  trend shows each finding that names a person as resolved and new once.
- ``mask``: a hint is kept, no key is needed, and different people may look alike: ``a***@e***.com``,
  ``10.20.x.x``, ``AKIA****WXYZ``, ``b***``.

What is personal: the values of the configured ``columns`` (by name, in every lake table and every check's evidence
rows), and, in any text, the ``patterns`` (emails, IPv4 addresses, access key ids). From a column's value the
personal part is taken: a session or IAM user name from an ARN (``assumed-role/ml-engineer/bob`` keeps its role),
the name from ``bob (role arn:...)``, each element of a list; Kubernetes ``system:`` identities are not people.
Every value learned this way is then replaced wherever it occurs in any text (reasons are sentences that name
people), as a whole word (case-insensitive for names; names shorter than three characters only in their own column).
Over-masking a word that is also someone's name is the safe side.

``Masker.value(column, value)`` is the one function every output goes through (:mod:`auditreport.masking` applies
it to a run's results and to ``audit.duckdb``).
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import ConfigError
from .load.log_pii import EMAIL, mask_email
from .secret_settings import read_secret, refuse_secret

# Columns whose values are personal, by name, in every lake table and every check's evidence rows.
DEFAULT_COLUMNS = [
    "user_name", "username", "impersonated_username", "session_name", "session_names", "principal_arn",
    "principal_id", "actor_arn", "actor", "user_arn", "approver", "approver_arn", "approver_person", "approvers",
    "counted_approvers", "author", "author_arn", "author_person", "authors", "deployer_arn", "person", "identity",
    "reader", "user_id", "run_user_id", "approved_by", "source_ip_address", "source_ips", "access_key_id",
    "root_access_key_id", "email", "user_profile_name",
]  # fmt: skip
PATTERNS = ("email", "ipv4", "access_key_id")
# Session names AWS services give the roles they assume (a training job's role calls S3 as ``SageMaker``, AWS Config
# as ``AWSConfig-Describe``, without invokedBy): not people, and words the report uses, so never treated as personal
DEFAULT_NOT_PERSONAL = ["SageMaker", "AmazonSageMaker*", "AWSConfig*", "AWSBackup*", "botocore-session-*",
                        "aws-go-sdk-*", "aws-sdk-*"]  # fmt: skip

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"(?<![\w./:-]){_OCTET}(?:\.{_OCTET}){{3}}(?![\w-]|\.\d)")
ACCESS_KEY = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")
# a session of a service-linked role is AWS acting, not a person
_SERVICE_SESSION = re.compile(r"^arn:aws[\w-]*:sts::\d*:assumed-role/AWSServiceRole")
_ARN_PERSON = re.compile(r"^arn:aws[\w-]*:(?:sts::\d*:assumed-role/[^/]+/|iam::\d*:user/(?:[^/]*/)*)(?P<name>[^/]+)$")
# a principal id with its session: AROA...:bob, or a federated user's <provider id>:bob@example.com
_PRINCIPAL_ID = re.compile(r"^[A-Za-z0-9+=/_-]{16,}:(?P<name>.+)$")
_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(?:\.cn)?$|^AWS Internal$")
_PERSON_WITH_ROLE = re.compile(r"^(?P<name>.+?) \((?:role|user) arn:[^)]*\)$")
_MIN_TEXT_LENGTH = 3
# A word, as personal values are found in text: letters, digits and ``.@+%-`` (emails, IAM names); an ARN's ``/`` and
# ``:``, and the ``=`` of ``approved_by=dave``, separate words. A value with other characters is found by a pattern.
WORD = re.compile(r"[\w.@+%-]+")


class PrivacySettings(BaseModel):
    """``[privacy]``: which fields are personal, and how they are shown."""

    model_config = ConfigDict(extra="forbid", strict=True)

    mode: Literal["pseudonym", "mask"] = "pseudonym"
    key_env: str | None = None  # the environment variable holding the pseudonym key
    key_file: Path | None = Field(default=None, strict=False)  # or a file holding it (its bytes, trailing newline cut)
    columns: list[str] = Field(default_factory=lambda: list(DEFAULT_COLUMNS))
    extra_columns: list[str] = []  # added to ``columns``, so the default list need not be copied
    patterns: list[Literal["email", "ipv4", "access_key_id"]] = list(PATTERNS)
    # GLOB patterns (case-insensitive) of values that are never personal: service session names
    not_personal: list[str] = Field(default_factory=lambda: list(DEFAULT_NOT_PERSONAL))

    @model_validator(mode="before")
    @classmethod
    def _no_key(cls, v):
        return refuse_secret(v, ("key", "secret", "salt"), "a key")

    @model_validator(mode="after")
    def _key_for_pseudonyms(self):
        if self.key_env is not None and self.key_file is not None:
            raise ValueError("give key_env or key_file, not both")
        if self.mode == "pseudonym" and self.key_env is None and self.key_file is None:
            raise ValueError("mode 'pseudonym' needs a key: name its environment variable in key_env, or a file in "
                             "key_file")  # fmt: skip
        return self

    @property
    def all_columns(self) -> list[str]:
        return list(dict.fromkeys([*self.columns, *self.extra_columns]))

    def resolve(self, base: Path) -> None:
        if self.key_file is not None:
            self.key_file = (base / self.key_file).resolve()

    def describe(self, key: bytes | None) -> dict:
        """What the report states: mode, fields, patterns and the key's id (never the key)."""
        return {"mode": self.mode, "columns": self.all_columns, "patterns": list(self.patterns),
                "not_personal": list(self.not_personal),
                "key_id": key_id(key) if key is not None else None}  # fmt: skip


MIN_KEY_BYTES = 16


def load_key(settings: PrivacySettings, where: str) -> bytes | None:
    """The pseudonym key, or ConfigError naming the setting at fault; None in mask mode."""
    if settings.mode != "pseudonym":
        return None
    try:
        key = read_secret("privacy", "key_env", settings.key_env, "key_file", settings.key_file)
    except ValueError as e:
        raise ConfigError(f"{where}: {e}") from None
    origin = f"environment variable {settings.key_env}" if settings.key_env is not None else str(settings.key_file)
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"{where}: privacy: the key in {origin} is shorter than {MIN_KEY_BYTES} bytes")
    return key


def key_id(key: bytes) -> str:
    """Tells two runs' keys apart without revealing either: the same key, the same id (and comparable tokens)."""
    return hmac.new(key, b"auditreport privacy key id", hashlib.sha256).hexdigest()[:12]


def kind_of(atom: str) -> str:
    if ACCESS_KEY.fullmatch(atom):
        return "key"
    try:
        ipaddress.ip_address(atom)
        return "ip"
    except ValueError:
        return "user"


def mask_hint(atom: str) -> str:
    """The ``mask`` mode's shape of one personal value."""
    kind = kind_of(atom)
    if kind == "key":
        return f"{atom[:4]}****{atom[-4:]}"
    if kind == "ip":
        ip = ipaddress.ip_address(atom)
        if ip.version == 4:
            return ".".join(atom.split(".")[:2] + ["x", "x"])
        return ":".join(g.lstrip("0") or "0" for g in ip.exploded.split(":")[:2]) + ":x:x:x:x:x:x"
    m = EMAIL.fullmatch(atom)
    if m:
        return mask_email(m)
    return atom[0] + "***"


def atoms(value: str) -> list[str]:
    """The personal parts of one value of a personal column (see the module's docstring)."""
    value = value.strip()
    if not value or value.startswith("system:") or _SERVICE_SESSION.match(value) or _SERVICE_PRINCIPAL.match(value):
        return []
    for pattern in (_ARN_PERSON, _PRINCIPAL_ID, _PERSON_WITH_ROLE):
        m = pattern.match(value)
        if m:
            return atoms(m.group("name"))
    if value.startswith("arn:"):  # a role, an account root, a service: not a person
        return []
    if value.startswith(("[", "{")):
        return []  # a JSON document: its people are found by the values learned elsewhere and the patterns
    if "," in value or ";" in value:  # a list of names in one tag ("carol, dave"), as the MLflow checks read them
        return [a for part in re.split(r"[,;]", value) for a in atoms(part)]
    return [value]


def snake_case(key: str) -> str:
    """``userName`` -> ``user_name``, ``sourceIPAddress`` -> ``source_ip_address``: JSON keys as column names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", key).lower()


def _normal(atom: str) -> str:
    return atom if kind_of(atom) != "user" else atom.lower()


class Masker:
    """Masks or pseudonymises personal values for one run. Learn first (:meth:`learn`), then :meth:`value`."""

    def __init__(self, settings: PrivacySettings, key: bytes | None):
        if settings.mode == "pseudonym" and key is None:
            raise ValueError("pseudonyms need a key")
        self.settings, self._key = settings, key
        self.columns = frozenset(settings.all_columns)
        self._not_personal = re.compile("|".join(fnmatch.translate(p) for p in settings.not_personal) or "(?!)",
                                        re.IGNORECASE)  # fmt: skip
        self._tokens: dict[str, str] = {}  # normalised atom -> its replacement
        self._words: dict[str, str] = {}  # lower-cased one-word atom (3 characters or more) -> its replacement
        self._spaced: dict[str, str] = {}  # the same for atoms of several words ("Dave Smith")
        self._pattern: re.Pattern | None = None  # the atoms of several words, found in text
        self._fixed: list[re.Pattern] = [p for name, p in (("email", EMAIL), ("ipv4", IPV4),
                                                           ("access_key_id", ACCESS_KEY)) if name in settings.patterns]

    def describe(self) -> dict:
        return self.settings.describe(self._key)

    # --- tokens -------------------------------------------------------------------------------------------
    def token(self, atom: str) -> str:
        """The replacement of one personal value: the same value (names and emails in any case), the same token."""
        normal = _normal(atom)
        out = self._tokens.get(normal)
        if out is None:
            if self._key is None:
                out = mask_hint(atom)
            else:
                digest = hmac.new(self._key, normal.encode("utf-8"), hashlib.sha256).hexdigest()[:10]
                out = f"{kind_of(atom)}-{digest}"
            self._tokens[normal] = out
            if len(normal) >= _MIN_TEXT_LENGTH:
                if WORD.fullmatch(normal):
                    self._words[normal.lower()] = out
                else:
                    self._spaced[normal.lower()] = out
                    self._pattern = None
        return out

    def learn(self, column: str, value) -> None:
        """Remember the personal parts of a value of ``column`` (when it is a personal column); in a document (a
        dict), of each key that names a personal column (``userName`` as ``user_name``)."""
        if isinstance(value, dict):
            for k, v in value.items():
                self.learn(snake_case(str(k)), v)
            return
        if column not in self.columns or value is None:
            return
        if isinstance(value, (list, tuple)):
            for v in value:
                self.learn(column, v)
        elif isinstance(value, str):
            for atom in self._atoms(value):
                self.token(atom)

    def _atoms(self, value: str) -> list[str]:
        return [a for a in atoms(value) if not self._not_personal.match(a)]

    def learned(self) -> set[str]:
        return set(self._tokens)

    # --- replacing ----------------------------------------------------------------------------------------
    def _word(self, m: re.Match) -> str:
        word = m.group(0)
        core = word.rstrip(".")  # a sentence's final stop
        out = self._words.get(core.lower())
        return word if out is None else out + word[len(core):]

    def text(self, text: str) -> str:
        """``text`` with every learned personal value (as a whole word: a dict look-up per word, so the cost does not
        grow with the number of people) and every configured pattern replaced."""
        if self._words:
            text = WORD.sub(self._word, text)
        if self._spaced:
            if self._pattern is None:
                alternatives = "|".join(re.escape(a) for a in sorted(self._spaced, key=lambda a: (-len(a), a)))
                self._pattern = re.compile(rf"(?<![\w.@+%-])(?:{alternatives})(?![\w@%+-]|\.\w)", re.IGNORECASE)
            text = self._pattern.sub(lambda m: self._spaced[m.group(0).lower()], text)
        for p in self._fixed:
            text = p.sub(lambda m: self.token(m.group(0)), text)
        return text

    def value(self, column: str, value):
        """One value of ``column`` as every output shows it: a personal column's value (a list: each element) by
        its token or mask, any other text with the personal values it names replaced; other types as they are."""
        if isinstance(value, str):
            if column in self.columns:
                parts = self._atoms(value)
                if len(parts) == 1 and parts[0] == value.strip() and len(value) < _MIN_TEXT_LENGTH:
                    return self.token(value.strip())  # too short to find in text: replaced in its own column only
                for atom in parts:
                    self.token(atom)
            return self.text(value)
        if isinstance(value, list):
            return [self.value(column, v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.value(column, v) for v in value)
        if isinstance(value, dict):
            return {k: self.value(k, v) for k, v in value.items()}
        return value

    def row(self, row: dict) -> dict:
        """A row as every output shows it: its personal columns learned first, so its reason can name them."""
        for k, v in row.items():
            self.learn(k, v)
        return {k: self.value(k, v) for k, v in row.items()}


def privacy_masker(config) -> Masker | None:
    """The run's Masker from its configuration's ``[privacy]``, or None (personal data shown as recorded)."""
    if config.privacy is None:
        return None
    settings = config.privacy
    if config.policy.approval_tags:  # the MLflow tags that name approvers name people
        extra = [*settings.extra_columns, *config.policy.approval_tags]
        settings = settings.model_copy(update={"extra_columns": extra})
    return Masker(settings, load_key(settings, str(config.config_path or "configuration")))
