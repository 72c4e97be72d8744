"""load/log_events.py through the cloudwatch loader: EKS audit events parsed into eks_audit_events (a message that is
not an audit event quarantined with its reason, the log event itself still loaded), and personal data in other log
events found, validated (Luhn, mod-97) and masked into cloudwatch_log_pii."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from auditreport.load.cloudwatch import CloudWatchLoader
from auditreport.load.log_pii import find, iban_ok, luhn_ok

from .support import capture, load, put, rows

ACCT = "111122223333"
GROUP = "/aws/eks/ml-serving/cluster"


def _ms(*args) -> int:
    return int(datetime(*args, tzinfo=timezone.utc).timestamp() * 1000)


def _audit(audit_id: str, verb: str, stage: str = "ResponseComplete", **ref) -> str:
    return json.dumps({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": audit_id, "stage": stage,
        "requestURI": "/apis/serving.kserve.io/v1beta1/namespaces/models/inferenceservices/churn", "verb": verb,
        "user": {"username": "arn:aws:sts::111122223333:assumed-role/platform-admin/alice",
                 "groups": ["system:authenticated"],
                 "extra": {"arn": ["arn:aws:sts::111122223333:assumed-role/platform-admin/alice"]}},
        "sourceIPs": ["198.51.100.23"], "userAgent": "kubectl/v1.30.2",
        "objectRef": {"resource": "inferenceservices", "namespace": "models", "name": "churn",
                      "apiGroup": "serving.kserve.io", "apiVersion": "v1beta1", **ref},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": "2026-10-14T09:12:03.120000Z", "stageTimestamp": "2026-10-14T09:12:03.180000Z",
        "annotations": {"authorization.k8s.io/decision": "allow"}})


def _event(i: int, stream: str, message: str) -> dict:
    return {"logStreamName": stream, "timestamp": _ms(2026, 10, 14, 9, 12, 4) + i, "eventId": f"ev{i}", "message": message}


def test_audit_events_parsed_and_a_message_that_is_no_audit_event_quarantined(tmp_path, con, lake_root):
    root = tmp_path / "aws"
    capture(root)
    put(root, ACCT, "eu-west-1", "logs", "FilterLogEvents", {"events": [
        _event(0, "kube-apiserver-audit-0a1b", _audit("a-1", "patch")),
        _event(1, "kube-apiserver-audit-0a1b", _audit("a-2", "create", resource="pods", subresource="exec",
                                                      apiGroup=None)),
        _event(2, "kube-apiserver-audit-0a1b", "I1014 09:12:04 not an event"),
        _event(3, "kube-apiserver-audit-0a1b", json.dumps({"kind": "Status", "apiVersion": "v1"})),
        _event(4, "kube-apiserver-0a1b", "I1014 apiserver log line, not an audit stream"),
        _event(5, "authenticator-0a1b", "time=... msg=\"access granted\" email alice@example.com"),
        _event(6, "kube-apiserver-audit-0a1b", _audit("a-3", "get").replace('"code": 200', '"code": 99999999999')),
    ]}, ident=GROUP)
    result = load(CloudWatchLoader(), root, con, lake_root)
    assert (result.objects_quarantined, result.records_quarantined) == (0, 3)  # one event each, never the file
    assert len(rows(con, "SELECT * FROM cloudwatch_log_events")) == 7  # every log event loads as a log event
    got = rows(con, "SELECT * FROM eks_audit_events ORDER BY record_index")
    assert [(r["audit_id"], r["verb"], r["record_index"]) for r in got] == [("a-1", "patch", 0), ("a-2", "create", 1)]
    a = got[0]
    assert (a["cluster_name"], a["resource"], a["api_group"], a["namespace"], a["object_name"]) == (
        "ml-serving", "inferenceservices", "serving.kserve.io", "models", "churn")
    assert a["user_arn"] == "arn:aws:sts::111122223333:assumed-role/platform-admin/alice"
    assert a["event_time"] == datetime(2026, 10, 14, 9, 12, 3, 120000) and a["response_code"] == 200
    assert json.loads(a["source_ips"]) == ["198.51.100.23"] and a["authorization_decision"] == "allow"
    assert a["source_key"] == f"{ACCT}/eu-west-1/logs/FilterLogEvents/%2Faws%2Feks%2Fml-serving%2Fcluster.json"
    assert a["log_event_id"] == "ev0" and a["stage"] == "ResponseComplete"
    assert (got[1]["subresource"], got[1]["api_group"]) == ("exec", "")  # the core group
    q = rows(con, "SELECT reason, record_index, detail FROM quarantine ORDER BY record_index")
    assert [(r["reason"], r["record_index"]) for r in q] == [("not_audit_event", i) for i in (2, 3, 6)]
    assert "not JSON" in q[0]["detail"] and "is not an audit.k8s.io Event" in q[1]["detail"]
    assert "responseStatus.code is not an HTTP status code" in q[2]["detail"]
    # audit events are not scanned for personal data; the group's other streams are log events like any other
    assert [(r["record_index"], r["kind"]) for r in rows(con, "SELECT * FROM cloudwatch_log_pii")] == [(5, "email")]


def test_personal_data_is_found_validated_and_masked(tmp_path, con, lake_root):
    root = tmp_path / "aws"
    capture(root)
    put(root, ACCT, "eu-west-1", "logs", "FilterLogEvents", {"events": [
        _event(0, "gw/1", '{"request_id": "r-1", "email": "jane.doe@example.com", "card": "4111 1111 1111 1111"}'),
        _event(1, "gw/1", '{"request_id": "r-2", "rows": 4111111111111112, "iban": "DE89 3704 0044 0532 0130 01"}'),
        _event(2, "gw/1", 'refund to GB82WEST12345698765432, call +44 20 7946 0958'),
    ]}, ident="/ml/inference-gateway")
    load(CloudWatchLoader(), root, con, lake_root)
    got = rows(con, "SELECT record_index, match_index, kind, masked FROM cloudwatch_log_pii "
                    "ORDER BY record_index, match_index")
    assert [(r["record_index"], r["kind"], r["masked"]) for r in got] == [
        (0, "email", "j***@e***.com"), (0, "card", "************1111"),
        (2, "iban", "GB****************5432"), (2, "phone", "+**********58")]
    text = json.dumps(rows(con, "SELECT * FROM cloudwatch_log_pii"), default=str)
    assert "jane.doe" not in text and "4111 1111" not in text and "7946" not in text  # never the data itself


def test_luhn_and_mod_97():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("DE89370400440532013000") and not iban_ok("DE89370400440532013001")
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB82")
    # an IBAN's digits are not also a card number; bare digit runs are not phone numbers
    assert [k for k, _, _ in find("DE89 3704 0044 0532 0130 00")] == ["iban"]
    assert find("DE89 3704 0044 0532 0130 01") == []  # fails mod-97; its 18 digits pass Luhn but are no card
    assert find("latency 12345678901 ms") == []
