#!/usr/bin/env python3
"""Generate the auditreport sample month: "Northwind Analytics ML Platform (sample)", October 2026.

    python sample_data/generate.py [--seed 20261001]

Deterministic for a given seed (random.Random seeded per component, gzip written with mtime=0), standard library
only, and writes nothing outside ``sample_data/``. It rewrites, below this directory:

    cloudtrail/AWSLogs/<account>/CloudTrail[-Digest]/<region>/YYYY/MM/DD/...json.gz   the trail buckets' objects
    aws/...                                     AWS API responses in the canonical layout (docs/architecture.md)
    mlflow/snapshots/<YYYYMMDDTHHMMSSZ>/...     MLflow REST snapshots

CloudTrail records are built from the real events in ``tests/data/realtrail`` (see SOURCES.md there): a real record is
taken as a template and its account ids, region, times, ids and principal are rewritten into the sample accounts.
Every record says where it came from in ``additionalEventData["x-auditreport-sample"]``:

    "derived:<corpus file>:<line>"   a real record, rewritten (ids, times, accounts, region, principal, names)
    "synthetic"                      written here: SageMaker, CloudWatch Logs and SAML calls, for which no public raw
                                     CloudTrail exists, in the eventVersion 1.08 envelope of the real records

The planted violations and their clean counterparts are listed in sample_data/README.md; keep the two in step.
"""

from __future__ import annotations

import argparse
import base64
import copy
import gzip
import hashlib
import json
import random
import re
import shutil
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

UTC = timezone.utc
HERE = Path(__file__).resolve().parent
REAL_DIR = HERE.parent / "tests" / "data" / "realtrail"

DEFAULT_SEED = 20261001
ORG = "Northwind Analytics ML Platform (sample)"

PROD, DEV = "111122223333", "444455556666"
ACCOUNTS = [PROD, DEV]
ACCOUNT_ALIAS = {PROD: "ml-prod", DEV: "ml-dev"}
EU, US = "eu-west-1", "us-east-1"
REGIONS = [EU, US]
HOME_REGION = EU

TRAIL = {
    PROD: {"name": "northwind-audit-trail", "bucket": "northwind-cloudtrail-logs", "validation": True},
    DEV: {"name": "northwind-dev-trail", "bucket": "northwind-dev-trail", "validation": False},
}
DATASETS_BUCKET = "northwind-ml-datasets"
BUCKETS = {
    PROD: ["northwind-cloudtrail-logs", "northwind-ml-datasets", "northwind-ml-artifacts", "northwind-mlflow-artifacts"],
    DEV: ["northwind-dev-trail", "northwind-dev-sandbox"],
}

# Log objects cover 2026-09-30 .. 2026-11-01 (UTC): the period plus one day either side.
WINDOW_START = datetime(2026, 9, 30, 0, 0, 0, tzinfo=UTC)
WINDOW_END = datetime(2026, 11, 1, 23, 40, 0, tzinfo=UTC)
CAPTURED_AT = datetime(2026, 11, 1, 2, 0, 0, tzinfo=UTC)
MLFLOW_URI = "http://mlflow.northwind.internal:5000"

# The dev trail was stopped for maintenance and restarted: no events for the dev account in any region in between.
STOP_LOGGING_AT = datetime(2026, 10, 20, 2, 10, 14, tzinfo=UTC)
START_LOGGING_AT = datetime(2026, 10, 20, 11, 40, 37, tzinfo=UTC)

SAML_PROVIDER = "northwind-okta"
PEOPLE_EMAIL = "{}@northwind.example"

OFFICE_IPS = ["198.51.100.23", "198.51.100.24", "198.51.100.71"]
VPN_IPS = ["203.0.113.40", "203.0.113.41", "203.0.113.58", "203.0.113.90"]
CI_IPS = ["192.0.2.14", "192.0.2.15", "192.0.2.77"]

UA = {
    "cli": "aws-cli/2.18.7 md/awscrt#0.22.0 ua/2.0 os/macos#24.0.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython "
    "cfg/retry-mode#standard md/installer#source md/prompt#off md/command#{cmd}",
    "studio": "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10.226-214.880.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.11.10 md/pyimpl#CPython exec-env/AWS_SageMaker_Studio cfg/retry-mode#legacy Botocore/1.35.36",
    "console": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "codebuild": "Boto3/1.35.20 md/Botocore#1.35.20 ua/2.0 os/linux#4.14.355-271.569.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.12.5 md/pyimpl#CPython exec-env/AWS_ECS_EC2 cfg/retry-mode#legacy Botocore/1.35.20 "
    "sagemaker-python-sdk/2.232.1",
    "training": "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10.227-219.884.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.10.14 md/pyimpl#CPython exec-env/AWS_SageMaker_Training cfg/retry-mode#standard Botocore/1.35.36",
    "terraform": "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.72.1 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 "
    "md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.0.0",
}

# The people of the sample and the roles they use. Humans act through AssumedRole sessions named after them.
HUMANS = {
    "alice": {"role": "ml-engineer", "accounts": {PROD: 0.35, DEV: 0.9}, "tools": ["studio", "studio", "cli", "console"]},
    "bob": {"role": "ml-engineer", "accounts": {PROD: 0.3, DEV: 0.85}, "tools": ["studio", "cli", "cli", "console"]},
    "carol": {"role": "ml-engineer", "accounts": {PROD: 0.3, DEV: 0.8}, "tools": ["studio", "studio", "console"]},
    "dave": {"role": "ml-approver", "accounts": {PROD: 0.55}, "tools": ["console", "console", "cli"]},
    "eve": {"role": "data-platform-admin", "accounts": {PROD: 0.6, DEV: 0.5}, "tools": ["cli", "console", "cli"]},
    "frank": {"role": "data-scientist-readonly", "accounts": {PROD: 0.8}, "tools": ["studio", "studio", "console"]},
    "mallory": {"role": "data-scientist-readonly", "accounts": {PROD: 0.35}, "tools": ["studio", "cli"]},
}

# ----------------------------------------------------------------------------------------------------------------------
# small helpers


