"""boto3 sessions and clients per account and region, the AWS way.

Credentials come from the default boto3 chain, from ``[aws].profile``, or, when ``[aws].role_arn`` is set, from an
STS AssumeRole into each account (``{account}`` in the pattern is replaced; role session name
``auditreport-<run_id>``; the assumed credentials refresh themselves before they expire, so a long download does
not die of ExpiredToken). Every client retries in botocore's adaptive mode.

A response whose body is shorter than its ``Content-Length`` (a connection dropped mid-answer) is a closed
connection, and a 5xx that is no AWS error document (a proxy's text page) a generic server error: both are retried
like those (:func:`_complete_bodies_only`); left to botocore, they would reach its parser, whose error it neither
retries nor counts among its own. Streamed bodies (S3 GetObject) are checked while they are read; their callers
retry the download.

Errors are turned into one line that names the account, the region, the operation and the AWS error code, so that
a failed source says exactly what failed: ``account 111122223333 region eu-west-1 ListModelPackageGroups:
AccessDenied: User ... is not authorized ...``.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timezone

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config as BotoConfig
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError
from botocore.parsers import ResponseParserError

from .. import __version__
from ..errors import SourceError
from ..raw import GLOBAL_REGION
from ..source_settings import Aws

# Everything a boto3 call can raise that means "AWS said no" or "AWS could not be reached". ResponseParserError is
# not a BotoCoreError: an answer botocore cannot parse (an HTML page from a proxy, half a document) raises it.
AWS_ERRORS = (BotoCoreError, ClientError, ResponseParserError)

_FALLBACK_REGION = "us-east-1"


class ScopeError(Exception):
    """One account/region could not be reached (AssumeRole refused, credentials of another account). ``str()`` is
    one line in the same form as :func:`error_line`."""


def error_line(exc: BaseException, account: str | None, region: str | None, operation: str | None = None) -> str:
    """One line for a person: ``account A region R Operation: Code: message``."""
    if isinstance(exc, ScopeError):
        return str(exc)
    where = " ".join(p for p in (f"account {account}" if account else "", f"region {region}" if region else "") if p)
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code") or str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "error"))
        msg = err.get("Message") or ""
        code, msg = _unwrap_xml_error(code, msg)
        operation = getattr(exc, "operation_name", None) or operation
    elif isinstance(exc, ResponseParserError):
        # its text ends with the body it could not parse, which may hold credentials (an AssumeRole answer): never
        # repeat it
        code = type(exc).__name__
        msg = str(exc).split("\n", 1)[0].rstrip(":")
    else:
        code = type(exc).__name__
        msg = str(exc)
    head = " ".join(p for p in (where, operation or "") if p)
    text = f"{head}: {code}" + (f": {msg}" if msg and msg != code else "")
    return _one_line(text)


def error_code(exc: BaseException) -> str | None:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return _unwrap_xml_error(err.get("Code") or "", err.get("Message") or "")[0] or None
    return None


_XML_CODE = re.compile(r"<Code>([^<]+)</Code>")
_XML_MESSAGE = re.compile(r"<Message>([^<]*)</Message>")


def _unwrap_xml_error(code: str, msg: str) -> tuple[str, str]:
    """An error body botocore could not parse for the service's protocol (an XML error from a JSON service, as
    proxies and test servers send) leaves the HTTP status as the code and the XML as the message: dig them out."""
    if (not code or code.isdigit()) and "<Code>" in msg:
        m_code, m_msg = _XML_CODE.search(msg), _XML_MESSAGE.search(msg)
        return m_code.group(1), (m_msg.group(1) if m_msg else "")
    return code, msg


def source_error(source: str, exc: BaseException, account: str | None, region: str | None,
                 operation: str | None = None) -> SourceError:
    return SourceError(source, error_line(exc, account, region, operation))


def _one_line(text: str, limit: int = 400) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def role_session_name(run_id: str) -> str:
    """``auditreport-<run_id>`` within STS's rules: ``[\\w+=,.@-]{2,64}``."""
    return re.sub(r"[^\w+=,.@-]", "-", f"auditreport-{run_id}")[:64]


