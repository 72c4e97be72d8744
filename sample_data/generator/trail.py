"""The record collector at the base of the month's activity: principals, synthetic envelopes, derived real records.

``Trail`` keeps every record with its account, region and time; ``protect`` marks planted records that the
stopped-trail window must keep. ``synthetic`` writes a call no public corpus holds raw in the eventVersion 1.08
envelope of the real invictus-ir records; ``derive`` rewrites a real record (``corpus.rewrite``) and adds it.
"""

from __future__ import annotations

import random
from datetime import datetime

from .corpus import Corpus, rewrite
from .formats import iso_z
from .ids import rand_uuid, role_id, user_id


class Trail:
    """Collects the month's CloudTrail records per (account, region); the delivery writes them as the trail would."""

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
        """A real record rewritten into the sample (``corpus.rewrite``), added to the trail unless ``add=False``."""
        rec = rewrite(rng, tpl, account=account, region=region, when=when, identity=identity, ip=ip, ua=ua,
                      role=role, bucket=bucket, keep_error=keep_error)
        if add:
            self.add(account, region, when, rec, protect=protect)
        return rec
