"""S3 bucket policies -> ``s3_bucket_settings.bucket_policy``: one entry per statement and principal, normalised so
that a check can compare principals and actions without parsing the policy language in SQL. (A column, not a table of
its own: a month in which no bucket has a policy must still be judged, not read as missing evidence.)

``Principal`` ``"*"`` and ``{"AWS": "*"}`` are kind ``*``; a bare 12-digit account id is written as the account's
root ARN, as IAM reads it; a string, a list, and ``{"AWS" | "Service" | "Federated" | "CanonicalUser": ...}`` are
unpacked into one entry per principal. ``NotPrincipal`` entries carry ``not_principal`` (the statement applies to everyone
else); ``NotAction`` statements carry ``not_action`` (their ``actions`` are what is excluded). ``Action`` and
``Resource`` may be a string or a list; a statement whose shape is none of these raises (the file is quarantined).
"""

from __future__ import annotations

import json

from .snapshot import as_dict, as_list


def _strings(v, what: str) -> list[str]:
    items = [v] if isinstance(v, str) else as_list(v)
    for i in items:
        if not isinstance(i, str):
            raise TypeError(f"{what} holds a {type(i).__name__}, not a string")
    return items


def _principals(v) -> list[tuple[str, str]]:
    if v == "*":
        return [("*", "*")]
    if isinstance(v, (str, list)):  # an ARN or account id without a kind: AWS
        v = {"AWS": v}
    out = []
    for kind, value in as_dict(v).items():
        for p in _strings(value, f"Principal.{kind}"):
            if kind == "AWS" and p == "*":
                out.append(("*", "*"))
            elif kind == "AWS" and len(p) == 12 and p.isdigit():
                out.append(("AWS", f"arn:aws:iam::{p}:root"))
            else:
                out.append((kind, p))
    return out


def policy_document(body: dict) -> dict:
    """The policy of a ``GetBucketPolicy`` response (its ``Policy`` is JSON text). Raises on anything else."""
    text = body["Policy"]
    if not isinstance(text, str):
        raise TypeError("Policy is not a JSON string")
    return as_dict(json.loads(text))


def statement_rows(doc: dict) -> list[dict]:
    """The entries of one policy document, in statement order."""
    st_list = doc.get("Statement", [])
    statements = [st_list] if isinstance(st_list, dict) else as_list(st_list)
    rows = []
    for i, st in enumerate(statements):
        st = as_dict(st)
        effect = st.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise ValueError(f"statement {i}: Effect is {effect!r}, not Allow or Deny")
        not_principal = "NotPrincipal" in st
        not_action = "NotAction" in st
        actions = _strings(st.get("NotAction" if not_action else "Action", []), "Action")
        resources = _strings(st.get("NotResource" if "NotResource" in st else "Resource", []), "Resource")
        condition = st.get("Condition")
        if condition is not None:
            as_dict(condition)
        for kind, principal in _principals(st.get("NotPrincipal" if not_principal else "Principal", {})):
            rows.append({
                "statement_index": i, "sid": st.get("Sid") if isinstance(st.get("Sid"), str) else None,
                "effect": effect, "principal_kind": kind, "principal": principal, "not_principal": not_principal,
                "actions": actions, "not_action": not_action, "resources": resources,
                "not_resource": "NotResource" in st, "conditions": condition,
            })  # fmt: skip
    return rows
