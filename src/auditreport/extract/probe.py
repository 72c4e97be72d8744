"""Preflight probes: can the credentials reach a source, before a run needs them?

Each extractor declares how it is probed, beside the calls it makes: an AWS snapshot extractor names one cheap read
call (:class:`Probe`, the first call its scope makes, with the smallest page), made once per account and region it
would read; the CloudTrail S3 extractor lists the period's day folders of the trail bucket
(``extract/cloudtrail_probe.py``); the MLflow extractor asks the REST API for one registered model; a files source
checks its folder. Every call goes through the extractors' own sessions (:mod:`.aws_session`: the same credentials,
AssumeRole, endpoint and retries as a run).

A call that fails is classified: ``denied`` (AWS said no: AccessDenied, UnauthorizedOperation, ..., or rejected the
credentials), ``unreachable`` (no answer: no route, connection refused, timeout, no credentials at all) or ``error``
(anything else). A denied call names the IAM action it needs, as IAM spells it (:func:`auditreport.iam_actions.
action_for_operation`): the action ``docs/iam-policy.json`` grants.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botocore import xform_name
from botocore.exceptions import ClientError, NoCredentialsError, PartialCredentialsError

from ..errors import SourceError
from ..iam_actions import action_for_operation
from .aws_session import AWS_ERRORS, ScopeError, error_code, error_line

# AWS's ways of saying "these credentials may not do this"
DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError",
    "NotAuthorized", "Forbidden", "AllAccessDisabled",
})  # fmt: skip
# ... and "these are not credentials AWS accepts" (a wrong or expired key): every call is denied
REJECTED_CREDENTIAL_CODES = frozenset({
    "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "ExpiredToken",
    "ExpiredTokenException", "InvalidAccessKeyId", "InvalidToken", "AuthFailure", "RequestExpired",
})  # fmt: skip
STATUSES = ("ok", "empty", "error", "unreachable", "denied")  # from best to worst: a source shows its worst


@dataclass(frozen=True)
class Probe:
    """One cheap read call: ``service`` as boto3 names its client, ``operation`` as the API names it."""

    service: str
    operation: str
    params: dict = field(default_factory=dict, hash=False)

    @property
    def action(self) -> str:
        return action_for_operation(self.service, self.operation)

    def call(self, client):
        return getattr(client, xform_name(self.operation))(**self.params)


@dataclass
class ProbeCall:
    """The outcome of one call: ``what`` names the call and its scope in one line (account, region, operation,
    resource); ``action`` is the IAM action (None outside AWS)."""

    what: str
    status: str  # ok | denied | unreachable | error
    action: str | None = None
    code: str | None = None  # the error code AWS (or the server) answered
    detail: str = ""  # one line: the error as error_line() writes it

    def line(self) -> str:
        if self.status == "ok":
            return f"{self.what}: ok"
        needs = f" (needs {self.action})" if self.status == "denied" and self.action else ""
        return f"{self.detail or self.what}{needs}"


@dataclass
class SourceProbe:
    """What preflight found for one configured source."""

    source: str
    kind: str
    location: str  # where it reads: the scopes, the bucket, the URL, the folder
    calls: list[ProbeCall] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # reachable, but no evidence for the period where some must be
    notes: list[str] = field(default_factory=list)  # worth knowing, not a failure (days without log files)

    @property
    def status(self) -> str:
        worst = max((STATUSES.index(c.status) for c in self.calls), default=0)
        if self.empty:
            worst = max(worst, STATUSES.index("empty"))
        return STATUSES[worst]

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def failed(self) -> list[ProbeCall]:
        return [c for c in self.calls if c.status != "ok"]

    def needed_actions(self) -> list[str]:
        return sorted({c.action for c in self.calls if c.status == "denied" and c.action and c.code in DENIED_CODES})


def classify(exc: BaseException) -> tuple[str, str | None]:
    """(status, code) of a failed AWS call."""
    if isinstance(exc, ScopeError):  # AssumeRole refused (its line holds AWS's code), or credentials of another account
        text = str(exc)
        code = next((c for c in sorted(DENIED_CODES | REJECTED_CREDENTIAL_CODES) if f": {c}" in text), None)
        return "denied", code or "CredentialsOfAnotherAccount"
    if isinstance(exc, SourceError):  # ours, with no AWS error behind it (no region configured, say)
        return "error", None
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return "unreachable", type(exc).__name__
    code = error_code(exc)
    if code in DENIED_CODES or code in REJECTED_CREDENTIAL_CODES:
        return "denied", code
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return ("denied" if status == 403 else "error"), code or str(status or "error")
    return "unreachable", type(exc).__name__  # EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ...


def failed_call(exc: BaseException, what: str, action: str | None, account: str | None, region: str | None,
                operation: str | None, resource: str = "") -> ProbeCall:
    status, code = classify(exc)
    if isinstance(exc, ScopeError):
        action = "sts:AssumeRole"
    detail = (f"{resource}: " if resource else "") + error_line(exc, account, region, operation)
    return ProbeCall(what=what, status=status, action=action, code=code, detail=detail)


def reader_role(aws, account: str | None) -> str:
    """The role a scope is read with, for a line about AssumeRole: ``role arn:...`` (empty without a role)."""
    return f"role {aws.role_arn.format(account=account)}" if aws.role_arn and account else ""


def probe_scope(sessions, probe: Probe, account: str | None, region: str) -> ProbeCall:
    """``probe`` in one account and region, with the run's clients."""
    where = " ".join(p for p in (f"account {account}" if account else "", f"region {region}") if p)
    what = f"{where} {probe.operation}"
    try:
        probe.call(sessions.client(probe.service, account, region))
    except ScopeError as e:
        return failed_call(e, what, None, account, region, None, reader_role(sessions.aws, account))
    except AWS_ERRORS as e:
        return failed_call(e, what, probe.action, account, region, probe.operation)
    except SourceError as e:  # GetCallerIdentity failed (to check the account): its AWS error is the context
        call = failed_call(e.__context__ or e, what, None, None, region, "GetCallerIdentity")
        call.detail = str(e).removeprefix(f"source '{e.source}': ")
        return call
    return ProbeCall(what=what, status="ok", action=probe.action)
