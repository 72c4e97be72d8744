"""load/cloudtrail_sql.py: the one projection from CloudTrail records to ``cloudtrail_events`` rows, exercised through
``load_records_into`` (the same SQL the file loader runs): nested documents kept as JSON text (keys that differ only
by case survive), lenient event times, and the actor of each kind of identity."""

from __future__ import annotations

import gzip
import json

from auditreport import lake
from auditreport.lake.connection import file_sql
from auditreport.load.cloudtrail import load_records_into
from auditreport.load.cloudtrail_sql import records_sql

ACCT = "111122223333"
ROLE = f"arn:aws:iam::{ACCT}:role/ml-engineer"


def _table(con):
    con.execute(lake.TABLES["cloudtrail_events"].ddl("t"))
    return "t"


def _row(con, event_id: str) -> dict:
    cur = con.execute("SELECT * FROM t WHERE event_id = ?", [event_id])
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def test_case_colliding_keys_and_odd_times(tmp_path, con):
    records = [
        {"eventTime": "2026-10-12T08:01:02Z", "eventID": "a", "requestParameters": {"tagging": "x", "Tagging": "y"}},
        {"eventTime": "2026-10-12T08:01:02.123Z", "eventID": "b"},
        {"eventTime": "2026-10-12 08:01:02", "eventID": "c"},
        {"eventTime": "2026-10-12T10:01:02+02:00", "eventID": "d"},
        {"eventTime": 1791792062, "eventID": "e"},  # epoch seconds = 2026-10-12T08:01:02Z
        {"eventTime": "yesterday", "eventID": "f"},
        {"eventID": "g"},
    ]
    con.execute(lake.TABLES["cloudtrail_events"].ddl("t"))
    assert load_records_into(con, records, "t") == 5
    got = dict(con.execute("SELECT event_id, strftime(event_time, '%Y-%m-%dT%H:%M:%S') FROM t").fetchall())
    assert got == {k: "2026-10-12T08:01:02" for k in "abcde"}
    params = con.execute("SELECT request_parameters FROM t WHERE event_id = 'a'").fetchone()[0]
    assert json.loads(params) == {"tagging": "x", "Tagging": "y"}


def test_epoch_milliseconds_and_fractions_of_a_second_parse_to_naive_utc(con):
    load_records_into(con, [{"eventTime": "1791792062000", "eventID": "ms"},
                            {"eventTime": "1791792062.5", "eventID": "frac"}], _table(con))
    got = dict(con.execute("SELECT event_id, strftime(event_time, '%Y-%m-%dT%H:%M:%S.%f') FROM t").fetchall())
    assert got == {"ms": "2026-10-12T08:01:02.000000", "frac": "2026-10-12T08:01:02.500000"}
    assert _row(con, "ms")["event_time_raw"] == "1791792062000" and _row(con, "ms")["year"] == 2026


def test_actor_arn_of_an_assumed_role_is_the_role_not_the_session(con):
    load_records_into(con, [{
        "eventTime": "2026-10-12T08:01:02Z", "eventID": "a",
        "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCT}:assumed-role/ml-engineer/alice",
                         "accountId": ACCT, "principalId": "AROAX:alice",
                         "sessionContext": {"sessionIssuer": {"type": "Role", "arn": ROLE}}}}], _table(con))
    r = _row(con, "a")
    assert r["actor_arn"] == ROLE and r["session_issuer_arn"] == ROLE
    assert r["principal_arn"] == f"arn:aws:sts::{ACCT}:assumed-role/ml-engineer/alice"
    assert (r["user_type"], r["session_name"], r["principal_account_id"]) == ("AssumedRole", "alice", ACCT)
    assert json.loads(r["user_identity"])["sessionContext"]["sessionIssuer"]["arn"] == ROLE


def test_actor_arn_of_other_identities(con):
    load_records_into(con, [
        {"eventTime": "2026-10-12T08:01:02Z", "eventID": "user",
         "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCT}:user/carol", "principalId": "AIDA"}},
        {"eventTime": "2026-10-12T08:01:02Z", "eventID": "service",
         "userIdentity": {"type": "AWSService", "invokedBy": "sagemaker.amazonaws.com"}},
        {"eventTime": "2026-10-12T08:01:02Z", "eventID": "anon", "userIdentity": {"type": "Unknown",
                                                                                  "principalId": "anonymous"}},
    ], _table(con))
    assert _row(con, "user")["actor_arn"] == f"arn:aws:iam::{ACCT}:user/carol"
    assert _row(con, "service")["actor_arn"] == "sagemaker.amazonaws.com"
    assert _row(con, "service")["invoked_by"] == "sagemaker.amazonaws.com"
    assert _row(con, "anon")["actor_arn"] == "anonymous" and _row(con, "user")["session_name"] is None


def test_scalars_are_read_leniently_and_json_null_documents_are_sql_null(con):
    load_records_into(con, [{
        "eventTime": "2026-10-12T08:01:02Z", "eventID": "x", "readOnly": "true", "managementEvent": False,
        "eventName": "CreateModelPackage", "eventSource": "sagemaker.amazonaws.com", "awsRegion": "eu-west-1",
        "errorCode": "AccessDenied", "recipientAccountId": ACCT, "responseElements": None,
        "requestParameters": {"ModelPackageGroupName": "fraud", "nested": {"Deep": [1, 2]}},
        "resources": [{"ARN": "arn:x"}], "notAModelledField": "ignored"}], _table(con))
    r = _row(con, "x")
    assert (r["read_only"], r["management_event"]) == (True, False)  # "true" as a string is still a boolean
    assert (r["event_name"], r["event_source"], r["aws_region"], r["error_code"], r["recipient_account_id"]) == (
        "CreateModelPackage", "sagemaker.amazonaws.com", "eu-west-1", "AccessDenied", ACCT)
    assert r["response_elements"] is None
    assert json.loads(r["request_parameters"]) == {"ModelPackageGroupName": "fraud", "nested": {"Deep": [1, 2]}}
    assert json.loads(r["resources"]) == [{"ARN": "arn:x"}]


def test_records_sql_counts_an_object_that_is_not_one_log_file_without_reading_records(con, tmp_path):
    p = tmp_path / "inventory.json.gz"
    p.write_bytes(gzip.compress(b'{"Inventory": []}'))
    twice = tmp_path / "twice.json.gz"
    twice.write_bytes(gzip.compress(b'{"Records": [{"eventID": "a"}]}\n{"Records": [{"eventID": "a"}]}'))
    got = con.execute(f"SELECT filename, no_records, n_docs, r FROM ({records_sql(f'[{file_sql(p)}, {file_sql(twice)}]', 1 << 20)}) "
                      "ORDER BY filename").fetchall()
    assert [(f.rsplit('/', 1)[1], nr, n, r) for f, nr, n, r in got] == [
        ("inventory.json.gz", True, 1, None), ("twice.json.gz", True, 2, None), ("twice.json.gz", True, 2, None)]
