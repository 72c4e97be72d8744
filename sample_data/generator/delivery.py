"""Delivery: the month's records as the trail buckets' objects, the bad objects of the quarantine section, digests.

Log objects are delivered every 7-25 min in working hours and every 30-70 min at night in eu-west-1, every 25-100 min
in us-east-1; nothing of the dev account is delivered while its trail was stopped, except the planted records.
Digests (prod trail only: the dev trail has log file validation off) hash the uncompressed log files. One prod log
object (P-LOG-DELETED) is removed from the bucket after delivery: the digest still lists it with its hash. Another
(P-LOG-MODIFIED) is rewritten after its digest was written, with one record removed: the digest keeps the hash of the
file CloudTrail delivered.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from pathlib import Path

from .formats import T, is_weekday, iso_z, ms
from .ids import amz_id_2, rand_alnum, rand_hex, rand_uuid, s3_request_id
from .org import (ACCOUNTS, DEV, EU, HOME_REGION, PROD, REGIONS, START_LOGGING_AT, STOP_LOGGING_AT, TRAIL, US,
                  WINDOW_END, WINDOW_START)
from .trail import Trail
from .writer import dumps_compact, gz, write_bytes


def ceil5(dt: datetime) -> datetime:
    dt = dt.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return dt + timedelta(minutes=(-dt.minute) % 5)


class Delivery:
    """Writes the trail buckets' objects below ``out``: log files, the bad objects, digests."""

    def __init__(self, seed: int, out: Path, activity: Trail):
        self.seed, self.out, self.act = seed, out, activity
        self.objects: list[dict] = []  # every object written: key, account, region, delivered, records, sha256
        self.bad: list[dict] = []
        self.deleted: list[dict] = []  # objects delivered, listed by a digest, then removed from the bucket
        self.modified: list[dict] = []  # objects listed by a digest, then rewritten with a record removed

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

    # --- a delivered log file deleted from the bucket ----------------------------------------------------------------

    def plant_deleted_log(self):
        """P-LOG-DELETED: the first prod eu-west-1 object delivered from 2026-10-26 04:00Z on whose records are plain
        noise (no planted record, no error, no CloudTrail API call) is removed after delivery. It stays in
        ``self.objects``, so the digest of its hour still lists it with its hash; its events are lost. Its neighbours
        keep the prod eu-west-1 silence under two hours, far below the delivery-gap threshold."""
        after = T("2026-10-26T04:00:00")
        for o in sorted(self.objects, key=lambda o: o["delivered"]):
            if (o["account"], o["region"]) != (PROD, EU) or o["delivered"] < after:
                continue
            if any(id(r) in self.act.protected or r.get("errorCode") or r.get("eventSource") == "cloudtrail.amazonaws.com"
                   for r in o["records"]):
                continue
            (self.out / o["key"]).unlink()
            o["deleted"] = True
            self.deleted.append(dict(id="P-LOG-DELETED", key=o["key"], records=len(o["records"]),
                                     oldest=o["oldest"], newest=o["newest"]))
            return o
        raise RuntimeError("no object to delete")

    # --- a delivered log file altered after its digest was written -------------------------------------------------

    def plant_modified_log(self):
        """P-LOG-MODIFIED: the first prod eu-west-1 object delivered from 2026-10-08 10:00Z whose records are plain noise
        (as in ``plant_deleted_log``) and that holds an S3 ``GetObject`` data event is rewritten, re-gzipped, without its
        first ``GetObject`` record, as an intruder removing the trace of a dataset read would. Call it after
        ``digests``: the digest of its hour keeps the hash of the file as delivered (``o["sha256"]`` is left alone), so
        the content on disk no longer matches it. No random numbers are drawn, so every other file stays the same."""
        after = T("2026-10-08T10:00:00")
        for o in sorted(self.objects, key=lambda o: o["delivered"]):
            if (o["account"], o["region"]) != (PROD, EU) or o["delivered"] < after or o.get("deleted"):
                continue
            if any(id(r) in self.act.protected or r.get("errorCode") or r.get("eventSource") == "cloudtrail.amazonaws.com"
                   for r in o["records"]):
                continue
            reads = [r for r in o["records"] if r.get("eventSource") == "s3.amazonaws.com" and r.get("eventName") == "GetObject"]
            if not reads:
                continue
            victim = reads[0]
            kept = [r for r in o["records"] if r is not victim]
            raw = dumps_compact({"Records": kept})
            write_bytes(self.out / o["key"], gz(raw))
            o["records"], o["modified"] = kept, True
            self.modified.append(dict(id="P-LOG-MODIFIED", key=o["key"], records=len(kept) + 1, victim=victim,
                                      digest_sha256=o["sha256"], content_sha256=hashlib.sha256(raw).hexdigest()))
            return o
        raise RuntimeError("no object to modify")

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