def iso_z(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_api(dt: datetime) -> str:
    """A datetime as boto3 returns it, written as ISO 8601 (the canonical layout)."""
    return dt.astimezone(UTC).isoformat()


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def console_time(dt: datetime) -> str:
    """The 'Oct 5, 2026, 10:12:03 AM' style CloudTrail uses inside some requestParameters."""
    h = dt.hour % 12 or 12
    return f"{dt:%b} {dt.day}, {dt.year}, {h}:{dt:%M:%S} {'AM' if dt.hour < 12 else 'PM'}"


def b32id(*parts: str, n: int = 17) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return base64.b32encode(digest).decode()[:n]


def role_id(account: str, role: str) -> str:
    return "AROA" + b32id(account, "role", role)


def user_id(account: str, user: str) -> str:
    return "AIDA" + b32id(account, "user", user)


def role_arn(account: str, role: str) -> str:
    return f"arn:aws:iam::{account}:role/{role}"


def rand_key(rng: random.Random, prefix: str = "ASIA") -> str:
    return prefix + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def rand_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def rand_alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def rand_hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def s3_request_id(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(16))


def amz_id_2(rng: random.Random) -> str:
    return base64.b64encode(rng.getrandbits(8 * 57).to_bytes(57, "big")).decode()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def dumps_compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_api(path: Path, body) -> None:
    """One API response in the canonical layout (pretty JSON, as auditreport's extractors write it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n")


def q(name: str) -> str:
    return urllib.parse.quote(name, safe="")


def is_weekday(dt: datetime) -> bool:
    return dt.weekday() < 5


def days(start: datetime, end: datetime):
    d = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while d < end:
        yield d
        d += timedelta(days=1)


# ----------------------------------------------------------------------------------------------------------------------
# the real corpus


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



class Trail:
    """Collects CloudTrail records per (account, region) and writes them as the trail would."""

    def __init__(self, seed: int, corpus: Corpus):
        self.seed = seed
        self.corpus = corpus
        self.events: list[tuple[str, str, datetime, dict]] = []  # (account, region, time, record)
        self.protected: set[int] = set()  # id() of planted records that the stop-window filter must keep

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    # --- identities ------------------------------------------------------------------------------------------------

    @staticmethod
    def assumed_role(account: str, role: str, session: str, created: datetime, key: str, *, mfa: bool = False,
                     invoked_by: str | None = None, path: str = "") -> dict:
        rid = role_id(account, role)
        ident = {
            "type": "AssumedRole",
            "principalId": f"{rid}:{session}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
            "accountId": account,
            "accessKeyId": key,
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": rid, "arn": f"arn:aws:iam::{account}:role/{path}{role}",
                                  "accountId": account, "userName": role},
                "webIdFederationData": {},
                "attributes": {"creationDate": iso_z(created), "mfaAuthenticated": "true" if mfa else "false"},
            },
        }
        if invoked_by:
            ident["invokedBy"] = invoked_by
        return ident

    @staticmethod
    def iam_user(account: str, user: str, key: str) -> dict:
        return {"type": "IAMUser", "principalId": user_id(account, user), "arn": f"arn:aws:iam::{account}:user/{user}",
                "accountId": account, "accessKeyId": key, "userName": user}

    @staticmethod
    def aws_service(service: str) -> dict:
        return {"type": "AWSService", "invokedBy": service}

    # --- records ---------------------------------------------------------------------------------------------------

    def add(self, account: str, region: str, when: datetime, rec: dict, *, protect: bool = False) -> dict:
        self.events.append((account, region, when, rec))
        if protect:
            self.protected.add(id(rec))
        return rec

    def synthetic(self, rng: random.Random, *, account: str, region: str, when: datetime, identity: dict,
                  source: str, name: str, params, response=None, read_only: bool, ip: str, ua: str,
                  error: tuple[str, str] | None = None, resources: list | None = None, host: str | None = None,
                  category: str = "Management", event_type: str = "AwsApiCall", version: str = "1.08",
                  extra_data: dict | None = None, vpce: str | None = None, request_id: str | None = None,
                  protect: bool = False) -> dict:
        """A record in the eventVersion 1.08 envelope of the real invictus-ir records, for calls no public corpus holds."""
        rec: dict = {"eventVersion": version, "userIdentity": identity, "eventTime": iso_z(when), "eventSource": source,
                     "eventName": name, "awsRegion": region, "sourceIPAddress": ip, "userAgent": ua}
        if error:
            rec["errorCode"], rec["errorMessage"] = error
        rec["requestParameters"] = params
        rec["responseElements"] = response
        rec["additionalEventData"] = {**(extra_data or {}), "x-auditreport-sample": "synthetic"}
        rec["requestID"] = request_id or rand_uuid(rng)
        rec["eventID"] = rand_uuid(rng)
        rec["readOnly"] = read_only
        if resources:
            rec["resources"] = resources
        rec["eventType"] = event_type
        rec["managementEvent"] = category == "Management"
        rec["recipientAccountId"] = account
        if vpce:
            rec["vpcEndpointId"] = vpce
        rec["eventCategory"] = category
        if host is None:
            svc = source.split(".")[0]
            host = f"{svc}.{region}.amazonaws.com"
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": host}
        return self.add(account, region, when, rec, protect=protect)

    def derive(self, rng: random.Random, tpl: tuple[dict, str], *, account: str, region: str, when: datetime,
               identity: dict | None, ip: str | None = None, ua: str | None = None, role: str = "ml-engineer",
               bucket: str | None = None, keep_error: bool = True, protect: bool = False, add: bool = True) -> dict:
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
        if add:
            self.add(account, region, when, rec, protect=protect)
        return rec


def insert_after(rec: dict, after: str, key: str, value) -> dict:
    out = {}
    for k, v in rec.items():
        out[k] = v
        if k == after:
            out[key] = value
    if key not in out:
        out[key] = value
    return out


def mutate_token(rng: random.Random, token: str) -> str:
    """A real session token with a stretch replaced: unique per event, same length and alphabet."""
    n = len(token)
    start = rng.randrange(40, max(41, n - 120))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return token[:start] + "".join(rng.choice(alphabet) for _ in range(96)) + token[start + 96:]


def vpce_id(account: str, region: str, service: str) -> str:
    return "vpce-0" + hashlib.sha256(f"{account}{region}{service}".encode()).hexdigest()[:16]


# ----------------------------------------------------------------------------------------------------------------------
# the SageMaker estate of the prod account (eu-west-1): packages, models, endpoint configs, endpoints


def T(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


SM_ACCOUNT, SM_REGION = PROD, EU
SM_ARN = f"arn:aws:sagemaker:{SM_REGION}:{SM_ACCOUNT}"
EXEC_ROLE = role_arn(SM_ACCOUNT, "sagemaker-execution-role")
IMAGES = {
    "sklearn": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
    "xgboost": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "recs": f"{SM_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/northwind/recs-server:2025.02.1",
    "ranker": f"{SM_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/northwind/ranker-server:2026.09.4",
}
# (group, version): created, creator (role, session) or None before the logs, image, final status, approval events
# [(time, status, role, session, description)], all as they were by the capture time.
PACKAGES = [
    dict(group="churn-classifier", version=1, created=T("2026-06-04T09:12:44"), image="xgboost", status="Approved"),
    dict(group="churn-classifier", version=2, created=T("2026-09-01T14:03:19"), image="xgboost", status="Approved"),
    dict(group="churn-classifier", version=3, created=T("2026-10-03T10:12:41"), creator=("ml-engineer", "alice"),
         image="xgboost", status="Approved",
         approvals=[(T("2026-10-05T09:41:07"), "Approved", "ml-approver", "dave",
                     "AUC 0.912 on holdout 2026-09; fairness review FR-2026-041 passed")]),
    dict(group="churn-classifier", version=4, created=T("2026-10-28T15:20:09"), creator=("ml-engineer", "alice"),
         image="xgboost", status="PendingManualApproval"),
    dict(group="fraud-scoring", version=1, created=T("2026-07-14T08:44:02"), image="sklearn", status="Approved"),
    dict(group="fraud-scoring", version=2, created=T("2026-09-18T11:05:37"), image="sklearn",
         status="PendingManualApproval"),
    dict(group="fraud-scoring", version=3, created=T("2026-10-22T13:31:55"), creator=("ml-engineer", "carol"),
         image="sklearn", status="Approved",
         approvals=[(T("2026-10-23T08:47:12"), "Approved", "ml-approver", "carol", "Looks good, approving")]),
    dict(group="demand-forecast", version=3, created=T("2026-08-10T13:27:50"), image="xgboost", status="Approved"),
    dict(group="demand-forecast", version=4, created=T("2026-10-09T10:02:33"), creator=("ml-engineer", "alice"),
         image="xgboost", status="Rejected",
         approvals=[(T("2026-10-10T15:12:40"), "Rejected", "ml-approver", "dave",
                     "MAPE regression on the Nordics segment; retrain with holiday features")]),
    dict(group="demand-forecast", version=5, created=T("2026-10-13T16:25:18"), creator=("ml-engineer", "alice"),
         image="xgboost", status="Approved",
         approvals=[(T("2026-10-16T10:05:51"), "Approved", "ml-approver", "dave",
                     "Backtest MAPE 7.9% (v3: 9.4%); approved after the fact, see INC-2026-112")]),
    dict(group="recsys-ranker", version=1, created=T("2026-10-02T07:15:02"),
         creator=("ml-deploy-pipeline", "codebuild-?"), image="ranker", status="Approved",
         approvals=[(T("2026-10-03T11:20:18"), "Approved", "ml-approver", "dave", "NDCG@10 +3.1% in offline eval")]),
    dict(group="recsys-ranker", version=2, created=T("2026-10-26T14:02:10"), creator=("ml-engineer", "alice"),
         image="ranker", status="Approved",
         approvals=[(T("2026-10-27T17:48:03"), "Approved", "ml-engineer", "bob", "approved, dave is out this week")]),
]
for _p in PACKAGES:
    _p["arn"] = f"{SM_ARN}:model-package/{_p['group']}/{_p['version']}"
    _p.setdefault("creator", None)
    _p.setdefault("approvals", [])
    _p["data"] = f"s3://northwind-ml-artifacts/{_p['group']}/v{_p['version']}/model.tar.gz"

PKG = {(p["group"], p["version"]): p for p in PACKAGES}

# models: name -> (package key or None, created, image/model data when no package)
MODELS = {
    "churn-classifier-v2-20260902": dict(package=("churn-classifier", 2), created=T("2026-09-02T09:10:11")),
    "churn-classifier-v3-20261006": dict(package=("churn-classifier", 3), created=T("2026-10-06T10:14:03")),
    "fraud-scoring-v2-20260920": dict(package=("fraud-scoring", 2), created=T("2026-09-20T13:58:40")),
    "demand-forecast-v3-20260812": dict(package=("demand-forecast", 3), created=T("2026-08-12T08:31:12")),
    "demand-forecast-v5-20261014": dict(package=("demand-forecast", 5), created=T("2026-10-14T09:31:40")),
    "recsys-ranker-v1-20261004": dict(package=("recsys-ranker", 1), created=T("2026-10-04T08:02:10")),
    "legacy-recs-model": dict(package=None, created=T("2025-03-11T10:40:02"), image=IMAGES["recs"],
                              model_data="s3://northwind-ml-artifacts/legacy-recs/2025-03-10/model.tar.gz"),
}
# endpoint configs: name -> (model, instance type, count, created)
CONFIGS = {
    "churn-prod-config-20260902": dict(model="churn-classifier-v2-20260902", itype="ml.m5.large", count=2,
                                       created=T("2026-09-02T09:10:40")),
    "churn-prod-config-20261006": dict(model="churn-classifier-v3-20261006", itype="ml.m5.large", count=2,
                                       created=T("2026-10-06T10:14:20")),
    "fraud-scoring-prod-config-20260920": dict(model="fraud-scoring-v2-20260920", itype="ml.c5.xlarge", count=3,
                                               created=T("2026-09-20T13:59:02")),
    "demand-forecast-prod-config-20260812": dict(model="demand-forecast-v3-20260812", itype="ml.m5.xlarge", count=1,
                                                 created=T("2026-08-12T08:31:40")),
    "demand-forecast-prod-config-20261014": dict(model="demand-forecast-v5-20261014", itype="ml.m5.xlarge", count=1,
                                                 created=T("2026-10-14T09:32:05")),
    "recsys-ranker-prod-config-20261004": dict(model="recsys-ranker-v1-20261004", itype="ml.g5.xlarge", count=2,
                                               created=T("2026-10-04T08:02:31")),
    "legacy-recs-config": dict(model="legacy-recs-model", itype="ml.m5.large", count=1, created=T("2025-03-11T10:41:15")),
}
# endpoints: name -> (current config, created, last modified)
ENDPOINTS = {
    "churn-prod": dict(config="churn-prod-config-20261006", created=T("2025-11-20T12:00:31"),
                       modified=T("2026-10-06T10:22:41")),
    "fraud-scoring-prod": dict(config="fraud-scoring-prod-config-20260920", created=T("2026-03-02T10:15:09"),
                               modified=T("2026-09-20T14:12:55")),
    "demand-forecast-prod": dict(config="demand-forecast-prod-config-20261014", created=T("2025-06-15T07:45:00"),
                                 modified=T("2026-10-14T09:41:02")),
    "recsys-ranker-prod": dict(config="recsys-ranker-prod-config-20261004", created=T("2026-10-04T08:05:44"),
                               modified=T("2026-10-04T08:13:59")),
    "legacy-recs": dict(config="legacy-recs-config", created=T("2025-03-11T10:42:30"),
                        modified=T("2025-03-11T10:51:12")),
}
# in-period deployments made by the CI pipeline: (build, endpoint, action, model, config, times)
DEPLOYMENTS = [
    dict(build="codebuild-?", endpoint="recsys-ranker-prod", action="CreateEndpoint",
         model="recsys-ranker-v1-20261004", config="recsys-ranker-prod-config-20261004", at=T("2026-10-04T08:05:44")),
    dict(build="codebuild-?", endpoint="churn-prod", action="UpdateEndpoint",
         model="churn-classifier-v3-20261006", config="churn-prod-config-20261006", at=T("2026-10-06T10:15:02")),
    dict(build="codebuild-?", endpoint="demand-forecast-prod", action="UpdateEndpoint",
         model="demand-forecast-v5-20261014", config="demand-forecast-prod-config-20261014", at=T("2026-10-14T09:33:27")),
]
TRAINING_JOBS_PER_GROUP = ["churn-classifier", "demand-forecast", "fraud-scoring", "recsys-ranker"]
LOG_GROUPS_ML_ENDPOINTS = [f"/aws/sagemaker/Endpoints/{e}" for e in ENDPOINTS]


# ----------------------------------------------------------------------------------------------------------------------
# CloudTrail activity


class Session:
    """One role session of a person or a pipeline: who, from where, with which client."""

    def __init__(self, trail: Trail, rng: random.Random, account: str, role: str, name: str, start: datetime,
                 tool: str, ip: str, *, person: str | None = None):
        self.account, self.role, self.name, self.start, self.tool, self.ip = account, role, name, start, tool, ip
        self.person = person
        self.key = rand_key(rng)
        self.identity = trail.assumed_role(account, role, name, start, self.key, mfa=tool == "console")

    def ua(self, cmd: str = "sts.get-caller-identity") -> str:
        return UA[self.tool].format(cmd=cmd, svc="sts")


def cli_cmd(source: str, name: str) -> str:
    svc = source.split(".")[0]
    svc = {"monitoring": "cloudwatch", "api.sagemaker": "sagemaker"}.get(svc, svc)
    return svc + "." + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


class Activity(Trail):
    """The month of CloudTrail: background noise, people, pipelines, and the planted stories."""

    def __init__(self, seed: int, corpus: Corpus):
        super().__init__(seed, corpus)
        c = corpus
        ok = lambda pool: [t for t in pool if t[0].get("errorCode") not in ("AccessDenied",)]  # noqa: E731
        inv = "invictus-ir_aws_dataset.jsonl"
        self.tpl = {
            key: ok(c.pool(*key, src_file=inv, ident_types={"IAMUser", "AssumedRole"}))
            for key in [
                ("ec2.amazonaws.com", "DescribeVpcs"), ("ec2.amazonaws.com", "DescribeSubnets"),
                ("ec2.amazonaws.com", "DescribeRouteTables"), ("ec2.amazonaws.com", "DescribeSecurityGroups"),
                ("ec2.amazonaws.com", "DescribeInstances"), ("ec2.amazonaws.com", "DescribeNetworkInterfaces"),
                ("ec2.amazonaws.com", "DescribeVolumes"), ("ec2.amazonaws.com", "DescribeAvailabilityZones"),
                ("ec2.amazonaws.com", "DescribeNatGateways"), ("ec2.amazonaws.com", "DescribeInternetGateways"),
                ("ec2.amazonaws.com", "DescribeNetworkAcls"), ("ec2.amazonaws.com", "DescribeAccountAttributes"),
                ("ec2.amazonaws.com", "DescribeVpcAttribute"), ("ec2.amazonaws.com", "DescribeImages"),
                ("iam.amazonaws.com", "GetRole"), ("iam.amazonaws.com", "ListAttachedRolePolicies"),
                ("iam.amazonaws.com", "ListRolePolicies"), ("iam.amazonaws.com", "GetRolePolicy"),
                ("iam.amazonaws.com", "GetPolicy"), ("iam.amazonaws.com", "GetPolicyVersion"),
                ("iam.amazonaws.com", "GetUser"), ("iam.amazonaws.com", "ListInstanceProfilesForRole"),
                ("s3.amazonaws.com", "GetBucketAcl"), ("s3.amazonaws.com", "GetBucketVersioning"),
                ("s3.amazonaws.com", "GetBucketPolicy"), ("s3.amazonaws.com", "GetBucketLogging"),
                ("s3.amazonaws.com", "GetBucketTagging"), ("s3.amazonaws.com", "GetBucketPublicAccessBlock"),
                ("s3.amazonaws.com", "GetBucketEncryption"), ("s3.amazonaws.com", "GetBucketLifecycle"),
                ("s3.amazonaws.com", "GetBucketObjectLockConfiguration"), ("s3.amazonaws.com", "GetBucketLocation"),
                ("kms.amazonaws.com", "Decrypt"), ("kms.amazonaws.com", "GenerateDataKey"),
                ("ssm.amazonaws.com", "GetParameter"), ("ssm.amazonaws.com", "DescribeParameters"),
                ("secretsmanager.amazonaws.com", "GetSecretValue"), ("secretsmanager.amazonaws.com", "DescribeSecret"),
                ("sts.amazonaws.com", "GetCallerIdentity"), ("rds.amazonaws.com", "DescribeDBInstances"),
                ("cloudtrail.amazonaws.com", "DescribeTrails"), ("cloudtrail.amazonaws.com", "GetEventSelectors"),
                ("cloudtrail.amazonaws.com", "ListTags"), ("health.amazonaws.com", "DescribeEventAggregates"),
            ]
        }
        self.tpl_service_assume = c.pool("sts.amazonaws.com", "AssumeRole", src_file=inv, ident_types={"AWSService"})
        self.tpl_trail_acl = c.pool("s3.amazonaws.com", "GetBucketAcl", src_file=inv, ident_types={"AWSService"})
        self.tpl_service_event = c.pool("secretsmanager.amazonaws.com", "EndSecretVersionDelete", src_file=inv)
        self.tpl_getobject = c.pool("s3.amazonaws.com", "GetObject", src_file="otrf-security-datasets.jsonl")
        self._now = WINDOW_START  # the time sm_read_params resolves "existing resources" against

    # --- building blocks -------------------------------------------------------------------------------------------

    def real(self, rng, key, *, account, region, when, identity, ip=None, ua=None, role="ml-engineer",
             bucket=None, protect=False, keep_error=True):
        return self.derive(rng, rng.choice(self.tpl[key]), account=account, region=region, when=when,
                           identity=identity, ip=ip, ua=ua, role=role, bucket=bucket, protect=protect,
                           keep_error=keep_error)

    def sm(self, rng, sess: Session, when, name, params, *, response=None, read_only=True, region=SM_REGION,
           error=None, protect=False):
        rec = self.synthetic(rng, account=sess.account, region=region, when=when, identity=sess.identity,
                             source="sagemaker.amazonaws.com", name=name, params=params, response=response,
                             read_only=read_only, ip=sess.ip, ua=sess.ua(cli_cmd("sagemaker", name)), error=error,
                             host=f"api.sagemaker.{region}.amazonaws.com", protect=protect)
        if sess.tool == "console":
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def s3_object(self, rng, *, account, region, when, identity, op, bucket, key, ip, ua, error=None,
                  vpce=None, size=None):
        """An S3 data event, from the real GetObject records of the OTRF dataset brought to the 1.09 layout."""
        rec = self.derive(rng, rng.choice(self.tpl_getobject), account=account, region=region, when=when,
                          identity=identity, ip=ip, ua=ua, bucket=bucket, add=False)
        rec["eventVersion"] = "1.09"
        rec["eventName"] = op
        rec["awsRegion"] = region
        rec["readOnly"] = op == "GetObject"
        rec["requestParameters"] = {"bucketName": bucket, "Host": f"{bucket}.s3.{region}.amazonaws.com", "key": key}
        size = size if size is not None else rng.randint(2_000_000, 96_000_000)
        extra = rec["additionalEventData"]
        extra.update({"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                      "bytesTransferredIn": 0.0 if op == "GetObject" else float(size),
                      "AuthenticationMethod": "AuthHeader",
                      "bytesTransferredOut": float(size) if op == "GetObject" else 0.0})
        if op != "GetObject":
            extra["x-auditreport-sample"] = "synthetic"
        rec["resources"] = [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
                            {"accountId": account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}]
        rec["recipientAccountId"] = account
        rec["requestID"] = s3_request_id(rng)
        if error:
            rec["errorCode"], rec["errorMessage"] = error
            extra["bytesTransferredOut"] = 0.0
        if vpce:
            rec["vpcEndpointId"] = vpce
        rec["eventCategory"] = "Data"
        rec["managementEvent"] = False
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": f"{bucket}.s3.{region}.amazonaws.com"}
        rec = canonical(rec)
        return self.add(account, region, when, rec)

    def logs_call(self, rng, sess: Session, when, name, params, region=EU):
        rec = self.synthetic(rng, account=sess.account, region=region, when=when, identity=sess.identity,
                             source="logs.amazonaws.com", name=name, params=params, read_only=True, ip=sess.ip,
                             ua=sess.ua(cli_cmd("logs", name)))
        if sess.tool == "console":
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def metric_call(self, rng, sess: Session, when, endpoint):
        start = when - timedelta(hours=3)
        params = {"metricDataQueries": [{"id": "m1", "metricStat": {"metric": {
            "namespace": "AWS/SageMaker", "metricName": rng.choice(["ModelLatency", "Invocations", "Invocation5XXErrors"]),
            "dimensions": [{"name": "EndpointName", "value": endpoint}, {"name": "VariantName", "value": "AllTraffic"}]},
            "period": 300, "stat": "Average"}, "returnData": True}],
            "startTime": console_time(start), "endTime": console_time(when)}
        rec = self.synthetic(rng, account=sess.account, region=EU, when=when, identity=sess.identity,
                             source="monitoring.amazonaws.com", name="GetMetricData", params=params, read_only=True,
                             ip=sess.ip, ua=sess.ua("cloudwatch.get-metric-data"))
        if sess.tool == "console":
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def saml_login(self, rng, sess: Session, when):
        """AssumeRoleWithSAML at the start of a person's session (global STS endpoint, so us-east-1)."""
        acct, email = sess.account, PEOPLE_EMAIL.format(sess.person)
        tpl = rng.choice(self.tpl_service_assume)
        token = mutate_token(rng, tpl[0]["responseElements"]["credentials"]["sessionToken"])
        provider = f"arn:aws:iam::{acct}:saml-provider/{SAML_PROVIDER}"
        rarn = role_arn(acct, sess.role)
        ident = {"type": "SAMLUser", "principalId": f"{b32id(acct, 'saml', n=28)}=:{email}", "userName": email,
                 "identityProvider": b32id(acct, "idp", n=27) + "="}
        params = {"sAMLAssertionID": "_" + rand_hex(rng, 32), "roleSessionName": sess.name, "roleArn": rarn,
                  "principalArn": provider, "durationSeconds": 3600}
        resp = {"credentials": {"accessKeyId": sess.key, "sessionToken": token,
                                "expiration": console_time(when + timedelta(hours=1))},
                "assumedRoleUser": {"assumedRoleId": f"{role_id(acct, sess.role)}:{sess.name}",
                                    "arn": f"arn:aws:sts::{acct}:assumed-role/{sess.role}/{sess.name}"},
                "subject": email, "subjectType": "persistent", "issuer": "http://www.okta.com/exk4nw1nd0rthw1nd",
                "audience": "https://signin.aws.amazon.com/saml",
                "nameQualifier": base64.b64encode(hashlib.sha1(acct.encode()).digest()).decode()}
        res = [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": rarn},
               {"accountId": acct, "type": "AWS::IAM::SAMLProvider", "ARN": provider}]
        ua = UA["console"] if sess.tool == "console" else "aws-internal/3 aws-sdk-java/1.12.772 Linux/5.10.226 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS java/17.0.12 vendor/Amazon.com_Inc. cfg/retry-mode/standard"
        return self.synthetic(rng, account=acct, region=US, when=when, identity=ident, source="sts.amazonaws.com",
                              name="AssumeRoleWithSAML", params=params, response=resp, read_only=True, ip=sess.ip,
                              ua=ua, resources=res, host="sts.amazonaws.com")

    def service_assume(self, rng, account, region, when):
        tpl = rng.choice(self.tpl_service_assume)
        ident = copy.deepcopy(tpl[0]["userIdentity"])
        return self.derive(rng, tpl, account=account, region=region, when=when, identity=ident)

    def service_kms(self, rng, account, region, t):
        """A service decrypting on a principal's behalf (Secrets Manager, SSM), as in the real records."""
        k = rng.choice([("kms.amazonaws.com", "Decrypt"), ("kms.amazonaws.com", "Decrypt"),
                        ("kms.amazonaws.com", "GenerateDataKey")])
        sess_key = rand_key(rng)
        ident = self.assumed_role(account, "sagemaker-execution-role", "SageMaker", t - timedelta(minutes=20), sess_key,
                                  invoked_by="secretsmanager.amazonaws.com")
        return self.real(rng, k, account=account, region=region, when=t, identity=ident)

    # --- background: AWS services, Config, the trail itself --------------------------------------------------------

    def background(self):
        for account in ACCOUNTS:
            for region in REGIONS:
                rng = self.rng(f"background:{account}:{region}")
                t = WINDOW_START + timedelta(seconds=rng.randint(5, 400))
                cfg_key = rand_key(rng)
                cfg_created = t
                while t < WINDOW_END:
                    if (t - cfg_created) > timedelta(hours=1):
                        cfg_key, cfg_created = rand_key(rng), t
                    self.background_event(rng, account, region, t, cfg_key, cfg_created)
                    busy = is_weekday(t) and 7 <= t.hour < 19
                    mean = (14 if busy else 30) if region == EU else (40 if busy else 65)
                    t += timedelta(seconds=min(rng.expovariate(1 / (mean * 60)), 75 * 60) + 20)

    def background_event(self, rng, account, region, t, cfg_key, cfg_created):
        config = self.assumed_role(account, "AWSServiceRoleForConfig", "AWSConfig-Describe", cfg_created, cfg_key,
                                   invoked_by="config.amazonaws.com", path="aws-service-role/config.amazonaws.com/")
        r = rng.random()
        if region == EU:
            if r < 0.55:
                key = rng.choice([k for k in self.tpl if k[0] in ("ec2.amazonaws.com",)] +
                                 [("s3.amazonaws.com", "GetBucketAcl"), ("s3.amazonaws.com", "GetBucketVersioning"),
                                  ("s3.amazonaws.com", "GetBucketPolicy"), ("s3.amazonaws.com", "GetBucketTagging"),
                                  ("s3.amazonaws.com", "GetBucketPublicAccessBlock"),
                                  ("rds.amazonaws.com", "DescribeDBInstances")])
                self.real(rng, key, account=account, region=region, when=t, identity=config,
                          ip="config.amazonaws.com", ua="config.amazonaws.com")
            elif r < 0.7:
                bucket = TRAIL[account]["bucket"]
                self.derive(rng, rng.choice(self.tpl_trail_acl), account=account, region=region, when=t,
                            identity=self.aws_service("cloudtrail.amazonaws.com"), bucket=bucket)
            elif r < 0.86 and account == PROD:
                self.trail_kms(rng, account, region, t)
            elif r < 0.86:
                k = rng.choice([("ec2.amazonaws.com", "DescribeInstances"), ("ec2.amazonaws.com", "DescribeVolumes"),
                                ("ec2.amazonaws.com", "DescribeSecurityGroups")])
                self.real(rng, k, account=account, region=region, when=t, identity=config,
                          ip="config.amazonaws.com", ua="config.amazonaws.com")
            elif r < 0.885:
                self.service_assume(rng, account, region, t)
            elif r < 0.985:
                self.service_kms(rng, account, region, t)
            else:
                self.derive(rng, rng.choice(self.tpl_service_event), account=account, region=region, when=t,
                            identity=None)
        else:
            if r < 0.5:
                key = rng.choice([("iam.amazonaws.com", n) for n in ("GetRole", "ListAttachedRolePolicies",
                                                                       "ListRolePolicies", "GetRolePolicy",
                                                                       "GetPolicy", "GetPolicyVersion",
                                                                       "ListInstanceProfilesForRole")])
                role = rng.choice(["ml-engineer", "ml-approver", "ml-deploy-pipeline", "sagemaker-execution-role",
                                   "data-platform-admin", "data-scientist-readonly"])
                self.real(rng, key, account=account, region=region, when=t, identity=config,
                          ip="config.amazonaws.com", ua="config.amazonaws.com", role=role)
            elif r < 0.92:
                key = rng.choice([("ec2.amazonaws.com", n) for n in ("DescribeVpcs", "DescribeSubnets",
                                                                       "DescribeSecurityGroups", "DescribeRouteTables",
                                                                       "DescribeNetworkAcls", "DescribeVolumes")])
                self.real(rng, key, account=account, region=region, when=t, identity=config,
                          ip="config.amazonaws.com", ua="config.amazonaws.com")
            elif r < 0.96:
                self.service_kms(rng, account, region, t)
            else:
                self.service_assume(rng, account, region, t)

    def trail_kms(self, rng, account, region, t):
        """The trail encrypts each log file with its KMS key: GenerateDataKey by cloudtrail.amazonaws.com."""
        tr = TRAIL[account]
        rec = self.real(rng, ("kms.amazonaws.com", "GenerateDataKey"), account=account, region=region, when=t,
                        identity=self.aws_service("cloudtrail.amazonaws.com"))
        rec["sourceIPAddress"] = rec["userAgent"] = "cloudtrail.amazonaws.com"
        rec["requestParameters"] = {
            "keyId": kms_key_arn(account),
            "encryptionContext": {"aws:cloudtrail:arn": f"arn:aws:cloudtrail:{HOME_REGION}:{account}:trail/{tr['name']}",
                                  "aws:s3:arn": f"arn:aws:s3:::{tr['bucket']}/AWSLogs/{account}/CloudTrail/{region}/"
                                                f"{t:%Y/%m/%d}/{account}_CloudTrail_{region}_{t:%Y%m%dT%H%MZ}_"
                                                f"{rand_alnum(rng, 16)}.json.gz"},
            "keySpec": "AES_256"}
        rec["resources"] = [{"accountId": account, "type": "AWS::KMS::Key", "ARN": kms_key_arn(account)}]
        rec.pop("vpcEndpointId", None)
        rec.pop("sessionCredentialFromConsole", None)

    # --- terraform drift detection, nightly ------------------------------------------------------------------------

    def terraform(self):
        for account in ACCOUNTS:
            rng = self.rng(f"terraform:{account}")
            key = rand_key(rng, "AKIA")
            ident = self.iam_user(account, "northwind-terraform", key)
            for day in days(WINDOW_START, WINDOW_END):
                t = day + timedelta(hours=3, minutes=rng.randint(0, 6), seconds=rng.randint(0, 59))
                n = rng.randint(95, 135) if account == PROD else rng.randint(60, 90)
                keys = list(self.tpl)
                for _ in range(n):
                    k = rng.choice(keys)
                    if k[0] in ("health.amazonaws.com",):
                        continue
                    region = US if k[0] == "iam.amazonaws.com" else EU
                    svc = k[0].split(".")[0]
                    role = rng.choice(["ml-engineer", "ml-approver", "ml-deploy-pipeline", "sagemaker-execution-role"])
                    self.real(rng, k, account=account, region=region, when=t, identity=ident, ip=CI_IPS[2],
                              ua=UA["terraform"].format(svc=svc), role=role)
                    t += timedelta(milliseconds=rng.randint(150, 4000))
                if account == PROD:  # terraform also refreshes the SageMaker endpoints it manages
                    sess = Session(self, rng, account, "ml-deploy-pipeline", "terraform-drift", t, "cli", CI_IPS[2])
                    sess.identity = ident
                    for ep in ENDPOINTS:
                        rec = self.sm(rng, sess, t, "DescribeEndpoint", {"endpointName": ep})
                        rec["userAgent"] = UA["terraform"].format(svc="sagemaker")
                        t += timedelta(milliseconds=rng.randint(200, 900))


def kms_key_arn(account: str) -> str:
    return f"arn:aws:kms:{HOME_REGION}:{account}:key/{uuid.UUID(hashlib.md5(account.encode()).hexdigest())}"


DATASETS = {
    "churn-classifier": "churn/features",
    "demand-forecast": "demand/daily-sales",
    "fraud-scoring": "fraud/transactions",
    "recsys-ranker": "recsys/interactions",
}


def dataset_key(rng: random.Random, group: str, day: datetime) -> str:
    return (f"{DATASETS[group]}/dt={(day - timedelta(days=rng.randint(0, 3))):%Y-%m-%d}/"
            f"part-{rng.randint(0, 63):05d}-{rand_hex(rng, 8)}-c000.snappy.parquet")


class People(Activity):
    """What people and pipelines do: working sessions, CI builds, training jobs."""

    SM_PROD_READS = ["ListModelPackages", "DescribeModelPackage", "ListEndpoints", "DescribeEndpoint",
                     "DescribeEndpointConfig", "DescribeModel", "ListTrainingJobs", "DescribeTrainingJob",
                     "ListModelPackageGroups"]
    SM_DEV_READS = ["ListTrainingJobs", "DescribeTrainingJob", "ListModelPackageGroups", "ListEndpoints",
                    "DescribeDomain", "ListApps", "ListExperiments"]

    def sm_read_params(self, rng, account, name, person):
        grp = rng.choice(sorted(DATASETS))
        if name == "ListModelPackages":
            return {"modelPackageGroupName": grp, "sortBy": "CreationTime", "sortOrder": "Descending",
                    "maxResults": 50}
        if name == "DescribeModelPackage":
            p = rng.choice([p for p in PACKAGES if p["created"] < self._now])
            return {"modelPackageName": p["arn"]}
        if name in ("ListEndpoints", "ListTrainingJobs", "ListExperiments"):
            return {"sortBy": "CreationTime", "sortOrder": "Descending", "maxResults": rng.choice([10, 20, 50])}
        if name == "DescribeEndpoint":
            return {"endpointName": rng.choice(sorted(ENDPOINTS))}
        if name == "DescribeEndpointConfig":
            return {"endpointConfigName": rng.choice(sorted(c for c, v in CONFIGS.items() if v["created"] < self._now))}
        if name == "DescribeModel":
            return {"modelName": rng.choice(sorted(m for m, v in MODELS.items() if v["created"] < self._now))}
        if name == "DescribeTrainingJob":
            return {"trainingJobName": f"{grp}-{'nightly' if account == PROD else person}-"
                                       f"{self._now - timedelta(days=rng.randint(0, 6)):%Y%m%d}-0100"}
        if name == "ListModelPackageGroups":
            return {"sortBy": "CreationTime", "sortOrder": "Descending", "maxResults": 100}
        if name == "DescribeDomain":
            return {"domainId": "d-" + b32id(account, "domain", n=12).lower()}
        if name == "ListApps":
            return {"domainIdEquals": "d-" + b32id(account, "domain", n=12).lower(), "userProfileNameEquals": person}
        return {}

    def human_op(self, rng, sess: Session, when: datetime):
        role, account, person = sess.role, sess.account, sess.person
        self._now = when
        r = rng.random()
        if role == "data-platform-admin":
            if r < 0.3:
                k = rng.choice([k for k in self.tpl if k[0] == "ec2.amazonaws.com"])
                self.real(rng, k, account=account, region=EU, when=when, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua(cli_cmd(*k)))
            elif r < 0.55:
                k = rng.choice([k for k in self.tpl if k[0] == "iam.amazonaws.com"])
                self.real(rng, k, account=account, region=US, when=when, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua(cli_cmd(*k)), role=rng.choice(["ml-engineer", "ml-deploy-pipeline",
                                                                      "data-scientist-readonly"]))
            elif r < 0.72:
                k = rng.choice([k for k in self.tpl if k[0] == "s3.amazonaws.com"])
                self.real(rng, k, account=account, region=EU, when=when, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua(cli_cmd(*k)))
            elif r < 0.8:
                k = rng.choice([k for k in self.tpl if k[0] == "cloudtrail.amazonaws.com"])
                self.real(rng, k, account=account, region=EU, when=when, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua(cli_cmd(*k)))
            elif r < 0.9:
                self.logs_call(rng, sess, when, "DescribeLogGroups", {"limit": 50})
            else:
                k = rng.choice([("kms.amazonaws.com", "Decrypt"), ("rds.amazonaws.com", "DescribeDBInstances"),
                                ("sts.amazonaws.com", "GetCallerIdentity"), ("health.amazonaws.com",
                                                                              "DescribeEventAggregates")])
                self.real(rng, k, account=account, region=US if k[0] == "health.amazonaws.com" else EU, when=when,
                          identity=sess.identity, ip=sess.ip, ua=sess.ua(cli_cmd(*k)))
            return
        if role == "data-scientist-readonly":
            if r < 0.45 and account == PROD:
                grp = rng.choice(sorted(DATASETS))
                self.s3_object(rng, account=account, region=EU, when=when, identity=sess.identity, op="GetObject",
                               bucket=DATASETS_BUCKET, key=dataset_key(rng, grp, when), ip=sess.ip, ua=UA["studio"],
                               vpce=vpce_id(account, EU, "s3"))
                return
            r = rng.random() * 0.8 + 0.2
        if role == "ml-approver":
            if r < 0.65:
                name = rng.choice(["ListModelPackages", "DescribeModelPackage", "DescribeModelPackage",
                                   "ListModelPackageGroups", "DescribeEndpoint"])
                self.sm(rng, sess, when, name, self.sm_read_params(rng, account, name, person))
            elif r < 0.85:
                self.metric_call(rng, sess, when, rng.choice(sorted(ENDPOINTS)))
            else:
                self.logs_call(rng, sess, when, "FilterLogEvents", self.filter_params(rng, when))
            return
        # ml-engineer, and the rest of data-scientist-readonly
        reads = self.SM_PROD_READS if account == PROD else self.SM_DEV_READS
        if r < 0.45:
            name = rng.choice(reads)
            region = US if rng.random() < 0.04 else SM_REGION  # someone's default region is us-east-1
            self.sm(rng, sess, when, name, self.sm_read_params(rng, account, name, person), region=region)
        elif r < 0.6:
            name = rng.choice(["FilterLogEvents", "GetLogEvents", "DescribeLogStreams", "DescribeLogGroups"])
            params = self.filter_params(rng, when)
            if name == "GetLogEvents":
                params = {"logGroupName": params["logGroupName"], "logStreamName": "AllTraffic/i-0" + rand_hex(rng, 16),
                          "startFromHead": False}
            elif name == "DescribeLogStreams":
                params = {"logGroupName": params["logGroupName"], "orderBy": "LastEventTime", "descending": True}
            elif name == "DescribeLogGroups":
                params = {"logGroupNamePrefix": rng.choice(["/aws/sagemaker/", "/ml/"])}
            self.logs_call(rng, sess, when, name, params)
        elif r < 0.68 and account == PROD:
            self.metric_call(rng, sess, when, rng.choice(sorted(ENDPOINTS)))
        elif r < 0.8 and account == PROD:
            grp = rng.choice(sorted(DATASETS))
            self.s3_object(rng, account=account, region=EU, when=when, identity=sess.identity, op="GetObject",
                           bucket=DATASETS_BUCKET, key=dataset_key(rng, grp, when), ip=sess.ip, ua=UA["studio"],
                           vpce=vpce_id(account, EU, "s3"))
        elif 0.6 <= r < 0.625 and account == DEV and role == "ml-engineer":
            self.dev_training(rng, sess, when)
        else:
            k = rng.choice([("kms.amazonaws.com", "Decrypt"), ("secretsmanager.amazonaws.com", "GetSecretValue"),
                            ("ssm.amazonaws.com", "GetParameter"), ("sts.amazonaws.com", "GetCallerIdentity"),
                            ("ec2.amazonaws.com", "DescribeInstances"), ("ec2.amazonaws.com", "DescribeSubnets"),
                            ("ssm.amazonaws.com", "DescribeParameters")])
            self.real(rng, k, account=account, region=EU, when=when, identity=sess.identity, ip=sess.ip,
                      ua=sess.ua(cli_cmd(*k)))

    def filter_params(self, rng, when):
        group = rng.choice(LOG_GROUPS_ML_ENDPOINTS + ["/aws/sagemaker/TrainingJobs", "/ml/mlflow-server"])
        return {"logGroupName": group, "startTime": ms(when - timedelta(hours=rng.choice([1, 3, 24]))),
                "endTime": ms(when), "filterPattern": rng.choice(["ERROR", "?ERROR ?WARN", "latency", ""]),
                "interleaved": True}

    def dev_training(self, rng, sess: Session, when):
        grp = rng.choice(sorted(DATASETS))
        name = f"{grp}-{sess.person}-{when:%Y%m%d-%H%M}"
        arn = f"arn:aws:sagemaker:{EU}:{sess.account}:training-job/{name}"
        params = {"trainingJobName": name,
                  "algorithmSpecification": {"trainingImage": IMAGES["xgboost"], "trainingInputMode": "File",
                                             "enableSageMakerMetricsTimeSeries": True},
                  "roleArn": role_arn(sess.account, "sagemaker-execution-role"),
                  "inputDataConfig": [{"channelName": "train", "dataSource": {"s3DataSource": {
                      "s3DataType": "S3Prefix", "s3Uri": f"s3://northwind-dev-sandbox/{sess.person}/{grp}/train/",
                      "s3DataDistributionType": "FullyReplicated"}}, "contentType": "text/csv"}],
                  "outputDataConfig": {"s3OutputPath": f"s3://northwind-dev-sandbox/{sess.person}/{grp}/output/"},
                  "resourceConfig": {"instanceType": "ml.m5.xlarge", "instanceCount": 1, "volumeSizeInGB": 30},
                  "stoppingCondition": {"maxRuntimeInSeconds": 14400},
                  "hyperParameters": {"max_depth": str(rng.choice([4, 6, 8])), "eta": "0.2", "num_round": "200"}}
        self.sm(rng, sess, when, "CreateTrainingJob", params, response={"trainingJobArn": arn}, read_only=False)
        t = when
        for _ in range(rng.randint(2, 5)):
            t += timedelta(seconds=rng.randint(20, 90))
            self.sm(rng, sess, t, "DescribeTrainingJob", {"trainingJobName": name})

    def humans(self):
        for person, spec in HUMANS.items():
            rng = self.rng(f"human:{person}")
            for day in days(WINDOW_START, WINDOW_END):
                for account, p in spec["accounts"].items():
                    if not is_weekday(day):
                        p = p * (0.15 if person == "eve" else 0.05)
                    n_sessions = (rng.random() < p) + (rng.random() < p * 0.25)
                    for _ in range(n_sessions):
                        start = day + timedelta(hours=7, minutes=30) + timedelta(seconds=rng.randint(0, 9 * 3600))
                        self.human_session(rng, person, spec["role"], account, start, rng.randint(12, 40),
                                           tool=rng.choice(spec["tools"]))

    def human_session(self, rng, person, role, account, start, n_ops, *, tool, login=True) -> Session:
        ip = rng.choice(VPN_IPS if rng.random() < 0.4 else OFFICE_IPS)
        if tool == "studio":
            ip = f"10.20.{rng.randint(1, 3)}.{rng.randint(10, 250)}"
        sess = Session(self, rng, account, role, person, start, tool, ip, person=person)
        if login:
            self.saml_login(rng, sess, start)
        t = start + timedelta(seconds=rng.randint(5, 40))
        for _ in range(n_ops):
            self.human_op(rng, sess, t)
            t += timedelta(seconds=int(rng.expovariate(1 / 150)) + 2)
        return sess

    # --- CI: the ml-deploy-pipeline CodeBuild project ---------------------------------------------------------------


    def ci_session(self, rng, account, build: int, start: datetime) -> Session:
        name = f"codebuild-{build}"
        tpl = rng.choice(self.tpl_service_assume)
        rec = self.derive(rng, tpl, account=account, region=EU, when=start,
                          identity=self.aws_service("codebuild.amazonaws.com"))
        rec["sourceIPAddress"] = rec["userAgent"] = "codebuild.amazonaws.com"
        rarn = role_arn(account, "ml-deploy-pipeline")
        rec["requestParameters"] = {"roleArn": rarn, "roleSessionName": name, "durationSeconds": 3600}
        rec["responseElements"]["assumedRoleUser"] = {
            "assumedRoleId": f"{role_id(account, 'ml-deploy-pipeline')}:{name}",
            "arn": f"arn:aws:sts::{account}:assumed-role/ml-deploy-pipeline/{name}"}
        rec["resources"] = [{"accountId": account, "type": "AWS::IAM::Role", "ARN": rarn}]
        sess = Session(self, rng, account, "ml-deploy-pipeline", name, start, "codebuild", rng.choice(CI_IPS))
        rec["responseElements"]["credentials"]["accessKeyId"] = sess.key
        return sess

    def ci_prelude(self, rng, sess: Session, t: datetime) -> datetime:
        acct = sess.account
        t += timedelta(seconds=rng.randint(20, 60))
        self.synthetic(rng, account=acct, region=EU, when=t, identity=sess.identity, source="logs.amazonaws.com",
                       name="CreateLogStream", params={"logGroupName": "/aws/codebuild/ml-deploy-pipeline",
                                                       "logStreamName": rand_uuid(rng)},
                       read_only=False, ip=sess.ip, ua="codebuild.amazonaws.com")
        t += timedelta(seconds=rng.randint(5, 30))
        self.synthetic(rng, account=acct, region=EU, when=t, identity=sess.identity, source="ecr.amazonaws.com",
                       name="GetAuthorizationToken", params={"registryIds": [acct]}, read_only=True, ip=sess.ip,
                       ua=UA["codebuild"], host=f"api.ecr.{EU}.amazonaws.com")
        for k in [("sts.amazonaws.com", "GetCallerIdentity"), ("secretsmanager.amazonaws.com", "GetSecretValue"),
                  ("kms.amazonaws.com", "Decrypt")]:
            t += timedelta(seconds=rng.randint(2, 20))
            self.real(rng, k, account=acct, region=EU, when=t, identity=sess.identity, ip=sess.ip, ua=UA["codebuild"],
                      keep_error=False)
        return t

    def ci_builds(self):
        """Routine builds, numbered in time order together with the builds of the registry and deployment stories."""
        rng = self.rng("ci")
        starts = []
        for day in days(WINDOW_START, WINDOW_END):
            starts.append(day + timedelta(hours=1, minutes=30, seconds=rng.randint(0, 600)))  # nightly validation
            if is_weekday(day):
                starts += [day + timedelta(seconds=rng.randint(8 * 3600, 18 * 3600)) for _ in range(rng.randint(1, 3))]
        stories = [(p["created"] - timedelta(minutes=3), p) for p in PACKAGES
                   if p["creator"] and p["creator"][0] == "ml-deploy-pipeline"]
        stories += [(MODELS[d["model"]]["created"] - timedelta(minutes=4), d) for d in DEPLOYMENTS]
        timeline = sorted([(t, None) for t in starts] + stories, key=lambda x: x[0])
        for build, (start, story) in enumerate(timeline, start=4791):
            if story is not None:  # the story itself writes its events later
                if "build" in story:
                    story["build"] = f"codebuild-{build}"
                else:
                    story["creator"] = ("ml-deploy-pipeline", f"codebuild-{build}")
                continue
            account = PROD if rng.random() < 0.7 else DEV
            sess = self.ci_session(rng, account, build, start)
            t = self.ci_prelude(rng, sess, start)
            if account == PROD:
                self._now = t
                for _ in range(rng.randint(2, 6)):
                    t += timedelta(seconds=rng.randint(1, 15))
                    name = rng.choice(["ListModelPackages", "DescribeModelPackage", "DescribeEndpoint"])
                    self.sm(rng, sess, t, name, self.sm_read_params(rng, account, name, "ci"))
            else:
                for _ in range(rng.randint(1, 3)):
                    t += timedelta(seconds=rng.randint(1, 15))
                    self.sm(rng, sess, t, "ListTrainingJobs", {"sortBy": "CreationTime", "sortOrder": "Descending",
                                                               "maxResults": 10})

    # --- nightly retraining in prod: the execution role reads the datasets --------------------------------------

    def training(self):
        rng = self.rng("training")
        for day in days(WINDOW_START, WINDOW_END):
            for i, grp in enumerate(["churn-classifier", "demand-forecast"] +
                                    (["fraud-scoring"] if day.weekday() == 6 else [])):
                start = day + timedelta(hours=1, minutes=2 + 20 * i, seconds=rng.randint(0, 300))
                self.training_job(rng, grp, start, rng.randint(18, 48))

    def training_job(self, rng, grp, start, shards):
        acct = PROD
        rec = self.service_assume(rng, acct, EU, start)
        rec["sourceIPAddress"] = rec["userAgent"] = "sagemaker.amazonaws.com"
        rec["userIdentity"] = self.aws_service("sagemaker.amazonaws.com")
        rarn = EXEC_ROLE
        rec["requestParameters"] = {"roleArn": rarn, "roleSessionName": "SageMaker", "durationSeconds": 3600}
        key = rand_key(rng)
        rec["responseElements"]["assumedRoleUser"] = {"assumedRoleId": f"{role_id(acct, 'sagemaker-execution-role')}:SageMaker",
                                                      "arn": f"arn:aws:sts::{acct}:assumed-role/sagemaker-execution-role/SageMaker"}
        rec["responseElements"]["credentials"]["accessKeyId"] = key
        rec["resources"] = [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": rarn}]
        ident = self.assumed_role(acct, "sagemaker-execution-role", "SageMaker", start, key)
        ip = f"10.20.{rng.randint(8, 11)}.{rng.randint(10, 250)}"
        t = start + timedelta(seconds=rng.randint(60, 180))
        job = f"{grp}-nightly-{start:%Y%m%d}-0100"
        self.synthetic(rng, account=acct, region=EU, when=t, identity=ident, source="logs.amazonaws.com",
                       name="CreateLogStream", params={"logGroupName": "/aws/sagemaker/TrainingJobs",
                                                       "logStreamName": f"{job}/algo-1-{int(t.timestamp())}"},
                       read_only=False, ip=ip, ua=UA["training"], vpce=vpce_id(acct, EU, "logs"))
        for _ in range(shards):
            t += timedelta(milliseconds=rng.randint(200, 9000))
            self.s3_object(rng, account=acct, region=EU, when=t, identity=ident, op="GetObject",
                           bucket=DATASETS_BUCKET, key=dataset_key(rng, grp, start), ip=ip, ua=UA["training"],
                           vpce=vpce_id(acct, EU, "s3"))


def denied_message(principal_arn: str, action: str, resource: str) -> str:
    return (f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} "
            f"because no identity-based policy allows the {action} action")


class Stories(People):
    """The model registry and deployment history of the month, and every planted violation (see README.md)."""

    def story_session(self, rng, person, role, account, start, tool="console", ip=None) -> Session:
        sess = Session(self, rng, account, role, person, start, tool, ip or rng.choice(OFFICE_IPS), person=person)
        self.saml_login(rng, sess, start)
        return sess

    # --- model registry: CreateModelPackage and UpdateModelPackage ---------------------------------------------------

    def registry(self):
        rng = self.rng("registry")
        for p in PACKAGES:
            if p["creator"] is None:
                continue
            role, who = p["creator"]
            t = p["created"]
            if role == "ml-deploy-pipeline":
                sess = self.ci_session(rng, PROD, int(who.split("-")[1]), t - timedelta(minutes=3))
                self.ci_prelude(rng, sess, t - timedelta(minutes=3))
            else:
                sess = self.story_session(rng, who, role, PROD, t - timedelta(minutes=rng.randint(6, 25)), tool="studio",
                                          ip=f"10.20.2.{rng.randint(10, 250)}")
                self._now = t
                for _ in range(3):
                    self.sm(rng, sess, t - timedelta(seconds=rng.randint(30, 300)), "ListModelPackages",
                            {"modelPackageGroupName": p["group"], "sortBy": "CreationTime", "sortOrder": "Descending",
                             "maxResults": 10})
            img = IMAGES[p["image"]]
            params = {
                "modelPackageGroupName": p["group"],
                "modelPackageDescription": f"{p['group']} trained {p['created'] - timedelta(days=1):%Y-%m-%d}",
                "inferenceSpecification": {
                    "containers": [{"image": img, "modelDataUrl": p["data"]}],
                    "supportedContentTypes": ["text/csv", "application/json"],
                    "supportedResponseMIMETypes": ["application/json"],
                    "supportedRealtimeInferenceInstanceTypes": ["ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge",
                                                                "ml.g5.xlarge"],
                    "supportedTransformInstanceTypes": ["ml.m5.xlarge"]},
                "modelApprovalStatus": "PendingManualApproval",
                "customerMetadataProperties": {"mlflow_model": p["group"], "git_sha": rand_hex(rng, 12)},
                "clientToken": rand_uuid(rng),
            }
            self.sm(rng, sess, t, "CreateModelPackage", params, response={"modelPackageArn": p["arn"]},
                    read_only=False, protect=True)
            for (when, status, arole, awho, desc) in p["approvals"]:
                asess = self.story_session(rng, awho, arole, PROD, when - timedelta(minutes=rng.randint(4, 15)),
                                           tool="console")
                self._now = when
                self.sm(rng, asess, when - timedelta(seconds=rng.randint(40, 200)), "DescribeModelPackage",
                        {"modelPackageName": p["arn"]})
                self.sm(rng, asess, when, "UpdateModelPackage",
                        {"modelPackageArn": p["arn"], "modelApprovalStatus": status, "approvalDescription": desc},
                        response={"modelPackageArn": p["arn"]}, read_only=False, protect=True)

    # --- deployments by the pipeline ---------------------------------------------------------------------------------

    def deployments(self):
        rng = self.rng("deployments")
        for d in DEPLOYMENTS:
            model, config = MODELS[d["model"]], CONFIGS[d["config"]]
            pkg = PKG[model["package"]]
            build = int(d["build"].split("-")[1])
            start = model["created"] - timedelta(minutes=4)
            sess = self.ci_session(rng, PROD, build, start)
            t = self.ci_prelude(rng, sess, start)
            self._now = t
            self.sm(rng, sess, t + timedelta(seconds=5), "DescribeModelPackage", {"modelPackageName": pkg["arn"]})
            self.sm(rng, sess, model["created"], "CreateModel",
                    {"modelName": d["model"], "primaryContainer": {"modelPackageName": pkg["arn"]},
                     "executionRoleArn": EXEC_ROLE, "enableNetworkIsolation": False},
                    response={"modelArn": f"{SM_ARN}:model/{d['model']}"}, read_only=False, protect=True)
            self.sm(rng, sess, config["created"], "CreateEndpointConfig",
                    {"endpointConfigName": d["config"],
                     "productionVariants": [{"variantName": "AllTraffic", "modelName": d["model"],
                                             "initialInstanceCount": config["count"],
                                             "instanceType": config["itype"], "initialVariantWeight": 1.0}],
                     "dataCaptureConfig": {"enableCapture": True, "initialSamplingPercentage": 20,
                                           "destinationS3Uri": f"s3://northwind-ml-artifacts/data-capture/{d['endpoint']}",
                                           "captureOptions": [{"captureMode": "Input"}, {"captureMode": "Output"}]}},
                    response={"endpointConfigArn": f"{SM_ARN}:endpoint-config/{d['config']}"}, read_only=False,
                    protect=True)
            self.sm(rng, sess, d["at"], d["action"], {"endpointName": d["endpoint"], "endpointConfigName": d["config"]},
                    response={"endpointArn": f"{SM_ARN}:endpoint/{d['endpoint']}"}, read_only=False, protect=True)
            t = d["at"]
            for _ in range(rng.randint(8, 14)):  # the pipeline waits for InService
                t += timedelta(seconds=30)
                self.sm(rng, sess, t, "DescribeEndpoint", {"endpointName": d["endpoint"]})
            if d["endpoint"] == "churn-prod":  # the pipeline records the deployment on the package: not an approval
                self.sm(rng, sess, t + timedelta(seconds=40), "UpdateModelPackage",
                        {"modelPackageArn": pkg["arn"],
                         "customerMetadataProperties": {"deployed_to": "churn-prod", "deployed_by": d["build"]}},
                        response={"modelPackageArn": pkg["arn"]}, read_only=False, protect=True)

    # --- planted: access-denied burst, tampering, root, odd records -----------------------------------------------

    def denied_burst(self):
        """P-ACCESS-BURST: 14 denied SageMaker calls by data-scientist-readonly/mallory in 6 minutes."""
        rng = self.rng("mallory")
        start = T("2026-10-23T14:01:40")
        sess = self.story_session(rng, "mallory", "data-scientist-readonly", PROD, start - timedelta(minutes=3),
                                  tool="cli", ip="203.0.113.58")
        calls = [
            ("DeleteEndpoint", {"endpointName": "churn-prod"}, "endpoint/churn-prod"),
            ("UpdateEndpoint", {"endpointName": "churn-prod", "endpointConfigName": "churn-prod-config-20260902"},
             "endpoint/churn-prod"),
            ("CreateModel", {"modelName": "churn-shadow", "primaryContainer": {"image": IMAGES["xgboost"]},
                             "executionRoleArn": EXEC_ROLE}, "model/churn-shadow"),
            ("CreateTrainingJob", {"trainingJobName": "mallory-test-1"}, "training-job/mallory-test-1"),
            ("DeleteModelPackage", {"modelPackageName": PKG[("fraud-scoring", 2)]["arn"]}, "model-package/fraud-scoring/2"),
            ("CreatePresignedDomainUrl", {"domainId": "d-" + b32id(PROD, "domain", n=12).lower(),
                                          "userProfileName": "eve"}, "user-profile/eve"),
            ("UpdateEndpointWeightsAndCapacities", {"endpointName": "fraud-scoring-prod",
                                                    "desiredWeightsAndCapacities": [{"variantName": "AllTraffic",
                                                                                     "desiredInstanceCount": 0}]},
             "endpoint/fraud-scoring-prod"),
            ("DeleteEndpoint", {"endpointName": "fraud-scoring-prod"}, "endpoint/fraud-scoring-prod"),
            ("StopTrainingJob", {"trainingJobName": "churn-classifier-nightly-20261023-0100"},
             "training-job/churn-classifier-nightly-20261023-0100"),
            ("CreateTrainingJob", {"trainingJobName": "mallory-test-2"}, "training-job/mallory-test-2"),
            ("DeleteModel", {"modelName": "churn-classifier-v3-20261006"}, "model/churn-classifier-v3-20261006"),
            ("DeleteEndpointConfig", {"endpointConfigName": "churn-prod-config-20261006"},
             "endpoint-config/churn-prod-config-20261006"),
            ("DeleteEndpoint", {"endpointName": "demand-forecast-prod"}, "endpoint/demand-forecast-prod"),
            ("DeleteModelPackageGroup", {"modelPackageGroupName": "churn-classifier"},
             "model-package-group/churn-classifier"),
        ]
        t = start
        for name, params, res in calls:
            msg = denied_message(sess.identity["arn"], f"sagemaker:{name}", f"{SM_ARN}:{res}")
            self.sm(rng, sess, t, name, params, read_only=False, error=("AccessDenied", msg), protect=True)
            t += timedelta(seconds=rng.randint(18, 30))
        assert t - start < timedelta(minutes=7)
        # P-TAMPER-DENIED: then she tries to delete the prod trail
        t = T("2026-10-23T14:09:31")
        tpl = self.corpus.line("stratus-red-team.jsonl", self._line("stratus-red-team.jsonl", "DeleteTrail"))
        rec = self.derive(rng, tpl, account=PROD, region=HOME_REGION, when=t, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua("cloudtrail.delete-trail"), protect=True)
        trail_arn = f"arn:aws:cloudtrail:{HOME_REGION}:{PROD}:trail/{TRAIL[PROD]['name']}"
        rec["requestParameters"] = {"name": trail_arn}
        rec = insert_after(rec, "userAgent", "errorCode", "AccessDenied")
        rec = insert_after(rec, "errorCode", "errorMessage",
                           denied_message(sess.identity["arn"], "cloudtrail:DeleteTrail", trail_arn))
        self._replace_last(rec)

    def _line(self, fname, event_name) -> int:
        for i, rec in enumerate(self.corpus.records[fname], start=1):
            if rec.get("eventName") == event_name:
                return i
        raise KeyError(event_name)

    def _replace_last(self, rec):
        a, r, w, old = self.events[-1]
        self.events[-1] = (a, r, w, rec)
        if id(old) in self.protected:
            self.protected.add(id(rec))

    def near_misses(self):
        """Clean counterparts of the burst: 9 denied SageMaker calls (under the threshold of 10) and 12 denied S3 reads."""
        rng = self.rng("near-miss")
        sess = self.story_session(rng, "bob", "ml-engineer", PROD, T("2026-10-09T15:10:02"), tool="cli")
        t = T("2026-10-09T15:12:15")
        for i in range(9):
            name = ["DeleteModelPackage", "UpdateEndpoint", "DeleteEndpointConfig"][i % 3]
            params = {"DeleteModelPackage": {"modelPackageName": PKG[("demand-forecast", 4)]["arn"]},
                      "UpdateEndpoint": {"endpointName": "demand-forecast-prod",
                                         "endpointConfigName": "demand-forecast-prod-config-20260812"},
                      "DeleteEndpointConfig": {"endpointConfigName": "demand-forecast-prod-config-20260812"}}[name]
            res = {"DeleteModelPackage": "model-package/demand-forecast/4", "UpdateEndpoint": "endpoint/demand-forecast-prod",
                   "DeleteEndpointConfig": "endpoint-config/demand-forecast-prod-config-20260812"}[name]
            self.sm(rng, sess, t, name, params, read_only=False, protect=True,
                    error=("AccessDenied", denied_message(sess.identity["arn"], f"sagemaker:{name}", f"{SM_ARN}:{res}")))
            t += timedelta(seconds=rng.randint(50, 80))
        sess = self.story_session(rng, "frank", "data-scientist-readonly", PROD, T("2026-10-21T10:02:11"),
                                  tool="studio", ip="10.20.1.77")
        t = T("2026-10-21T10:04:00")
        for _ in range(12):
            self.s3_object(rng, account=PROD, region=EU, when=t, identity=sess.identity, op="GetObject",
                           bucket=DATASETS_BUCKET, key=f"restricted/pii/customers/part-{rng.randint(0, 9):05d}.parquet",
                           ip=sess.ip, ua=UA["studio"], vpce=vpce_id(PROD, EU, "s3"),
                           error=("AccessDenied", "Access Denied"))
            t += timedelta(seconds=rng.randint(10, 25))

    def scattered_denials(self):
        """Single denied calls spread over the month (no actor reaches 10 in 15 minutes)."""
        rng = self.rng("scattered")
        kinds = ["sagemaker"] * 16 + ["s3"] * 8 + ["kms"] * 6 + ["logs"] * 5 + ["ec2"] * 6
        rng.shuffle(kinds)
        for i, kind in enumerate(kinds):
            day = WINDOW_START + timedelta(days=1 + (i * 31) // len(kinds))
            while not is_weekday(day):
                day += timedelta(days=1)
            when = day + timedelta(seconds=rng.randint(8 * 3600, 17 * 3600))
            person = rng.choice(["alice", "bob", "carol", "frank", "mallory", "dave"])
            spec = HUMANS[person]
            sess = Session(self, rng, PROD, spec["role"], person, when - timedelta(minutes=20), rng.choice(spec["tools"]),
                           rng.choice(OFFICE_IPS), person=person)
            arn = sess.identity["arn"]
            if kind == "sagemaker":
                name, res = rng.choice([("CreateEndpoint", "endpoint/test-endpoint"),
                                        ("DeleteModelPackage", "model-package/churn-classifier/1"),
                                        ("StopTrainingJob", "training-job/demand-forecast-nightly"),
                                        ("CreateModelPackageGroup", "model-package-group/scratch")])
                if person == "dave":
                    name, res = "CreateEndpoint", "endpoint/test-endpoint"
                params = {"CreateEndpoint": {"endpointName": "test-endpoint", "endpointConfigName": "scratch-config"},
                          "DeleteModelPackage": {"modelPackageName": PKG[("churn-classifier", 1)]["arn"]},
                          "StopTrainingJob": {"trainingJobName": f"demand-forecast-nightly-{when:%Y%m%d}-0100"},
                          "CreateModelPackageGroup": {"modelPackageGroupName": "scratch"}}[name]
                self.sm(rng, sess, when, name, params, read_only=False, protect=True,
                        error=("AccessDenied", denied_message(arn, f"sagemaker:{name}", f"{SM_ARN}:{res}")))
            elif kind == "s3":
                self.s3_object(rng, account=PROD, region=EU, when=when, identity=sess.identity, op="GetObject",
                               bucket=DATASETS_BUCKET, key="restricted/pii/customers/part-00000.parquet", ip=sess.ip,
                               ua=UA["studio"], error=("AccessDenied", "Access Denied"))
            elif kind == "kms":
                rec = self.real(rng, ("kms.amazonaws.com", "Decrypt"), account=PROD, region=EU, when=when,
                                identity=sess.identity, ip=sess.ip, ua=sess.ua("kms.decrypt"))
                rec = insert_after(rec, "userAgent", "errorCode", "AccessDeniedException")
                rec = insert_after(rec, "errorCode", "errorMessage",
                                   denied_message(arn, "kms:Decrypt", kms_key_arn(PROD)).replace(
                                       "no identity-based policy", "no resource-based policy"))
                self._replace_last(rec)
            elif kind == "logs":
                rec = self.logs_call(rng, sess, when, "GetLogEvents",
                                     {"logGroupName": "/aws/cloudtrail/northwind-audit-trail",
                                      "logStreamName": f"{PROD}_CloudTrail_{EU}", "startFromHead": False})
                grp_arn = f"arn:aws:logs:{EU}:{PROD}:log-group:/aws/cloudtrail/northwind-audit-trail:log-stream:"
                rec = insert_after(rec, "userAgent", "errorCode", "AccessDeniedException")
                rec = insert_after(rec, "errorCode", "errorMessage", denied_message(arn, "logs:GetLogEvents", grp_arn))
                self._replace_last(rec)
            else:
                rec = self.real(rng, ("ec2.amazonaws.com", "DescribeInstances"), account=PROD, region=EU, when=when,
                                identity=sess.identity, ip=sess.ip, ua=sess.ua("ec2.describe-instances"))
                rec = insert_after(rec, "userAgent", "errorCode", "Client.UnauthorizedOperation")
                rec = insert_after(rec, "errorCode", "errorMessage",
                                   "You are not authorized to perform this operation. User: " + arn +
                                   " is not authorized to perform: ec2:DescribeInstances because no identity-based "
                                   "policy allows the ec2:DescribeInstances action")
                self._replace_last(rec)

    def root_activity(self):
        """P-ROOT: the dev account's root user signs in to the console and changes the password policy."""
        rng = self.rng("root")
        t = T("2026-10-17T09:12:44")
        ident = {"type": "Root", "principalId": DEV, "arn": f"arn:aws:iam::{DEV}:root", "accountId": DEV,
                 "accessKeyId": ""}
        tpl = self.corpus.line("stratus-red-team.jsonl", self._line("stratus-red-team.jsonl", "ConsoleLogin"))
        rec = self.derive(rng, tpl, account=DEV, region=US, when=t, identity=ident, ip="198.51.100.201",
                          ua=UA["console"], protect=True)
        rec["additionalEventData"].update({"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs"
                                                      "%23&isauthcode=true", "MFAUsed": "Yes", "MobileVersion": "No"})
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": "signin.aws.amazon.com"}
        t2 = T("2026-10-17T09:16:03")
        root_session = dict(ident, accessKeyId=rand_key(rng), sessionContext={
            "sessionIssuer": {}, "webIdFederationData": {},
            "attributes": {"creationDate": iso_z(t), "mfaAuthenticated": "true"}})
        self.synthetic(rng, account=DEV, region=US, when=t2, identity=root_session, source="iam.amazonaws.com",
                       name="UpdateAccountPasswordPolicy",
                       params={"minimumPasswordLength": 14, "requireSymbols": True, "requireNumbers": True,
                               "requireUppercaseCharacters": True, "requireLowercaseCharacters": True,
                               "allowUsersToChangePassword": True, "maxPasswordAge": 90, "passwordReusePrevention": 12},
                       read_only=False, ip="198.51.100.201", ua="AWS Internal", host="iam.amazonaws.com",
                       protect=True)["sessionCredentialFromConsole"] = "true"

    def tampering(self):
        """P-TAMPER-STOP and P-GAP: eve stops the dev trail at 02:10Z and restarts it at 11:40Z on 20 October."""
        rng = self.rng("tampering")
        sess = self.story_session(rng, "eve", "data-platform-admin", DEV, STOP_LOGGING_AT - timedelta(minutes=7),
                                  tool="cli", ip="203.0.113.90")
        tr = TRAIL[DEV]
        trail_arn = f"arn:aws:cloudtrail:{HOME_REGION}:{DEV}:trail/{tr['name']}"
        self.real(rng, ("cloudtrail.amazonaws.com", "DescribeTrails"), account=DEV, region=HOME_REGION,
                  when=STOP_LOGGING_AT - timedelta(minutes=2), identity=sess.identity, ip=sess.ip,
                  ua=sess.ua("cloudtrail.describe-trails"))
        tpl = self.corpus.line("stratus-red-team.jsonl", self._line("stratus-red-team.jsonl", "StopLogging"))
        rec = self.derive(rng, tpl, account=DEV, region=HOME_REGION, when=STOP_LOGGING_AT, identity=sess.identity,
                          ip=sess.ip, ua=sess.ua("cloudtrail.stop-logging"), protect=True)
        rec["requestParameters"] = {"name": trail_arn}
        sess2 = self.story_session(rng, "eve", "data-platform-admin", DEV, START_LOGGING_AT - timedelta(seconds=50),
                                   tool="cli", ip="198.51.100.23")  # its login falls in the silent window
        tpl = self.corpus.line("invictus-ir_aws_dataset.jsonl", self._line("invictus-ir_aws_dataset.jsonl", "StartLogging"))
        rec = self.derive(rng, tpl, account=DEV, region=HOME_REGION, when=START_LOGGING_AT, identity=sess2.identity,
                          ip=sess2.ip, ua=sess2.ua("cloudtrail.start-logging"), protect=True)
        rec["requestParameters"] = {"name": trail_arn}

    def odd_records(self):
        """Odd-but-parseable eventTime formats and requestParameters keys differing only by case (prod, 12 Oct)."""
        rng = self.rng("odd")
        sess = self.story_session(rng, "eve", "data-platform-admin", PROD, T("2026-10-12T07:58:30"), tool="cli",
                                  ip="198.51.100.24")
        base = T("2026-10-12T08:01:02")
        for fmt in ["2026-10-12T08:01:02.123Z", "2026-10-12 08:01:02", "2026-10-12T08:01:02+00:00"]:
            rec = self.real(rng, ("ec2.amazonaws.com", "DescribeInstances"), account=PROD, region=EU, when=base,
                            identity=sess.identity, ip=sess.ip, ua=sess.ua("ec2.describe-instances"), protect=True,
                            keep_error=False)
            rec["eventTime"] = fmt
        tpl = self.corpus.line("invictus-ir_aws_dataset.jsonl", 670)  # PutBucketTagging with "Tagging" and "tagging"
        assert tpl[0]["eventName"] == "PutBucketTagging" and {"tagging", "Tagging"} <= set(tpl[0]["requestParameters"])
        rec = self.derive(rng, tpl, account=PROD, region=EU, when=T("2026-10-12T08:03:41"), identity=sess.identity,
                          ip=sess.ip, ua=sess.ua("s3api.put-bucket-tagging"), bucket=DATASETS_BUCKET, protect=True)
        rec["requestParameters"]["Tagging"]["TagSet"]["Tag"] = {"Value": "confidential", "Key": "data-classification"}


# ----------------------------------------------------------------------------------------------------------------------
# delivery: log objects, digests, and the bad objects of the quarantine section


def ceil5(dt: datetime) -> datetime:
    dt = dt.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return dt + timedelta(minutes=(-dt.minute) % 5)


class Delivery:
    def __init__(self, seed: int, out: Path, activity: Stories):
        self.seed, self.out, self.act = seed, out, activity
        self.objects: list[dict] = []  # every object written: key, account, region, delivered, records, sha256
        self.bad: list[dict] = []

    def rng(self, name):
        return random.Random(f"{self.seed}:delivery:{name}")

    def streams(self) -> dict[tuple[str, str], list[tuple[datetime, dict]]]:
        out: dict[tuple[str, str], list[tuple[datetime, dict]]] = {(a, r): [] for a in ACCOUNTS for r in REGIONS}
        for account, region, when, rec in self.act.events:
            if not (WINDOW_START <= when < WINDOW_END):
                continue
            silent = account == DEV and STOP_LOGGING_AT < when < START_LOGGING_AT
            if silent and id(rec) not in self.act.protected:
                continue
            out[(account, region)].append((when, rec))
        for v in out.values():
            v.sort(key=lambda x: x[0])
        return out

    def write(self):
        for (account, region), events in self.streams().items():
            rng = self.rng(f"{account}:{region}")
            i, t0 = 0, WINDOW_START
            while i < len(events):
                busy = is_weekday(t0) and 7 <= t0.hour < 19
                if region == EU:  # the working region
                    lo, hi = (7, 16) if busy and account == PROD else (12, 25) if busy else (30, 70)
                else:  # us-east-1 carries the global services only: fewer, later deliveries
                    lo, hi = (25, 55) if busy else (45, 100)
                step = rng.uniform(lo, hi)
                t1 = min(t0 + timedelta(minutes=step), WINDOW_END)  # the mirror ends with 1 November
                batch = []
                while i < len(events) and events[i][0] <= t1:
                    batch.append(events[i])
                    i += 1
                if batch:
                    delivered = ceil5(t1 + timedelta(seconds=rng.randint(30, 270)))
                    self.put_log(rng, account, region, delivered, [rec for _, rec in batch],
                                 oldest=batch[0][0], newest=batch[-1][0])
                t0 = t1

    def key(self, rng, account, region, delivered: datetime) -> str:
        return (f"AWSLogs/{account}/CloudTrail/{region}/{delivered:%Y/%m/%d}/"
                f"{account}_CloudTrail_{region}_{delivered:%Y%m%dT%H%MZ}_{rand_alnum(rng, 16)}.json.gz")

    def put_log(self, rng, account, region, delivered, records, *, oldest, newest):
        key = self.key(rng, account, region, delivered)
        raw = dumps_compact({"Records": records})
        write_bytes(self.out / key, gz(raw))
        self.objects.append(dict(key=key, account=account, region=region, delivered=delivered, records=records,
                                 oldest=oldest, newest=newest, sha256=hashlib.sha256(raw).hexdigest()))

    # --- the bad objects ---------------------------------------------------------------------------------------------

    def plant_bad_objects(self):
        rng = self.rng("bad")

        def pick(account, region, day, hour, min_records):
            for o in self.objects:
                if (o["account"], o["region"]) == (account, region) and o["delivered"] >= day + timedelta(hours=hour) \
                        and len(o["records"]) >= min_records \
                        and not any(id(r) in self.act.protected for r in o["records"]):
                    return o
            raise RuntimeError("no object to spoil")

        # B-MISSING-TIME: one record without eventTime inside an otherwise good file (dev, eu-west-1, 25 Oct)
        o = pick(DEV, EU, T("2026-10-25T00:00:00"), 13, 3)
        victim = o["records"][1]
        victim.pop("eventTime")
        raw = dumps_compact({"Records": o["records"]})
        write_bytes(self.out / o["key"], gz(raw))
        o["sha256"] = hashlib.sha256(raw).hexdigest()
        self.bad.append(dict(id="B-MISSING-TIME", key=o["key"], what=f"record 1 of {len(o['records'])} has no eventTime "
                             f"(eventID {victim['eventID']})", reason="missing_event_time"))

        # B-TRUNCATED: valid gzip of a cut-off JSON document (dev, us-east-1, 13 Oct): its records are lost
        o = pick(DEV, US, T("2026-10-13T00:00:00"), 12, 3)
        raw = dumps_compact({"Records": o["records"]})
        cut = raw[: int(len(raw) * 0.62)]
        write_bytes(self.out / o["key"], gz(cut))
        o["truncated"] = True
        o["sha256"] = hashlib.sha256(cut).hexdigest()
        self.bad.append(dict(id="B-TRUNCATED", key=o["key"], what=f"gzip of the first {len(cut)} of {len(raw)} bytes of a "
                             f"delivery ({len(o['records'])} records lost)", reason="malformed_json"))

        # B-CORRUPT: not gzip at all: an S3 error document a broken sync tool saved under the key (prod, eu-west-1)
        t = T("2026-10-07T10:35:00")
        key = self.key(rng, PROD, EU, t)
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your '
                'request rate.</Message><RequestId>' + s3_request_id(rng) + '</RequestId><HostId>' + amz_id_2(rng) +
                '</HostId></Error>').encode()
        write_bytes(self.out / key, body)
        self.bad.append(dict(id="B-CORRUPT", key=key, what="not gzip data: an S3 SlowDown error document",
                             reason="corrupt_gzip"))

        # B-NOT-CLOUDTRAIL: valid gzip JSON without Records: an S3 Inventory manifest someone dropped there
        t = T("2026-10-18T04:15:00")
        key = self.key(rng, PROD, US, t)
        manifest = {"sourceBucket": "northwind-cloudtrail-logs",
                    "destinationBucket": "arn:aws:s3:::northwind-cloudtrail-logs",
                    "version": "2016-11-30", "creationTimestamp": str(ms(t)), "fileFormat": "CSV",
                    "fileSchema": "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass",
                    "files": [{"key": "inventory/northwind-cloudtrail-logs/daily/data/" + rand_uuid(rng) + ".csv.gz",
                               "size": 48211093, "MD5checksum": rand_hex(rng, 32)}]}
        write_bytes(self.out / key, gz(dumps_compact(manifest)))
        self.bad.append(dict(id="B-NOT-CLOUDTRAIL", key=key, what="an S3 Inventory manifest (valid gzip JSON, no Records)",
                             reason="not_cloudtrail"))

    # --- digests (prod trail only: the dev trail has log file validation off) ---------------------------------------

    def digests(self, hours: int):
        for account in ACCOUNTS:
            if not TRAIL[account]["validation"]:
                continue
            tr = TRAIL[account]
            for region in REGIONS:
                rng = self.rng(f"digest:{account}:{region}")
                logs = sorted((o for o in self.objects if (o["account"], o["region"]) == (account, region)),
                              key=lambda o: o["delivered"])
                # windows end a little before the hour, every `hours`; the last one ends 1 November 23:5x
                offset = timedelta(minutes=rng.randint(50, 58), seconds=rng.randint(0, 59))
                end = WINDOW_START + timedelta(hours=hours - 1) + offset
                start = end - timedelta(hours=hours)
                last_end = WINDOW_END.replace(hour=23, minute=59, second=59)
                fingerprint = rand_hex(rng, 32)
                # the chain goes back before the mirrored window: the first digest names one that is not here
                before = start - timedelta(hours=hours)
                prev = dict(key=f"AWSLogs/{account}/CloudTrail-Digest/{region}/{start:%Y/%m/%d}/{account}_CloudTrail-"
                                f"Digest_{region}_{tr['name']}_{HOME_REGION}_{start:%Y%m%dT%H%M%SZ}.json.gz",
                            sha256=rand_hex(rng, 64), signature=rand_hex(rng, 512)) if before else None
                while start + timedelta(hours=hours) <= last_end:
                    end = start + timedelta(hours=hours)
                    files = [o for o in logs if start <= o["delivered"] < end]
                    key = (f"AWSLogs/{account}/CloudTrail-Digest/{region}/{end:%Y/%m/%d}/"
                           f"{account}_CloudTrail-Digest_{region}_{tr['name']}_{HOME_REGION}_{end:%Y%m%dT%H%M%SZ}.json.gz")
                    doc = {
                        "awsAccountId": account,
                        "digestStartTime": iso_z(start),
                        "digestEndTime": iso_z(end),
                        "digestS3Bucket": tr["bucket"],
                        "digestS3Object": key,
                        "digestPublicKeyFingerprint": fingerprint,
                        "digestSignatureAlgorithm": "SHA256withRSA",
                        "newestEventTime": iso_z(max(o["newest"] for o in files)) if files else None,
                        "oldestEventTime": iso_z(min(o["oldest"] for o in files)) if files else None,
                        "previousDigestS3Bucket": tr["bucket"] if prev else None,
                        "previousDigestS3Object": prev["key"] if prev else None,
                        "previousDigestHashValue": prev["sha256"] if prev else None,
                        "previousDigestHashAlgorithm": "SHA-256" if prev else None,
                        "previousDigestSignature": prev["signature"] if prev else None,
                        "logFiles": [{"s3Bucket": tr["bucket"], "s3Object": o["key"], "hashValue": o["sha256"],
                                      "hashAlgorithm": "SHA-256", "newestEventTime": iso_z(o["newest"]),
                                      "oldestEventTime": iso_z(o["oldest"])} for o in files],
                    }
                    raw = dumps_compact(doc)
                    write_bytes(self.out / key, gz(raw))
                    # the real signature sits in the object's x-amz-meta-signature; this one is a placeholder
                    prev = dict(key=key, sha256=hashlib.sha256(raw).hexdigest(), signature=rand_hex(rng, 512))
                    start = end


# ----------------------------------------------------------------------------------------------------------------------
# AWS API snapshots (sources trails, sagemaker, cloudwatch, iam, s3), captured 2026-11-01T02:00Z


class AwsSnapshot:
    def __init__(self, seed: int, out: Path):
        self.seed, self.out = seed, out

    def rng(self, name):
        return random.Random(f"{self.seed}:aws:{name}")

    def put(self, account, region, service, op, body, ident=None):
        path = self.out / account / region / service / (f"{op}.json" if ident is None else f"{op}/{q(ident)}.json")
        write_api(path, body)

    def write(self):
        write_api(self.out / "_capture.json", {"captured_at": iso_api(CAPTURED_AT)})
        self.trails()
        self.sagemaker()
        self.logs()
        for account in ACCOUNTS:
            self.iam(account)
        self.s3()

    # --- cloudtrail ---------------------------------------------------------------------------------------------------

    def trails(self):
        rng = self.rng("trails")
        for account in ACCOUNTS:
            tr = TRAIL[account]
            arn = f"arn:aws:cloudtrail:{HOME_REGION}:{account}:trail/{tr['name']}"
            trail = {"Name": tr["name"], "S3BucketName": tr["bucket"], "IncludeGlobalServiceEvents": True,
                     "IsMultiRegionTrail": True, "HomeRegion": HOME_REGION, "TrailARN": arn,
                     "LogFileValidationEnabled": tr["validation"], "HasCustomEventSelectors": account == PROD,
                     "HasInsightSelectors": False, "IsOrganizationTrail": False}
            if account == PROD:
                trail["CloudWatchLogsLogGroupArn"] = (f"arn:aws:logs:{HOME_REGION}:{account}:log-group:"
                                                      f"/aws/cloudtrail/{tr['name']}:*")
                trail["CloudWatchLogsRoleArn"] = role_arn(account, "cloudtrail-to-cloudwatch")
                trail["KmsKeyId"] = kms_key_arn(account)
            latest = CAPTURED_AT - timedelta(minutes=rng.randint(2, 9), seconds=rng.randint(0, 59))
            if account == PROD:
                started, stopped = T("2024-02-12T09:30:11"), None
            else:
                started, stopped = START_LOGGING_AT, STOP_LOGGING_AT
            status = {"IsLogging": True, "LatestDeliveryTime": iso_api(latest), "StartLoggingTime": iso_api(started)}
            if stopped:
                status["StopLoggingTime"] = iso_api(stopped)
            if account == PROD:
                status["LatestCloudWatchLogsDeliveryTime"] = iso_api(latest + timedelta(seconds=41))
                status["LatestDigestDeliveryTime"] = iso_api(CAPTURED_AT - timedelta(minutes=rng.randint(10, 50)))
            status.update({"LatestDeliveryAttemptTime": iso_z(latest), "LatestNotificationAttemptTime": "",
                           "LatestNotificationAttemptSucceeded": "", "LatestDeliveryAttemptSucceeded": iso_z(latest),
                           "TimeLoggingStarted": iso_z(started), "TimeLoggingStopped": iso_z(stopped) if stopped else ""})
            if account == PROD:
                selectors = {"TrailARN": arn, "AdvancedEventSelectors": [
                    {"Name": "Management events selector",
                     "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
                    {"Name": "S3 data events on the ML datasets bucket",
                     "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                                        {"Field": "resources.ARN", "StartsWith": [f"arn:aws:s3:::{DATASETS_BUCKET}/"]}]}]}
            else:
                selectors = {"TrailARN": arn, "EventSelectors": [
                    {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                     "ExcludeManagementEventSources": []}]}
            for region in REGIONS:
                self.put(account, region, "cloudtrail", "DescribeTrails", {"trailList": [trail]})
                self.put(account, region, "cloudtrail", "GetTrailStatus", status, tr["name"])
                self.put(account, region, "cloudtrail", "GetEventSelectors", selectors, tr["name"])

    # --- sagemaker ---------------------------------------------------------------------------------------------------

    @staticmethod
    def user_context(role: str, who: str) -> dict:
        return {"IamIdentity": {"Arn": f"arn:aws:sts::{SM_ACCOUNT}:assumed-role/{role}/{who}",
                                "PrincipalId": f"{role_id(SM_ACCOUNT, role)}:{who}"}}

    def sagemaker(self):
        rng = self.rng("sagemaker")
        acct, region = SM_ACCOUNT, SM_REGION
        for p in PACKAGES:
            last_mod = p["approvals"][-1][0] if p["approvals"] else p["created"] + timedelta(seconds=2)
            digest = "sha256:" + hashlib.sha256(IMAGES[p["image"]].encode()).hexdigest()
            body = {
                "ModelPackageName": p["group"],
                "ModelPackageGroupName": p["group"],
                "ModelPackageVersion": p["version"],
                "ModelPackageArn": p["arn"],
                "ModelPackageDescription": f"{p['group']} trained {p['created'] - timedelta(days=1):%Y-%m-%d}",
                "CreationTime": iso_api(p["created"].replace(microsecond=rng.randint(0, 999) * 1000)),
                "InferenceSpecification": {
                    "Containers": [{"Image": IMAGES[p["image"]], "ImageDigest": digest, "ModelDataUrl": p["data"]}],
                    "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
                    "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge",
                                                                "ml.g5.xlarge"],
                    "SupportedContentTypes": ["text/csv", "application/json"],
                    "SupportedResponseMIMETypes": ["application/json"]},
                "ModelPackageStatus": "Completed",
                "ModelPackageStatusDetails": {"ValidationStatuses": [], "ImageScanStatuses": []},
                "CertifyForMarketplace": False,
                "ModelApprovalStatus": p["status"],
                "MetadataProperties": {"GeneratedBy": "mlflow+sagemaker-python-sdk"},
                "LastModifiedTime": iso_api(last_mod.replace(microsecond=rng.randint(0, 999) * 1000)),
                "CustomerMetadataProperties": {"mlflow_model": p["group"]},
            }
            if p["creator"]:
                body["CreatedBy"] = self.user_context(*p["creator"])
            else:
                body["CreatedBy"] = self.user_context("ml-engineer", "alice")
            if p["approvals"]:
                when, status, role, who, desc = p["approvals"][-1]
                body["ApprovalDescription"] = desc
                body["LastModifiedBy"] = self.user_context(role, who)
            elif p["status"] == "Approved":
                body["ApprovalDescription"] = "Approved in the quarterly model review"
                body["LastModifiedBy"] = self.user_context("ml-approver", "dave")
            if p["group"] == "churn-classifier" and p["version"] == 3:
                build = next(d["build"] for d in DEPLOYMENTS if d["endpoint"] == "churn-prod")
                body["CustomerMetadataProperties"].update({"deployed_to": "churn-prod", "deployed_by": build})
                body["LastModifiedTime"] = iso_api(T("2026-10-06T10:22:58.114"))
                body["LastModifiedBy"] = self.user_context("ml-deploy-pipeline", build)
            self.put(acct, region, "sagemaker", "DescribeModelPackage", body, f"{p['group']}/{p['version']}")
        for name, m in MODELS.items():
            if m["package"]:
                container = {"ModelPackageName": PKG[m["package"]]["arn"], "Mode": "SingleModel", "Environment": {}}
            else:
                container = {"Image": m["image"], "Mode": "SingleModel", "ModelDataUrl": m["model_data"],
                             "Environment": {"SAGEMAKER_PROGRAM": "serve.py", "SAGEMAKER_REGION": region}}
            body = {"ModelName": name, "PrimaryContainer": container, "ExecutionRoleArn": EXEC_ROLE,
                    "CreationTime": iso_api(m["created"]), "ModelArn": f"{SM_ARN}:model/{name}",
                    "EnableNetworkIsolation": False,
                    "DeploymentRecommendation": {"RecommendationStatus": "COMPLETED",
                                                 "RealTimeInferenceRecommendations": []}}
            self.put(acct, region, "sagemaker", "DescribeModel", body, name)
        for name, c in CONFIGS.items():
            body = {"EndpointConfigName": name, "EndpointConfigArn": f"{SM_ARN}:endpoint-config/{name}",
                    "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": c["model"],
                                            "InitialInstanceCount": c["count"], "InstanceType": c["itype"],
                                            "InitialVariantWeight": 1.0}],
                    "CreationTime": iso_api(c["created"]), "EnableNetworkIsolation": False}
            if c["created"] > T("2026-01-01T00:00:00"):
                body["DataCaptureConfig"] = {"EnableCapture": True, "InitialSamplingPercentage": 20,
                                             "DestinationS3Uri": "s3://northwind-ml-artifacts/data-capture/",
                                             "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                                             "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]}}
            self.put(acct, region, "sagemaker", "DescribeEndpointConfig", body, name)
        for name, e in ENDPOINTS.items():
            c = CONFIGS[e["config"]]
            m = MODELS[c["model"]]
            image = IMAGES[PKG[m["package"]]["image"]] if m["package"] else m["image"]
            digest = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
            body = {"EndpointName": name, "EndpointArn": f"{SM_ARN}:endpoint/{name}", "EndpointConfigName": e["config"],
                    "ProductionVariants": [{"VariantName": "AllTraffic",
                                            "DeployedImages": [{"SpecifiedImage": image,
                                                                "ResolvedImage": image.split(":")[0] + "@" + digest,
                                                                "ResolutionTime": iso_api(e["modified"] - timedelta(minutes=6))}],
                                            "CurrentWeight": 1.0, "DesiredWeight": 1.0,
                                            "CurrentInstanceCount": c["count"], "DesiredInstanceCount": c["count"]}],
                    "EndpointStatus": "InService", "CreationTime": iso_api(e["created"]),
                    "LastModifiedTime": iso_api(e["modified"])}
            self.put(acct, region, "sagemaker", "DescribeEndpoint", body, name)

    # --- cloudwatch logs ---------------------------------------------------------------------------------------------

    LOG_GROUPS = {
        (PROD, EU): [
            ("/aws/sagemaker/Endpoints/churn-prod", 365, "2025-11-20T12:04:10"),
            ("/aws/sagemaker/Endpoints/fraud-scoring-prod", 400, "2026-03-02T10:19:40"),
            ("/aws/sagemaker/Endpoints/demand-forecast-prod", 3653, "2025-06-15T07:49:31"),
            ("/aws/sagemaker/Endpoints/recsys-ranker-prod", 365, "2026-10-04T08:10:02"),
            ("/aws/sagemaker/Endpoints/legacy-recs", 30, "2025-03-11T10:47:55"),
            ("/aws/sagemaker/TrainingJobs", 365, "2024-03-01T13:11:09"),
            ("/aws/sagemaker/ProcessingJobs", 400, "2024-05-14T09:02:44"),
            ("/ml/mlflow-server", 3653, "2024-02-20T15:30:00"),
            ("/ml/feature-pipeline", None, "2026-08-28T11:40:12"),
            ("/aws/cloudtrail/northwind-audit-trail", 90, "2024-02-12T09:29:50"),
            ("/aws/codebuild/ml-deploy-pipeline", 30, "2024-04-02T08:00:13"),
            ("/aws/lambda/nightly-export", 7, "2025-01-09T16:22:31"),
            ("/ecs/northwind-api", 14, "2024-06-01T10:00:00"),
        ],
        (PROD, US): [
            ("/aws/lambda/cost-report", 7, "2025-02-03T08:15:00"),
            ("RDSOSMetrics", 30, "2024-02-21T10:02:19"),
        ],
        (DEV, EU): [
            ("/aws/sagemaker/TrainingJobs", 365, "2024-03-05T10:44:01"),
            ("/aws/sagemaker/NotebookInstances", 400, "2024-03-05T10:51:12"),
            ("/aws/sagemaker/studio", 3653, "2024-03-06T09:00:27"),
            ("/ml/experiments", 365, "2025-04-22T14:12:09"),
            ("/aws/codebuild/ml-deploy-pipeline", 14, "2024-04-02T08:03:40"),
            ("/aws/lambda/dev-cleanup", None, "2025-07-30T12:00:05"),
        ],
        (DEV, US): [
            ("/aws/lambda/nightly-export", 7, "2025-01-10T09:12:44"),
        ],
    }

    def logs(self):
        rng = self.rng("logs")
        for (account, region), groups in self.LOG_GROUPS.items():
            out = []
            for name, retention, created in sorted(groups):
                arn = f"arn:aws:logs:{region}:{account}:log-group:{name}"
                g = {"logGroupName": name, "creationTime": ms(T(created))}
                if retention is not None:
                    g["retentionInDays"] = retention
                g.update({"metricFilterCount": 1 if "cloudtrail" in name else 0, "arn": arn + ":*",
                          "storedBytes": rng.randint(10_000, 40_000_000_000), "logGroupClass": "STANDARD",
                          "logGroupArn": arn})
                if name.startswith("/ml/") or "cloudtrail" in name:
                    g["kmsKeyId"] = kms_key_arn(account)
                out.append(g)
            self.put(account, region, "logs", "DescribeLogGroups", {"logGroups": out})
        self.put(PROD, EU, "logs", "FilterLogEvents", {"events": self.endpoint_log(rng)},
                 "/aws/sagemaker/Endpoints/churn-prod")
        self.put(PROD, EU, "logs", "FilterLogEvents", {"events": self.mlflow_log(rng)}, "/ml/mlflow-server")

    @staticmethod
    def log_event(rng, stream, when, message):
        return {"logStreamName": stream, "timestamp": ms(when), "message": message,
                "ingestionTime": ms(when) + rng.randint(200, 4000),
                "eventId": str(rng.randint(10 ** 55, 10 ** 56 - 1))}

    def endpoint_log(self, rng):
        events = []
        old = [f"AllTraffic/i-0{rand_hex(rng, 16)}" for _ in range(2)]
        new = [f"AllTraffic/i-0{rand_hex(rng, 16)}" for _ in range(2)]
        t = T("2026-10-01T00:07:00")
        deploy = T("2026-10-06T10:16:30")
        while t < T("2026-11-01T00:00:00"):
            streams = old if t < deploy else new
            r = rng.random()
            if r < 0.75:
                msg = (f"INFO:churn_inference:scored batch rows={rng.randint(1, 256)} "
                       f"latency_ms={rng.uniform(4, 40):.1f} model_version={'2' if t < deploy else '3'}")
            elif r < 0.93:
                msg = (f"10.20.{rng.randint(1, 3)}.{rng.randint(2, 250)} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "
                       f"\"POST /invocations HTTP/1.1\" 200 {rng.randint(80, 4000)} \"-\" \"AHC/2.0\"")
            else:
                msg = ("WARNING:churn_inference:feature 'tenure_months' missing for "
                       f"{rng.randint(1, 9)} rows, imputed with median")
            events.append(self.log_event(rng, rng.choice(streams), t, msg))
            t += timedelta(seconds=rng.randint(3600, 10800))
        boot = deploy
        for s in new:
            for msg in ["Starting gunicorn 22.0.0", "Listening at: unix:/tmp/gunicorn.sock (19)",
                        "Using worker: sync", "Booting worker with pid: 23", "Booting worker with pid: 24",
                        "INFO:churn_inference:loaded model churn-classifier v3 from /opt/ml/model"]:
                boot += timedelta(seconds=rng.randint(1, 4))
                prefix = "" if msg.startswith("INFO") else f"[{boot:%Y-%m-%d %H:%M:%S} +0000] [19] [INFO] "
                events.append(self.log_event(rng, s, boot, prefix + msg))
        events.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        return events

    def mlflow_log(self, rng):
        """gunicorn access log of the tracking server; the registry writes of the month appear at their times."""
        writes = [
            (T("2026-10-05T09:55:12"), "POST", "/api/2.0/mlflow/model-versions/create"),
            (T("2026-10-06T15:00:41"), "POST", "/api/2.0/mlflow/model-versions/transition-stage"),
            (T("2026-10-08T09:30:02"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-13T13:50:12"), "POST", "/api/2.0/mlflow/model-versions/set-tag"),
            (T("2026-10-13T14:05:40"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-19T10:22:03"), "POST", "/api/2.0/mlflow/model-versions/create"),
            (T("2026-10-20T16:22:09"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-20T16:22:30"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-27T09:12:40"), "POST", "/api/2.0/mlflow/model-versions/set-tag"),
            (T("2026-10-27T11:00:18"), "POST", "/api/2.0/mlflow/model-versions/create"),
            (T("2026-10-27T11:05:02"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-28T10:30:55"), "POST", "/api/2.0/mlflow/model-versions/transition-stage"),
        ]
        stream = "mlflow/mlflow-server/" + rand_hex(rng, 32)
        events = []
        t = T("2026-10-01T00:03:00")
        reads = ["/api/2.0/mlflow/registered-models/search", "/api/2.0/mlflow/model-versions/search",
                 "/api/2.0/mlflow/runs/get", "/api/2.0/mlflow/registered-models/alias", "/api/2.0/mlflow/runs/search",
                 "/api/2.0/mlflow/experiments/get-by-name", "/health"]
        while t < T("2026-11-01T00:00:00"):
            path = rng.choice(reads)
            ua = "mlflow-python-client/2.17.2" if path != "/health" else "ELB-HealthChecker/2.0"
            ip = f"10.20.{rng.randint(1, 11)}.{rng.randint(2, 250)}"
            events.append(self.log_event(rng, stream, t, f"{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] \"GET {path} "
                                                          f"HTTP/1.1\" 200 {rng.randint(2, 9000)} \"-\" \"{ua}\""))
            t += timedelta(seconds=rng.randint(7200, 21600))
        for when, verb, path in writes:
            ip = f"10.20.{rng.randint(1, 3)}.{rng.randint(2, 250)}"
            events.append(self.log_event(rng, stream, when, f"{ip} - - [{when:%d/%b/%Y:%H:%M:%S} +0000] \"{verb} {path} "
                                                            f"HTTP/1.1\" 200 2 \"-\" \"mlflow-python-client/2.17.2\""))
        events.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        return events

    # --- iam -----------------------------------------------------------------------------------------------------------

    @staticmethod
    def trust(principal: dict, action: str = "sts:AssumeRole", condition: dict | None = None) -> dict:
        st = {"Effect": "Allow", "Principal": principal, "Action": action}
        if condition:
            st["Condition"] = condition
        return {"Version": "2012-10-17", "Statement": [st]}

    def iam(self, account: str):
        rng = self.rng(f"iam:{account}")
        saml = self.trust({"Federated": f"arn:aws:iam::{account}:saml-provider/{SAML_PROVIDER}"},
                          "sts:AssumeRoleWithSAML", {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}})
        doc = lambda *st: {"Version": "2012-10-17", "Statement": list(st)}  # noqa: E731
        sm = f"arn:aws:sagemaker:{EU}:{account}"
        exec_role = role_arn(account, "sagemaker-execution-role")
        aws_ro = "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"
        aws_admin = "arn:aws:iam::aws:policy/AdministratorAccess"
        local = lambda name: f"arn:aws:iam::{account}:policy/{name}"  # noqa: E731

        managed: dict[str, dict] = {
            aws_ro: dict(name="AmazonSageMakerReadOnly", created="2017-11-29T13:07:59+00:00", versions=[("v11", True,
                "2021-12-01T16:29:20+00:00", doc(
                    {"Effect": "Allow", "Action": [
                        "sagemaker:Describe*", "sagemaker:List*", "sagemaker:BatchGetMetrics",
                        "sagemaker:GetDeviceRegistration", "sagemaker:GetDeviceFleetReport",
                        "sagemaker:GetSearchSuggestions", "sagemaker:BatchGetRecord", "sagemaker:GetRecord",
                        "sagemaker:Search", "sagemaker:QueryLineage", "sagemaker:GetLineageGroupPolicy",
                        "sagemaker:BatchDescribeModelPackage", "sagemaker:GetModelPackageGroupPolicy"],
                     "Resource": "*"},
                    {"Effect": "Allow", "Action": [
                        "application-autoscaling:DescribeScalableTargets",
                        "application-autoscaling:DescribeScalingActivities",
                        "application-autoscaling:DescribeScalingPolicies",
                        "application-autoscaling:DescribeScheduledActions", "aws-marketplace:ViewSubscriptions",
                        "cloudwatch:DescribeAlarms", "cognito-idp:DescribeUserPool",
                        "cognito-idp:DescribeUserPoolClient", "cognito-idp:ListGroups",
                        "cognito-idp:ListIdentityProviders", "cognito-idp:ListUserPoolClients",
                        "cognito-idp:ListUserPools", "cognito-idp:ListUsers", "cognito-idp:ListUsersInGroup",
                        "ecr:Describe*"], "Resource": "*"}))]),
            aws_admin: dict(name="AdministratorAccess", created="2015-02-06T18:39:46+00:00", versions=[
                ("v1", True, "2015-02-06T18:39:46+00:00", doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))]),
            local("sagemaker-execution-access"): dict(name="sagemaker-execution-access", created="2024-03-01T12:40:00+00:00",
                versions=[("v3", True, "2025-09-14T08:12:31+00:00", doc(
                    {"Sid": "Datasets", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                     "Resource": [f"arn:aws:s3:::{DATASETS_BUCKET}", f"arn:aws:s3:::{DATASETS_BUCKET}/*",
                                  "arn:aws:s3:::northwind-dev-sandbox", "arn:aws:s3:::northwind-dev-sandbox/*"]},
                    {"Sid": "Artifacts", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                     "Resource": ["arn:aws:s3:::northwind-ml-artifacts/*"]},
                    {"Sid": "Images", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage",
                                                                     "ecr:GetDownloadUrlForLayer"], "Resource": "*"},
                    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents",
                                                                   "logs:CreateLogGroup", "cloudwatch:PutMetricData"],
                     "Resource": "*"},
                    {"Sid": "Kms", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                     "Resource": kms_key_arn(account)}))]),
        }
        if account == PROD:
            managed[local("ml-approver-access")] = dict(name="ml-approver-access", created="2024-05-02T10:00:00+00:00",
                versions=[
                    ("v2", True, "2025-06-30T09:14:02+00:00", doc(
                        {"Sid": "ApproveModelPackages", "Effect": "Allow",
                         "Action": ["sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage",
                                    "sagemaker:ListModelPackages", "sagemaker:ListModelPackageGroups"],
                         "Resource": f"{sm}:model-package*"},
                        {"Sid": "Monitoring", "Effect": "Allow",
                         "Action": ["cloudwatch:GetMetricData", "logs:FilterLogEvents"], "Resource": "*"})),
                    ("v1", False, "2024-05-02T10:00:00+00:00", doc(
                        {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"})),
                ])
        else:
            managed[local("ml-approver-access")] = dict(name="ml-approver-access", created="2024-05-02T10:03:00+00:00",
                versions=[("v1", True, "2024-05-02T10:03:00+00:00", doc(
                    {"Effect": "Allow", "Action": ["sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage",
                                                   "sagemaker:ListModelPackages"],
                     "Resource": f"{sm}:model-package*"}))])
            managed[local("ml-engineer-sandbox")] = dict(name="ml-engineer-sandbox", created="2026-04-17T15:41:09+00:00",
                versions=[("v1", True, "2026-04-17T15:41:09+00:00", doc(
                    {"Sid": "SandboxEverything", "Effect": "Allow", "Action": "*", "Resource": "*"}))])

        roles = []

        def role(name, trust_doc, inline=(), attached=(), created="2024-03-01T12:00:00+00:00", path="/",
                 description=None, last_used=True):
            r = {"Path": path, "RoleName": name, "RoleId": role_id(account, name),
                 "Arn": f"arn:aws:iam::{account}:role{path}{name}", "CreateDate": created,
                 "AssumeRolePolicyDocument": trust_doc, "InstanceProfileList": [],
                 "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline],
                 "AttachedManagedPolicies": [{"PolicyName": managed[a]["name"], "PolicyArn": a} for a in attached],
                 "Tags": [{"Key": "owner", "Value": "data-platform"}, {"Key": "env", "Value": ACCOUNT_ALIAS[account]}]}
            if description:
                r["Description"] = description
            r["RoleLastUsed"] = ({"LastUsedDate": iso_api(CAPTURED_AT - timedelta(minutes=rng.randint(5, 3000))),
                                  "Region": EU} if last_used else {})
            roles.append(r)

        engineer_inline = doc(
            {"Sid": "RegistryAuthoring", "Effect": "Allow",
             "Action": ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage",
                        "sagemaker:CreateModelPackageGroup", "sagemaker:AddTags"],
             "Resource": f"{sm}:model-package*"},
            {"Sid": "Training", "Effect": "Allow",
             "Action": ["sagemaker:CreateTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:CreateExperiment"],
             "Resource": f"{sm}:*"},
            {"Sid": "PassExecutionRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": exec_role,
             "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
            {"Sid": "ReadDatasets", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": [f"arn:aws:s3:::{DATASETS_BUCKET}", f"arn:aws:s3:::{DATASETS_BUCKET}/*"]},
            {"Sid": "Observe", "Effect": "Allow",
             "Action": ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams",
                        "logs:DescribeLogGroups", "cloudwatch:GetMetricData"], "Resource": "*"},
            {"Sid": "NeverTouchTheTrail", "Effect": "Deny", "Action": "cloudtrail:*", "Resource": "*"})
        if account == PROD:
            role("ml-engineer", saml, inline=[("ml-engineer-workspace", engineer_inline)], attached=[aws_ro],
                 description="ML engineers (Okta group ml-engineers)")
            role("ml-approver", saml, attached=[local("ml-approver-access"), aws_ro],
                 description="Model risk reviewers who approve model packages")
            role("ml-deploy-pipeline", self.trust({"Service": "codebuild.amazonaws.com"}),
                 inline=[("deploy-sagemaker", doc(
                     {"Sid": "SageMakerDeploy", "Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
                     {"Sid": "PassExecutionRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": exec_role,
                      "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
                     {"Sid": "BuildLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                      "Resource": f"arn:aws:logs:{EU}:{account}:log-group:/aws/codebuild/ml-deploy-pipeline:*"},
                     {"Sid": "Secrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"],
                      "Resource": "*"}))],
                 description="CodeBuild project ml-deploy-pipeline")
            role("sagemaker-execution-role", self.trust({"Service": "sagemaker.amazonaws.com"}),
                 attached=[local("sagemaker-execution-access")])
            role("data-platform-admin", saml, attached=[aws_admin], description="Platform administrators")
            role("data-scientist-readonly", saml, attached=[aws_ro], inline=[("datasets-read", doc(
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                 "Resource": [f"arn:aws:s3:::{DATASETS_BUCKET}", f"arn:aws:s3:::{DATASETS_BUCKET}/*"]},
                {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{DATASETS_BUCKET}/restricted/*"}))])
            role("mlflow-server", self.trust({"Service": "ecs-tasks.amazonaws.com"}), inline=[("mlflow-artifacts", doc(
                {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::northwind-mlflow-artifacts",
                                                                    "arn:aws:s3:::northwind-mlflow-artifacts/*"]}))],
                 description="ECS task role of the MLflow tracking server")
            role("cloudtrail-to-cloudwatch", self.trust({"Service": "cloudtrail.amazonaws.com"}),
                 inline=[("cloudwatch-delivery", doc(
                     {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                      "Resource": f"arn:aws:logs:{EU}:{account}:log-group:/aws/cloudtrail/northwind-audit-trail:*"}))],
                 created="2024-02-12T09:28:40+00:00")
        else:
            role("ml-engineer", saml, inline=[("ml-engineer-workspace", engineer_inline)],
                 attached=[local("ml-engineer-sandbox"), aws_ro], description="ML engineers (sandbox account)")
            role("ml-approver", saml, attached=[local("ml-approver-access")], last_used=False)
            role("ml-deploy-pipeline", self.trust({"Service": "codebuild.amazonaws.com"}), inline=[("deploy-sagemaker", doc(
                {"Effect": "Allow", "Action": ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig",
                                               "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint",
                                               "sagemaker:Describe*", "sagemaker:List*"], "Resource": f"{sm}:*"},
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": exec_role}))])
            role("sagemaker-execution-role", self.trust({"Service": "sagemaker.amazonaws.com"}),
                 attached=[local("sagemaker-execution-access")])
            role("data-platform-admin", saml, attached=[aws_admin])

        user = {"Path": "/", "UserName": "northwind-terraform", "UserId": user_id(account, "northwind-terraform"),
                "Arn": f"arn:aws:iam::{account}:user/northwind-terraform", "CreateDate": "2024-02-10T16:03:12+00:00",
                "UserPolicyList": [], "GroupList": ["platform-automation"], "AttachedManagedPolicies": [],
                "Tags": [{"Key": "owner", "Value": "data-platform"}]}
        group = {"Path": "/", "GroupName": "platform-automation", "GroupId": "AGPA" + b32id(account, "group"),
                 "Arn": f"arn:aws:iam::{account}:group/platform-automation", "CreateDate": "2024-02-10T16:02:40+00:00",
                 "GroupPolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
                                                                      "PolicyArn": aws_admin}]}
        counts: dict[str, int] = {}
        for r in roles:
            for a in r["AttachedManagedPolicies"]:
                counts[a["PolicyArn"]] = counts.get(a["PolicyArn"], 0) + 1
        counts[aws_admin] = counts.get(aws_admin, 0) + 1
        policies = []
        for arn, m in sorted(managed.items()):
            if arn not in counts:
                continue
            default = next(v for v in m["versions"] if v[1])
            policies.append({
                "PolicyName": m["name"], "PolicyId": "ANPA" + b32id(arn, "policy"), "Arn": arn, "Path": "/",
                "DefaultVersionId": default[0], "AttachmentCount": counts[arn], "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True, "CreateDate": m["created"], "UpdateDate": default[2],
                "PolicyVersionList": [{"Document": d, "VersionId": v, "IsDefaultVersion": is_default, "CreateDate": c}
                                      for v, is_default, c, d in m["versions"]]})
        body = {"UserDetailList": [user], "GroupDetailList": [group], "RoleDetailList": roles, "Policies": policies,
                "IsTruncated": False}
        self.put(account, "global", "iam", "GetAccountAuthorizationDetails", body)

    # --- s3 --------------------------------------------------------------------------------------------------------

    def s3(self):
        pab = {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                                  "BlockPublicPolicy": True, "RestrictPublicBuckets": True}}
        no_lock = {"Error": {"Code": "ObjectLockConfigurationNotFoundError",
                             "Message": "Object Lock configuration does not exist for this bucket"}}
        buckets = {
            (PROD, "northwind-cloudtrail-logs"): dict(
                versioning={"Status": "Enabled", "MFADelete": "Disabled"},
                lock={"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": {
                    "DefaultRetention": {"Mode": "GOVERNANCE", "Days": 400}}}},
                lifecycle={"Rules": [{"Expiration": {"Days": 2557}, "ID": "retain-7-years",
                                      "Filter": {"Prefix": "AWSLogs/"}, "Status": "Enabled",
                                      "Transitions": [{"Days": 90, "StorageClass": "GLACIER_IR"},
                                                      {"Days": 400, "StorageClass": "DEEP_ARCHIVE"}],
                                      "NoncurrentVersionExpiration": {"NoncurrentDays": 400}}]}),
            (PROD, DATASETS_BUCKET): dict(
                versioning={"Status": "Enabled", "MFADelete": "Disabled"}, lock=no_lock,
                lifecycle={"Rules": [{"ID": "expire-old-versions", "Filter": {}, "Status": "Enabled",
                                      "NoncurrentVersionExpiration": {"NoncurrentDays": 90}},
                                     {"ID": "abort-incomplete-uploads", "Filter": {}, "Status": "Enabled",
                                      "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}),
            (DEV, "northwind-dev-trail"): dict(
                versioning={"Status": "Suspended", "MFADelete": "Disabled"}, lock=no_lock,
                lifecycle={"Error": {"Code": "NoSuchLifecycleConfiguration",
                                     "Message": "The lifecycle configuration does not exist"}}),
        }
        for (account, bucket), s in buckets.items():
            self.put(account, "global", "s3", "GetBucketVersioning", s["versioning"], bucket)
            self.put(account, "global", "s3", "GetObjectLockConfiguration", s["lock"], bucket)
            self.put(account, "global", "s3", "GetBucketLifecycleConfiguration", s["lifecycle"], bucket)
            self.put(account, "global", "s3", "GetPublicAccessBlock", pab, bucket)


# ----------------------------------------------------------------------------------------------------------------------
# MLflow registry snapshots (REST response shapes of OSS MLflow 2.x)

MLFLOW_SNAPSHOTS = [T("2026-10-01T01:00:00"), T("2026-10-08T01:00:00"), T("2026-10-15T01:00:00"),
                    T("2026-10-22T01:00:00"), T("2026-10-29T01:00:00"), T("2026-11-01T01:00:00")]

# name -> experiment id, model tags, versions; each version: created, run user, and timed changes:
#   tags: [(time, key, value)], stages: [(time, stage)]; aliases: alias -> [(time, version)]
MLFLOW_MODELS = {
    "churn-classifier": dict(
        experiment="3", created=T("2025-11-05T10:02:11"), description="Monthly churn propensity, B2C subscriptions",
        tags={"team": "ml-platform", "risk_tier": "high", "sagemaker_group": "churn-classifier"},
        versions={
            1: dict(created=T("2025-11-05T10:02:11"), user="alice"),
            2: dict(created=T("2026-01-12T14:40:02"), user="alice"),
            3: dict(created=T("2026-03-03T09:12:55"), user="bob"),
            4: dict(created=T("2026-05-20T16:31:40"), user="alice"),
            5: dict(created=T("2026-07-08T11:05:09"), user="carol",
                    tags=[(T("2026-07-10T09:00:00"), "approved_by", "dave")]),
            6: dict(created=T("2026-09-10T13:22:47"), user="alice",
                    tags=[(T("2026-09-10T13:22:47"), "validation_status", "passed"),
                          (T("2026-09-14T10:41:03"), "approved_by", "dave")]),
            7: dict(created=T("2026-10-05T09:55:12"), user="alice",
                    tags=[(T("2026-10-05T09:55:12"), "validation_status", "passed"),
                          (T("2026-10-13T13:50:12"), "approved_by", "dave")]),
            8: dict(created=T("2026-10-27T11:00:18"), user="carol",
                    tags=[(T("2026-10-27T11:00:18"), "validation_status", "passed")]),
        },
        aliases={"production": [(T("2026-09-14T11:00:00"), 6), (T("2026-10-13T14:05:40"), 7)],
                 "staging": [(T("2026-09-10T13:30:00"), 6), (T("2026-10-08T09:30:02"), 7),
                             (T("2026-10-27T11:05:02"), 8)]}),
    "credit-risk": dict(
        experiment="5", created=T("2025-12-01T08:30:00"), description="Credit limit risk score (PD model)",
        tags={"team": "ml-platform", "risk_tier": "high", "regulated": "true"},
        versions={
            1: dict(created=T("2025-12-01T08:30:00"), user="bob"),
            2: dict(created=T("2026-04-10T12:12:12"), user="bob",
                    tags=[(T("2026-04-13T09:00:00"), "approved_by", "dave")]),
            3: dict(created=T("2026-09-01T15:04:33"), user="bob",
                    tags=[(T("2026-09-01T15:04:33"), "validation_status", "passed"),
                          (T("2026-09-03T10:20:00"), "approved_by", "dave")]),
            4: dict(created=T("2026-10-19T10:22:03"), user="bob",
                    tags=[(T("2026-10-19T10:22:03"), "validation_status", "passed"),
                          (T("2026-10-19T10:22:03"), "reviewer", "pending")]),
        },
        aliases={"champion": [(T("2026-09-03T10:30:00"), 3), (T("2026-10-20T16:22:09"), 4)],
                 "challenger": [(T("2026-10-20T16:22:30"), 3)]}),
    "demand-forecast": dict(
        experiment="8", created=T("2025-04-02T09:00:00"), description="Weekly demand per SKU and region",
        tags={"team": "forecasting", "risk_tier": "medium", "sagemaker_group": "demand-forecast"},
        versions={
            9: dict(created=T("2026-02-02T10:00:00"), user="carol", stages=[(T("2026-02-03T10:00:00"), "Archived")]),
            10: dict(created=T("2026-05-04T10:00:00"), user="carol", stages=[(T("2026-05-05T10:00:00"), "Archived")]),
            11: dict(created=T("2026-08-10T11:20:40"), user="alice",
                     tags=[(T("2026-08-11T08:00:00"), "approved_by", "dave")],
                     stages=[(T("2026-08-11T08:05:00"), "Production"), (T("2026-10-28T10:30:55"), "Archived")]),
            12: dict(created=T("2026-10-06T14:40:10"), user="alice",
                     tags=[(T("2026-10-27T09:12:40"), "approved_by", "dave")],
                     stages=[(T("2026-10-06T15:00:41"), "Staging"), (T("2026-10-28T10:30:55"), "Production")]),
        },
        aliases={}),
}


class MlflowSnapshots:
    def __init__(self, seed: int, out: Path):
        self.seed, self.out = seed, out

    @staticmethod
    def run_id(model: str, version: int) -> str:
        return hashlib.md5(f"{model}/{version}".encode()).hexdigest()

    def version_at(self, model: str, number: int, spec: dict, at: datetime) -> dict:
        changes = [spec["created"]]
        tags = {}
        for t, k, v in spec.get("tags", []):
            if t <= at:
                tags[k] = v
                changes.append(t)
        stage = "None"
        for t, s in spec.get("stages", []):
            if t <= at:
                stage = s
                changes.append(t)
        rid = self.run_id(model, number)
        mv = {"name": model, "version": str(number), "creation_timestamp": ms(spec["created"]),
              "last_updated_timestamp": ms(max(changes)), "user_id": "", "current_stage": stage,
              "source": f"s3://northwind-mlflow-artifacts/{MLFLOW_MODELS[model]['experiment']}/{rid}/artifacts/model",
              "run_id": rid, "status": "READY"}
        if tags:
            mv["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
        mv["run_link"] = ""
        return mv, max(changes)

    def run(self, model: str, number: int, spec: dict) -> dict:
        rng = random.Random(f"{self.seed}:mlflow-run:{model}:{number}")
        rid = self.run_id(model, number)
        exp = MLFLOW_MODELS[model]["experiment"]
        end = spec["created"] - timedelta(minutes=rng.randint(3, 40))
        start = end - timedelta(minutes=rng.randint(12, 180))
        name = f"{model}-train-{start:%Y%m%d-%H%M}"
        metric = {"churn-classifier": "val_auc", "credit-risk": "val_gini", "demand-forecast": "val_mape"}[model]
        value = round(rng.uniform(0.78, 0.93) if metric != "val_mape" else rng.uniform(0.07, 0.12), 4)
        return {"run": {
            "info": {"run_uuid": rid, "experiment_id": exp, "run_name": name, "user_id": spec["user"],
                     "status": "FINISHED", "start_time": ms(start), "end_time": ms(end),
                     "artifact_uri": f"s3://northwind-mlflow-artifacts/{exp}/{rid}/artifacts",
                     "lifecycle_stage": "active", "run_id": rid},
            "data": {
                "metrics": [{"key": metric, "value": value, "timestamp": ms(end), "step": 0}],
                "params": [{"key": "max_depth", "value": str(rng.choice([4, 6, 8]))},
                           {"key": "learning_rate", "value": rng.choice(["0.05", "0.1", "0.2"])},
                           {"key": "training_window", "value": f"{(start - timedelta(days=365)):%Y-%m}..{start:%Y-%m}"}],
                "tags": [{"key": "mlflow.user", "value": spec["user"]},
                         {"key": "mlflow.runName", "value": name},
                         {"key": "mlflow.source.type", "value": "NOTEBOOK"},
                         {"key": "mlflow.source.name", "value": f"/home/sagemaker-user/{model}/train.ipynb"},
                         {"key": "mlflow.source.git.commit", "value": rand_hex(rng, 40)}]},
            "inputs": {}}}

    def write(self):
        for at in MLFLOW_SNAPSHOTS:
            d = self.out / "snapshots" / f"{at:%Y%m%dT%H%M%SZ}"
            registered, versions = [], []
            for name, m in MLFLOW_MODELS.items():
                if m["created"] > at:
                    continue
                mvs = {}
                last = m["created"]
                for number, spec in m["versions"].items():
                    if spec["created"] > at:
                        continue
                    mv, changed = self.version_at(name, number, spec, at)
                    mvs[number] = mv
                    last = max(last, changed)
                    write_api(d / "runs-get" / f"{mv['run_id']}.json", self.run(name, number, spec))
                aliases = []
                for alias, moves in sorted(m["aliases"].items()):
                    current = [(t, v) for t, v in moves if t <= at]
                    if current:
                        aliases.append({"alias": alias, "version": str(current[-1][1])})
                        last = max(last, current[-1][0])
                latest = {}
                for number, mv in sorted(mvs.items()):
                    latest[mv["current_stage"]] = mv
                rm = {"name": name, "creation_timestamp": ms(m["created"]), "last_updated_timestamp": ms(last),
                      "description": m["description"], "latest_versions": [latest[s] for s in sorted(latest)],
                      "tags": [{"key": k, "value": v} for k, v in m["tags"].items()]}
                if aliases:
                    rm["aliases"] = aliases
                registered.append(rm)
                write_api(d / "registered-models-get" / f"{q(name)}.json", {"registered_model": rm})
                versions += [mvs[n] for n in sorted(mvs, reverse=True)]
            write_api(d / "registered-models-search.json", {"registered_models": registered})
            write_api(d / "model-versions-search.json", {"model_versions": versions})
            write_api(d / "_capture.json", {"captured_at": iso_api(at + timedelta(seconds=4)), "tracking_uri": MLFLOW_URI})


# ----------------------------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--digest-hours", type=int, default=6,
                    help="hours covered by one digest file (CloudTrail writes one per hour; 6 keeps the sample small)")
    args = ap.parse_args(argv)

    for sub in ("cloudtrail", "aws", "mlflow"):
        shutil.rmtree(HERE / sub, ignore_errors=True)

    corpus = Corpus(REAL_DIR)
    act = Stories(args.seed, corpus)
    act.background()
    act.terraform()
    act.humans()
    act.ci_builds()
    act.training()
    act.registry()
    act.deployments()
    act.denied_burst()
    act.near_misses()
    act.scattered_denials()
    act.root_activity()
    act.tampering()
    act.odd_records()

    delivery = Delivery(args.seed, HERE / "cloudtrail", act)
    delivery.write()
    delivery.plant_bad_objects()
    delivery.digests(args.digest_hours)
    AwsSnapshot(args.seed, HERE / "aws").write()
    MlflowSnapshots(args.seed, HERE / "mlflow").write()

    n_objects = len(delivery.objects)
    n_records = sum(len(o["records"]) for o in delivery.objects)
    lost = sum(len(o["records"]) for o in delivery.objects if o.get("truncated"))
    print(f"cloudtrail: {n_objects} log objects, {n_records} records ({lost} in the truncated object), "
          f"{len(delivery.bad)} bad objects planted")
    for b in delivery.bad:
        print(f"  {b['id']}: {b['key']}  ({b['what']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