class AwsSessions:
    """Clients per (service, account, region), cached and safe to use from worker threads.

    ``account=None`` means "whatever the base credentials are" (default chain or profile, no AssumeRole).
    """

    def __init__(self, aws: Aws, run_id: str, *, source: str = "aws"):
        self.aws = aws
        self.run_id = run_id
        self.source = source
        self._lock = threading.RLock()
        self._base: boto3.Session | None = None
        self._sessions: dict[str | None, boto3.Session] = {}
        self._clients: dict[tuple[str, str | None, str], object] = {}
        self._caller_account: str | None = None
        self.boto_config = BotoConfig(
            retries={"mode": "adaptive", "max_attempts": aws.max_attempts},
            max_pool_connections=max(10, aws.max_concurrency + 2),
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra=f"auditreport/{__version__}",
            # a test server on 127.0.0.1 cannot do virtual-hosted buckets
            s3={"addressing_style": "path"} if aws.endpoint_url else None,
        )

    # -- scope -------------------------------------------------------------------------------------------------

    def base_session(self) -> boto3.Session:
        with self._lock:
            if self._base is None:
                try:
                    self._base = boto3.Session(profile_name=self.aws.profile) if self.aws.profile else boto3.Session()
                except BotoCoreError as e:  # ProfileNotFound
                    raise SourceError(self.source, error_line(e, None, None, "profile")) from None
            return self._base

    def default_region(self) -> str:
        if self.aws.regions:
            return self.aws.regions[0]
        return self.base_session().region_name or _FALLBACK_REGION

    def regions(self) -> list[str]:
        """``[aws].regions``, else the region of the profile or the environment. Never guessed beyond that."""
        if self.aws.regions:
            return list(self.aws.regions)
        region = self.base_session().region_name
        if not region:
            raise SourceError(self.source,
                              "no AWS region: set [aws].regions (or AWS_DEFAULT_REGION, or the profile's region)")
        return [region]

    def caller_account(self) -> str:
        """The account of the base credentials (STS GetCallerIdentity, which needs no permission)."""
        with self._lock:
            if self._caller_account is None:
                region = self.default_region()
                try:
                    sts = self._new_client(self.base_session(), "sts", region)
                    self._caller_account = sts.get_caller_identity()["Account"]
                except AWS_ERRORS as e:
                    raise SourceError(self.source, error_line(e, None, region, "GetCallerIdentity")) from None
            return self._caller_account

    def accounts(self) -> list[str]:
        """``[aws].accounts``, else the account of the credentials."""
        return list(self.aws.accounts) if self.aws.accounts else [self.caller_account()]

    # -- clients -----------------------------------------------------------------------------------------------

    def client(self, service: str, account: str | None, region: str):
        """A client for ``service`` in ``account`` and ``region``. ``region`` may be ``global``.

        Raises :class:`ScopeError` (one line) when the account cannot be reached: AssumeRole refused, or, without a
        role, credentials that belong to another account than the one asked for."""
        if region == GLOBAL_REGION:
            region = self.default_region()
        key = (service, account, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._new_client(self.session_for(account), service, region)
            return self._clients[key]

    def session_for(self, account: str | None) -> boto3.Session:
        with self._lock:
            if account not in self._sessions:
                if account is None:
                    self._sessions[account] = self.base_session()
                elif self.aws.role_arn:
                    self._sessions[account] = self._assume_role_session(account)
                else:
                    caller = self.caller_account()
                    if caller != account:
                        raise ScopeError(
                            f"account {account}: the credentials belong to account {caller}; "
                            "set [aws].role_arn to read other accounts"
                        )
                    self._sessions[account] = self.base_session()
            return self._sessions[account]

    def _new_client(self, session: boto3.Session, service: str, region: str):
        client = session.client(service, region_name=region, endpoint_url=self.aws.endpoint_url,
                                config=self.boto_config)
        _complete_bodies_only(client)
        return client

    def _assume_role_session(self, account: str) -> boto3.Session:
        role_arn = self.aws.role_arn.format(account=account)
        region = self.default_region()
        sts = self._new_client(self.base_session(), "sts", region)
        params = {"RoleArn": role_arn, "RoleSessionName": role_session_name(self.run_id)}
        if self.aws.external_id:
            params["ExternalId"] = self.aws.external_id

        def fetch() -> dict:
            creds = sts.assume_role(**params)["Credentials"]
            expiry = creds["Expiration"]
            if isinstance(expiry, datetime) and expiry.tzinfo is None:
                expiry = expiry.replace(tzinfo=timezone.utc)
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": expiry.isoformat() if isinstance(expiry, datetime) else str(expiry),
            }

        try:
            first = fetch()
        except AWS_ERRORS as e:
            raise ScopeError(error_line(e, account, region, f"AssumeRole {role_arn}")) from None
        credentials = RefreshableCredentials.create_from_metadata(
            metadata=first, refresh_using=fetch, method="sts-assume-role"
        )
        core = botocore.session.get_session()
        core._credentials = credentials  # the documented way boto3 has no public setter for
        return boto3.Session(botocore_session=core)


def _complete_bodies_only(client) -> None:
    """Make two transport faults what botocore's retry loop already knows how to retry.

    - A non-streaming body shorter than its ``Content-Length`` (a connection dropped mid-answer) becomes a
      ``ConnectionClosedError``. botocore reads such bodies with urllib3's length check off and parses them; half a
      document raises ``ResponseParserError`` from outside its retry loop, so the call would fail at once.
    - A 5xx whose body is no AWS error document (a load balancer's "Service Unavailable" text, a ``<!DOCTYPE html>``
      page) is handed on with an empty body, which botocore reads as the generic 5xx it retries. It recognises only
      bodies starting with ``<html>``; the query protocol (IAM, STS) would otherwise fail to parse the rest and give up.

    ``before-send`` is the one hook inside the retry loop that may answer a request: the request is sent exactly as
    botocore would (the client's own HTTP session), and only the answer is checked. Streaming bodies (S3 GetObject)
    are left alone: botocore checks them as they are read (``IncompleteReadError``), their caller retries."""
    endpoint = getattr(client, "_endpoint", None)  # botocore has no public handle on its HTTP session
    http_session = getattr(endpoint, "http_session", None)
    if http_session is None:  # a botocore that changed its insides: its own behaviour, rather than a crash
        return

    def send(request, **_):
        response = http_session.send(request)
        if request.stream_output or request.method == "HEAD" or response.status_code in (204, 304):
            return response
        body = response.content
        expected = response.headers.get("content-length")
        if expected is not None and expected.isdigit() and len(body) < int(expected):
            raise ConnectionClosedError(endpoint_url=request.url, request=request)
        if response.status_code >= 500 and not _is_error_document(body):
            return AWSResponse(response.url, response.status_code, response.headers, _NoBody())
        return response

    # last: the adaptive rate limiter's before-send handler (it waits for a token) must run before the request goes
    client.meta.events.register_last("before-send", send, unique_id="auditreport-complete-bodies-only")


def _is_error_document(body: bytes) -> bool:
    head = body.lstrip()[:64]
    return head.startswith((b"{", b"<?xml", b"<Error", b"<ErrorResponse")) or not head


class _NoBody:
    """The raw stream of a response whose body is to be read as empty."""

    def stream(self, *args, **kwargs):
        return iter(())
