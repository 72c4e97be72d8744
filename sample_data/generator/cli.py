"""The command line: ``python sample_data/generate.py [--seed N] [--digest-hours H]``.

Removes ``cloudtrail/``, ``aws/`` and ``mlflow/`` below ``sample_data/`` and writes them again: the month's CloudTrail
activity, its delivery into the trail buckets, the AWS API snapshots and the MLflow snapshots.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from .aws_snapshots import AwsSnapshot
from .corpus import Corpus
from .delivery import Delivery
from .formats import iso_z
from .mlflow_snapshots import MlflowSnapshots
from .month import Month
from .org import ORG
from .planted_digests import SignedDigests

SAMPLE_DIR = Path(__file__).resolve().parent.parent  # sample_data/: everything is written below it
REAL_DIR = SAMPLE_DIR.parent / "tests" / "data" / "realtrail"

DEFAULT_SEED = 20261001


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog=prog, description=f'Generate the auditreport sample month: "{ORG}", October 2026.')
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--digest-hours", type=int, default=6,
                    help="hours covered by one digest file (CloudTrail writes one per hour; 6 keeps the sample small)")
    args = ap.parse_args(argv)

    for sub in ("cloudtrail", "aws", "mlflow"):
        shutil.rmtree(SAMPLE_DIR / sub, ignore_errors=True)

    corpus = Corpus(REAL_DIR)
    act = Month(args.seed, corpus).build()

    delivery = Delivery(args.seed, SAMPLE_DIR / "cloudtrail", act)
    delivery.write()
    delivery.plant_bad_objects()
    delivery.plant_deleted_log()
    delivery.digests(args.digest_hours)
    delivery.plant_modified_log()  # after the digests: they keep the hash of the file as delivered
    AwsSnapshot(args.seed, SAMPLE_DIR / "aws").write()
    signed = SignedDigests(SAMPLE_DIR / "cloudtrail", SAMPLE_DIR / "aws")  # after the digests and aws/ are written
    signed.write()
    MlflowSnapshots(args.seed, SAMPLE_DIR / "mlflow").write()

    on_disk = [o for o in delivery.objects if not o.get("deleted")]
    n_records = sum(len(o["records"]) for o in on_disk)
    lost = sum(len(o["records"]) for o in on_disk if o.get("truncated"))
    print(f"cloudtrail: {len(on_disk)} log objects, {n_records} records ({lost} in the truncated object), "
          f"{len(delivery.bad)} bad objects planted, {len(delivery.deleted)} listed by a digest but deleted, "
          f"{len(delivery.modified)} altered after its digest")
    for b in delivery.bad:
        print(f"  {b['id']}: {b['key']}  ({b['what']})")
    for d in delivery.deleted:
        print(f"  {d['id']}: {d['key']}  (deleted after delivery: {d['records']} records, "
              f"{iso_z(d['oldest'])} .. {iso_z(d['newest'])})")
    for m in delivery.modified:
        v = m["victim"]
        print(f"  {m['id']}: {m['key']}  (1 of {m['records']} records removed after the digest: {v['eventName']} "
              f"{v['eventTime']} by {v['userIdentity'].get('arn')}, eventID {v['eventID']}; digest hash "
              f"{m['digest_sha256']}, now {m['content_sha256']})")
    for p in signed.planted:
        print(f"  {p['id']}: {p['key']}  ({', '.join(f'{k} {v}' for k, v in p.items() if k not in ('id', 'key'))})")
    return 0
