"""Generate the auditreport sample month: "Northwind Analytics ML Platform (sample)", October 2026.

Run it as ``python sample_data/generate.py [--seed 20261001]`` (see ``cli``). Deterministic for a given seed
(random.Random seeded per component, gzip written with mtime=0), standard library only, and writes nothing outside
``sample_data/``. It rewrites, below that directory:

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

Modules, in the order the data flows:

    org, sagemaker_estate, formats, ids, writer    the sample organisation, its SageMaker estate, helpers
    corpus, trail                                  real records and their rewriting; the record collector
    activity, noise, people, pipelines,            the month's CloudTrail activity, one layer each
      sagemaker_history, planted, month
    delivery                                       log objects, digests, bad, deleted and modified objects in cloudtrail/
    aws_snapshots (+ aws_sagemaker, aws_logs,      aws/
      aws_iam)
    mlflow_snapshots                               mlflow/
    cli                                            main(): runs it all
"""

from .cli import main

__all__ = ["main"]
