"""The real CloudTrail corpus in tests/data/realtrail, and how one of its records is rewritten into the sample.

``rewrite`` takes a real record as a template and rewrites its account ids, region, time, event and request ids,
principal, the names of its authors' test resources and IAM unique ids; everything else stays as recorded. The record
says where it came from in ``additionalEventData["x-auditreport-sample"]`` (``derived:<corpus file>:<line>``).
"""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

from .formats import console_time, iso_z
from .ids import amz_id_2, b32id, mutate_token, rand_alnum, rand_key, rand_uuid, s3_request_id, vpce_id
from .org import BUCKETS, TRAIL


class Corpus:
    """Real CloudTrail records from tests/data/realtrail, indexed by (eventSource, eventName)."""

    FILES = ["invictus-ir_aws_dataset.jsonl", "stratus-red-team.jsonl", "otrf-security-datasets.jsonl",
             "cloud-custodian.jsonl"]

    def __init__(self, root: Path):
        self.by_name: dict[tuple[str, str], list[tuple[dict, str]]] = {}
        self.records: dict[str, list[dict]] = {}
        for fname in self.FILES:
            rows = []
            with open(root / fname, encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, start=1):
                    rec = json.loads(line)
                    rows.append(rec)
                    key = (rec.get("eventSource"), rec.get("eventName"))
                    self.by_name.setdefault(key, []).append((rec, f"{fname}:{lineno}"))
            self.records[fname] = rows

    def line(self, fname: str, lineno: int) -> tuple[dict, str]:
        return self.records[fname][lineno - 1], f"{fname}:{lineno}"

    def pool(self, source: str, name: str, *, src_file: str = "invictus-ir_aws_dataset.jsonl", ident_types=None,
             error: bool | None = None) -> list[tuple[dict, str]]:
        out = []
        for rec, ref in self.by_name.get((source, name), []):
            if not ref.startswith(src_file):
                continue
            t = (rec.get("userIdentity") or {}).get("type")
            if ident_types is not None and t not in ident_types:
                continue
            if error is not None and bool(rec.get("errorCode")) != error:
                continue
            out.append((rec, ref))
        if not out:
            raise KeyError(f"no template for {source} {name} in {src_file}")
        return out


# Names in the real records that belong to their authors' test accounts, and what they become here.
NAME_REWRITES = [
    (re.compile(r"/credentials/stratus-red-team/credentials-\d+"), "/northwind/ml/{param}"),
    (re.compile(r"stratus-red-team-retrieve-secret-\d+(-[A-Za-z0-9]{6})?"), "northwind/ml/{secret}"),
    (re.compile(r"stratus-red-team[a-z0-9-]*-role"), "{role}"),
    (re.compile(r"stratus-red-team[a-z0-9-]*-trail-[a-z0-9]+"), "{trail}"),
    (re.compile(r"stratus-red-team[a-z0-9-]*bucket[a-z0-9-]*|baker221b-[a-z0-9-]+"), "{bucket}"),
    (re.compile(r"terraform-2023\d+"), "mlflow-backend-db"),
    (re.compile(r"stratus-red-team[a-z0-9-]*"), "northwind-ml"),
    (re.compile(r"StratusRedTeam"), "data-classification"),
    (re.compile(r"Jul (\d+), 2023"), "Oct \\1, 2026"),
    (re.compile(r"2023-07-(\d\d)"), "2026-10-\\1"),
]
IAM_UNIQUE_ID = re.compile(r"\b(AROA|AIDA|ASIA|AKIA|ANPA|AGPA|AIPA)[A-Z0-9]{12,17}\b")
SERVICE_SOURCE = re.compile(r"^([a-z0-9-]+\.)+amazonaws\.com$|^AWS Internal$")
PARAM_NAMES = ["mlflow/db-password", "feature-store/api-key", "monitoring/slack-webhook", "mlflow/tracking-token"]
SECRET_NAMES = ["mlflow-db", "feature-store-api", "model-monitor-webhook"]


CANONICAL_ORDER = ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
                   "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
                   "responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "resources",
                   "eventType", "managementEvent", "recipientAccountId", "sharedEventID", "vpcEndpointId",
                   "eventCategory", "tlsDetails", "sessionCredentialFromConsole"]


def canonical(rec: dict) -> dict:
    out = {k: rec[k] for k in CANONICAL_ORDER if k in rec}
    out.update({k: v for k, v in rec.items() if k not in out})
    return out


def insert_after(rec: dict, after: str, key: str, value) -> dict:
    out = {}
    for k, v in rec.items():
        out[k] = v
        if k == after:
            out[key] = value
    if key not in out:
        out[key] = value
    return out


