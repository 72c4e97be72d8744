"""The tool's own least privilege: docs/iam-policy.json allows every AWS call the code makes, and nothing more.

Two lines of defence:
1. dynamic: every extractor runs against the moto server with the full estate seeded (assume-role into two
   accounts, two regions); every API call is recorded and mapped to its IAM action;
2. static: every boto3 client method or paginator named anywhere in ``src/auditreport/extract/`` is mapped to its
   IAM action, so that a call on a path the end-to-end run does not reach is covered too.
"""

from __future__ import annotations

import ast
import fnmatch
import json
from functools import lru_cache
from pathlib import Path

import botocore.session
from botocore import xform_name

from auditreport.iam_actions import action_for_operation
from live_seed import (ACCOUNTS, ORG, REGIONS, ROLE_PATTERN, TRAIL_BUCKET, TRAIL_PREFIX, extractor, make_config,
                       make_ctx, seed_everything, without_moto_gaps)

REPO = Path(__file__).resolve().parents[2]
POLICY = REPO / "docs" / "iam-policy.json"
EXTRACT_SRC = REPO / "src" / "auditreport" / "extract"
SERVICES = ["s3", "cloudtrail", "sagemaker", "logs", "iam", "sts", "eks"]

NO_PERMISSION_NEEDED = {("sts", "GetCallerIdentity")}
# called by the code but never reached against moto: moto answers 500 to ListMonitoringSchedules, so no schedule is
# ever described (the static check below still maps the call to its action)
NOT_REACHED_IN_MOTO = {"sagemaker:DescribeMonitoringSchedule"}  # AWS allows it to every principal; a policy cannot deny it
# in the policy without being called directly: S3 decrypts SSE-KMS trail objects with the caller's kms:Decrypt
USED_ON_OUR_BEHALF = {"kms:Decrypt"}
WRITE_VERBS = ("Put", "Create", "Delete", "Update", "Attach", "Detach", "Start", "Stop", "Tag", "Untag", "Set",
               "Add", "Remove", "Modify", "Pass", "Invoke", "Restore", "Upload", "Replace")


def iam_action(service: str, operation: str) -> str:
    return action_for_operation(service, operation)


def allowed_actions() -> list[str]:
    doc = json.loads(POLICY.read_text())
    actions = []
    for st in doc["Statement"]:
        assert st["Effect"] == "Allow" and "NotAction" not in st, st
        actions += [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
    return actions


def is_allowed(action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in allowed_actions())


def test_the_policy_is_read_only_and_names_actions_one_by_one():
    doc = json.loads(POLICY.read_text())
    assert doc["Version"] == "2012-10-17"
    actions = allowed_actions()
    assert len(actions) == len(set(actions))
    for a in actions:
        service, _, name = a.partition(":")
        assert "*" not in a and service and name, a
        assert not name.startswith(WRITE_VERBS) or a in USED_ON_OUR_BEHALF, a
    assume = [st for st in doc["Statement"] if "sts:AssumeRole" in st["Action"]]
    assert assume and all(st["Resource"] != "*" for st in assume)  # only the reader role, not any role


def test_every_call_of_a_full_extraction_is_allowed_and_every_permission_is_used(moto, tmp_path, aws_calls):
    seeded = seed_everything(moto.url)
    cfg = make_config(moto.url, {
        "cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}", "organization_id": ORG},
        "trails": {"kind": "aws"},
        "sagemaker": {"kind": "aws"},
        "cloudwatch": {"kind": "aws", "log_group_prefixes": ["/ml/"], "event_log_groups": ["/ml/training"]},
        "iam": {"kind": "aws"},
        "s3": {"kind": "aws", "buckets": seeded["buckets"]},
        "eks": {"kind": "aws"},
    }, accounts=ACCOUNTS, regions=REGIONS, role_arn=ROLE_PATTERN, external_id="x-1")
    ctx = make_ctx(tmp_path / "raw")
    with aws_calls.recording():
        outcomes = [extractor(cfg, name).extract(ctx) for name in cfg.sources]
    # (moto answers 500 to ListMonitoringSchedules and cloudtrail ListPublicKeys: the calls are made, and recorded,
    # all the same, so the policy is still checked against them below)
    assert all(without_moto_gaps(o.errors) == [] for o in outcomes), [o.errors for o in outcomes]

    used = {iam_action(s, o) for s, o in aws_calls.operations() if (s, o) not in NO_PERMISSION_NEEDED}
    denied = sorted(a for a in used if not is_allowed(a))
    assert denied == [], f"calls the policy does not allow: {denied}"
    unused = sorted(set(allowed_actions()) - used - USED_ON_OUR_BEHALF - NOT_REACHED_IN_MOTO)
    assert unused == [], f"permissions no call needs (least privilege): {unused}"
    assert {s for s, _ in aws_calls.operations()} == set(SERVICES)


@lru_cache
def _operations_by_python_name() -> dict[str, set[tuple[str, str]]]:
    session = botocore.session.get_session()
    index: dict[str, set[tuple[str, str]]] = {}
    for service in SERVICES:
        for op in session.get_service_model(service).operation_names:
            index.setdefault(xform_name(op), set()).add((service, op))
    return index


def names_in_source() -> set[str]:
    """Every attribute called as a method, and every string literal, in the extract package."""
    names: set[str] = set()
    for path in EXTRACT_SRC.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Attribute):  # called, or passed around uncalled: s3.get_bucket_versioning
                receiver = node.value
                if isinstance(receiver, ast.Name) and receiver.id.lstrip("_").isupper():
                    continue  # a module constant (a compiled regex's .search), never a client
                names.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):  # get_paginator("list_...")
                names.add(node.value)
    return names


def test_every_client_method_named_in_the_source_is_allowed():
    index = _operations_by_python_name()
    found = {name: index[name] for name in names_in_source() if name in index}
    # the scan sees the calls we know are there
    for expected in ("list_objects_v2", "get_object", "describe_trails", "get_event_selectors",
                     "describe_model_package", "filter_log_events", "get_account_authorization_details",
                     "get_public_access_block", "assume_role", "get_caller_identity"):
        assert expected in found, expected
    missing = []
    for name, candidates in sorted(found.items()):
        if any(c in NO_PERMISSION_NEEDED or is_allowed(iam_action(*c)) for c in candidates):
            continue
        missing.append(f"{name} -> {sorted(iam_action(*c) for c in candidates)}")
    assert missing == [], "client calls in src/auditreport/extract the policy does not allow:\n" + "\n".join(missing)
