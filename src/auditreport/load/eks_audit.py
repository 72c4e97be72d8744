"""Kubernetes audit events of EKS control planes: the one place they are recognised and parsed.

EKS sends them to CloudWatch Logs, log group ``/aws/eks/<cluster>/cluster``, streams ``kube-apiserver-audit-*``, each
message one ``audit.k8s.io/v1`` Event as JSON. The cloudwatch loader hands each log event of such a stream here; a
message that is not an audit event is quarantined (``not_audit_event``) with what was wrong.
"""

from __future__ import annotations

import json
import re

from .snapshot import parse_time

_GROUP = re.compile(r"^/aws/eks/([^/]+)/cluster$")
AUDIT_STREAM_PREFIX = "kube-apiserver-audit-"


def audit_cluster(log_group: str | None, log_stream: str | None) -> str | None:
    """The cluster whose audit stream this is, or None for any other group or stream."""
    m = _GROUP.match(log_group or "")
    if m and isinstance(log_stream, str) and log_stream.startswith(AUDIT_STREAM_PREFIX):
        return m.group(1)
    return None


class NotAuditEvent(ValueError):
    """The message is not a Kubernetes audit event; the text says why."""


def _obj(v, where: str) -> dict:
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise NotAuditEvent(f"{where} is a JSON {type(v).__name__}, not an object")
    return v


def _text(v, where: str) -> str | None:
    if v is None or isinstance(v, str):
        return v
    raise NotAuditEvent(f"{where} is not a string")


def _texts(v, where: str) -> list[str] | None:
    if v is None:
        return None
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise NotAuditEvent(f"{where} is not a list of strings")
    return v


def parse(message) -> dict:
    """The audit event's columns of ``eks_audit_events`` (without the log event's provenance). Raises NotAuditEvent."""
    if not isinstance(message, str):
        raise NotAuditEvent("the log event has no message text")
    try:
        ev = json.loads(message)
    except (ValueError, RecursionError):
        raise NotAuditEvent("the message is not JSON") from None
    if not isinstance(ev, dict):
        raise NotAuditEvent(f"the message is a JSON {type(ev).__name__}, not an object")
    if ev.get("kind") != "Event" or not str(ev.get("apiVersion", "")).startswith("audit.k8s.io/"):
        raise NotAuditEvent(f"kind {ev.get('kind')!r} apiVersion {ev.get('apiVersion')!r} is not an audit.k8s.io Event")
    for required in ("auditID", "stage", "verb"):
        if not isinstance(ev.get(required), str):
            raise NotAuditEvent(f"{required} is missing or not a string")
    user = _obj(ev.get("user"), "user")
    extra = _obj(user.get("extra"), "user.extra")
    arns = _texts(extra.get("arn"), "user.extra.arn")
    ref = _obj(ev.get("objectRef"), "objectRef")
    status = _obj(ev.get("responseStatus"), "responseStatus")
    code = status.get("code")
    if code is not None and (not isinstance(code, int) or isinstance(code, bool) or not 0 <= code < 1000):
        raise NotAuditEvent("responseStatus.code is not an HTTP status code")
    received = ev.get("requestReceivedTimestamp")
    if received is not None and parse_time(received) is None:
        raise NotAuditEvent("requestReceivedTimestamp is not a time")
    annotations = _obj(ev.get("annotations"), "annotations")
    return {
        "event_time": parse_time(received), "stage_time": parse_time(ev.get("stageTimestamp")),
        "stage": ev["stage"], "audit_id": ev["auditID"], "level": _text(ev.get("level"), "level"),
        "verb": ev["verb"], "request_uri": _text(ev.get("requestURI"), "requestURI"),
        "username": _text(user.get("username"), "user.username"),
        "user_groups": _texts(user.get("groups"), "user.groups"), "user_arn": arns[0] if arns else None,
        "impersonated_username": _text(_obj(ev.get("impersonatedUser"), "impersonatedUser").get("username"),
                                       "impersonatedUser.username"),
        "source_ips": _texts(ev.get("sourceIPs"), "sourceIPs"), "user_agent": _text(ev.get("userAgent"), "userAgent"),
        "resource": _text(ref.get("resource"), "objectRef.resource"),
        "subresource": _text(ref.get("subresource"), "objectRef.subresource"),
        "namespace": _text(ref.get("namespace"), "objectRef.namespace"),
        "object_name": _text(ref.get("name"), "objectRef.name"),
        "api_group": (_text(ref.get("apiGroup"), "objectRef.apiGroup") or "") if ref else None,
        "api_version": _text(ref.get("apiVersion"), "objectRef.apiVersion"), "response_code": code,
        "authorization_decision": _text(annotations.get("authorization.k8s.io/decision"), "annotations decision"),
    }  # fmt: skip