def rewrite(rng: random.Random, tpl: tuple[dict, str], *, account: str, region: str, when: datetime,
            identity: dict | None, ip: str | None = None, ua: str | None = None, role: str = "ml-engineer",
            bucket: str | None = None, keep_error: bool = True) -> dict:
    """A real record rewritten into the sample: accounts, region, time, ids, principal and resource names."""
    src, ref = tpl
    body = {k: v for k, v in src.items() if k != "userIdentity"}
    text = json.dumps(body, ensure_ascii=False)
    old_ident = src.get("userIdentity") or {}
    new_arn = (identity or {}).get("arn")
    pairs = []
    if old_ident.get("arn") and new_arn:
        pairs.append((old_ident["arn"], new_arn))
    issuer = ((old_ident.get("sessionContext") or {}).get("sessionIssuer") or {}).get("arn")
    new_issuer = (((identity or {}).get("sessionContext") or {}).get("sessionIssuer") or {}).get("arn")
    if issuer and new_issuer:
        pairs.append((issuer, new_issuer))
    for a, b in pairs:
        text = text.replace(a, b)
    olds = {src.get("recipientAccountId"), old_ident.get("accountId")}
    olds |= set(re.findall(r"arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):", text))
    olds |= set(re.findall(r'"(?:accountId|ownerId|meshOwner)": "(\d{12})"', text))
    for old in sorted(o for o in olds if o):
        text = text.replace(old, account)
    # the template account's buckets become one of ours; its IAM unique ids are re-derived for our account
    rp = src.get("requestParameters") if isinstance(src.get("requestParameters"), dict) else {}
    old_buckets = {rp.get("bucketName")} | set(re.findall(r"arn:aws:s3:::([a-z0-9.-]+)", text))
    new_bucket = bucket or rng.choice(BUCKETS[account])
    for old in sorted((b for b in old_buckets if b and b not in BUCKETS[account]), key=len, reverse=True):
        text = text.replace(old, new_bucket)
    text = IAM_UNIQUE_ID.sub(lambda m: m.group(1) + b32id(account, m.group(0), n=len(m.group(0)) - 4), text)
    old_region = src.get("awsRegion")
    if old_region and old_region != region:
        text = text.replace(old_region, region)
    subs = {
        "param": rng.choice(PARAM_NAMES),
        "secret": rng.choice(SECRET_NAMES) + "-" + rand_alnum(rng, 6),
        "role": role,
        "trail": TRAIL[account]["name"],
        "bucket": new_bucket,
    }
    for pat, repl in NAME_REWRITES:
        text = pat.sub(lambda m, repl=repl: m.expand(repl.format(**subs)), text)
    body = json.loads(text)
    rec: dict = {}
    for k in src:
        if k == "userIdentity":
            if identity is not None:
                rec[k] = identity
            else:  # an AwsServiceEvent without a principal type, as CloudTrail writes some
                rec[k] = {"accountId": account, **{kk: vv for kk, vv in old_ident.items() if kk == "invokedBy"}}
        else:
            rec[k] = body[k]
    rec["eventTime"] = iso_z(when)
    rec["eventID"] = rand_uuid(rng)
    if "requestID" in rec:
        old = str(rec["requestID"])
        if re.fullmatch(r"[0-9A-F]{16}", old):
            rec["requestID"] = s3_request_id(rng)
        elif re.fullmatch(r"[0-9a-f-]{36}", old):
            rec["requestID"] = rand_uuid(rng)
    if "sharedEventID" in rec:
        rec["sharedEventID"] = rand_uuid(rng)
    if ip and not SERVICE_SOURCE.match(str(src.get("sourceIPAddress", ""))):
        rec["sourceIPAddress"] = ip
    if ua and not SERVICE_SOURCE.match(str(src.get("userAgent", ""))):
        rec["userAgent"] = ua
    if not keep_error:
        rec.pop("errorCode", None)
        rec.pop("errorMessage", None)
    if "vpcEndpointId" in rec:
        rec["vpcEndpointId"] = vpce_id(account, region, rec["eventSource"])
    resp = rec.get("responseElements")
    if isinstance(resp, dict) and isinstance(resp.get("credentials"), dict):
        creds = resp["credentials"]
        creds["accessKeyId"] = rand_key(rng)
        if "sessionToken" in creds:
            creds["sessionToken"] = mutate_token(rng, creds["sessionToken"])
        if "expiration" in creds:
            creds["expiration"] = console_time(when + timedelta(hours=1))
    extra = rec.get("additionalEventData")
    if isinstance(extra, dict) and "x-amz-id-2" in extra:
        extra["x-amz-id-2"] = amz_id_2(rng)
    marker = f"derived:{ref}"
    if isinstance(extra, dict):
        extra["x-auditreport-sample"] = marker
    else:
        rec = insert_after(rec, "responseElements", "additionalEventData", {"x-auditreport-sample": marker})
    rec = canonical(rec)  # some corpora sort keys; CloudTrail writes them in this order
    return rec
